"""A parcel desk for tests: a cooperative in Kabupaten Boyolali, Jawa Tengah, with a logistik
unit, a logistics officer, a cashier with an open shift (float Rp100.000), a manager, a
member, and two couriers:

- JNT: commission 10%, rounds UP to whole kilograms, insurance 0,2% (min Rp1.000); REG tariffs
  from today in every zone but INDONESIA_TIMUR (so a parcel to Papua has no tariff):
  DALAM_KAB 8.000/5.000, DALAM_PROV 10.000/7.000, JAWA 12.000/9.000, LUAR_JAWA 25.000/20.000;
- POS: commission 15%, rounds UP to 0,5 kg; REG JAWA 11.000/8.000 from today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from outlet_pos.core.db import run_transaction
from outlet_pos.core.onboarding import save_unit
from outlet_pos.core.parties import Member
from outlet_pos.core.sales.shifts import open_shift
from outlet_pos.core.tenancy import Outlet
from outlet_pos.extensions import db
from outlet_pos.units.logistik.tariffs import add_tariff, save_courier
from tests.conftest import make_coop, make_user

FLOAT = 100_000
JNT_REG = {"DALAM_KAB": (8_000, 5_000), "DALAM_PROV": (10_000, 7_000),
           "JAWA": (12_000, 9_000), "LUAR_JAWA": (25_000, 20_000)}  # fmt: skip


@dataclass
class Desk:
    coop: object
    unit: object
    officer: object
    cashier: object
    manager: object
    shift: object
    jnt: object
    pos: object
    member: object


def parcel_values(desk: Desk, **changes) -> dict:
    """A valid intake: 2 kg in a 40×30×20 box (4 kg volumetric) to Bandung (zone JAWA)."""
    values = {
        "courier_id": str(desk.jnt.id), "service": "REG", "sender_name": "Budi Santoso",
        "sender_phone": "081234567890", "sender_address": "Dukuh Krajan RT 01",
        "receiver_name": "Siti Aminah", "receiver_phone": "082233445566",
        "receiver_address": "Jl. Merdeka 10", "receiver_desa": "Citarum",
        "receiver_kabupaten": "Kota Bandung", "receiver_provinsi": "Jawa Barat",
        "contents": "Baju", "actual_kg": "2", "length_cm": "40", "width_cm": "30",
        "height_cm": "20", "insurance_value": 0, "cod_amount": 0, "method": "tunai",
    }  # fmt: skip
    values.update(changes)
    return values


def build_desk(name: str = "Koperasi Pos Desa", *, tag: str = "") -> Desk:
    coop = make_coop(name, provinsi="Jawa Tengah", kabupaten="Boyolali")
    tag = tag or str(coop.id)
    officer = make_user(f"petugaspos{tag}", "petugas_logistik", coop)
    cashier = make_user(f"kasirpos{tag}", "kasir", coop)
    manager = make_user(f"penguruspos{tag}", "pengurus", coop)
    outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))

    def setup():
        unit = save_unit(coop, "logistik", "Pos & Logistik", "logistik", outlet.id)
        jnt = save_courier(coop, manager, code="JNT", name="J&T Express",
                           commission_percent="10", rounding_kg="1",
                           insurance_rate_percent="0.2", insurance_min=1_000)  # fmt: skip
        pos = save_courier(coop, manager, code="POS", name="Pos Indonesia",
                           commission_percent="15", rounding_kg="0.5",
                           insurance_rate_percent="0.2", insurance_min=1_000)  # fmt: skip
        today = coop.today()
        for zone, (first, nxt) in JNT_REG.items():
            add_tariff(coop, manager, courier_id=jnt.id, service="REG", zone=zone,
                       first_kg=first, next_kg=nxt, valid_from=today, eta_days="2-3")  # fmt: skip
        add_tariff(coop, manager, courier_id=pos.id, service="REG", zone="JAWA", first_kg=11_000,
                   next_kg=8_000, valid_from=today)  # fmt: skip
        member = Member(cooperative_id=coop.id, member_number="A-0001", nik="3309011205850001",
                        name="Budi Santoso", sex="L", join_date=date(2024, 1, 5),
                        credit_limit=100_000)  # fmt: skip
        db.session.add(member)
        db.session.flush()
        return unit, jnt, pos, member

    unit, jnt, pos, member = run_transaction(setup)
    shift = run_transaction(open_shift, coop, cashier, outlet, FLOAT)
    return Desk(coop, unit, officer, cashier, manager, shift, jnt, pos, member)
