"""A savings-and-loans cooperative for tests: capital for the BMPP, a cashier with an open
shift, two pengurus (applications need a second person), and a registered member."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from outlet_pos.core.db import run_transaction
from outlet_pos.core.ledger import post
from outlet_pos.core.sales.shifts import open_shift
from outlet_pos.core.tenancy import Outlet
from outlet_pos.extensions import db
from outlet_pos.units.simpan_pinjam.members import register_member
from tests.conftest import make_coop, make_user

CAPITAL = 500_000_000  # hibah: BMPP 15% = Rp75.000.000
FLOAT = 20_000_000  # the drawer can pay out a loan


@dataclass
class World:
    coop: object
    kasir: object
    shift: object
    pengurus_a: object
    pengurus_b: object
    member: object


NIKS = iter(f"3201{d:02d}{m:02d}85{s:04d}" for s in range(2, 9999) for d, m in [(12, 5), (45, 6)])


def next_nik() -> str:
    return next(NIKS).replace("3201", "320101", 1)[:16]


def member_data(name: str = "Siti Aminah", nik: str | None = None) -> dict:
    return {
        "name": name,
        "nik": nik or next_nik(),
        "address": "RT 01 RW 02",
        "desa": "Sukamaju",
        "phone": "081234567890",
        "occupation": "Petani",
        "heir_name": "Budi",
        "heir_relation": "Anak",
    }


def build_world(*, joined_days_ago: int = 0, name: str = "Koperasi Simpan Pinjam") -> World:
    coop = make_coop(name, simpanan_pokok_amount=100_000, simpanan_wajib_amount=20_000)
    kasir = make_user(f"kasir{coop.id}", "kasir", coop)
    pa = make_user(f"pengurusa{coop.id}", "pengurus", coop)
    pb = make_user(f"pengurusb{coop.id}", "pengurus", coop)
    outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))

    def setup():
        post(
            coop,
            coop.today() - timedelta(days=400),
            "Hibah modal awal",
            [("112100", CAPITAL, 0), ("312100", 0, CAPITAL)],
            source="manual",
        )
        shift = open_shift(coop, kasir, outlet, FLOAT)
        member = register_member(
            coop,
            member_data(nik="3201011205850001"),  # a man's NIK: tests read the sex from it
            kasir,
            shift=shift,
            day=coop.today() - timedelta(days=joined_days_ago),
        )
        return shift, member

    shift, member = run_transaction(setup)
    return World(coop, kasir, shift, pa, pb, member)


def first_of_previous_month(today: date) -> date:
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)
