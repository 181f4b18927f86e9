"""A cooperative with a year of books for closing, statements and SHU tests: three members
who paid pokok and wajib, a shop selling to members and non-members, loan-free simple costs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from outlet_pos.core.db import run_transaction
from outlet_pos.core.inventory.catalog import UnitSpec, save_item
from outlet_pos.core.inventory.models import Item
from outlet_pos.core.ledger import post
from outlet_pos.core.parties import Member
from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout
from outlet_pos.core.sales.shifts import open_shift
from outlet_pos.core.tenancy import BusinessUnit, Outlet
from outlet_pos.extensions import db
from outlet_pos.units.simpan_pinjam.members import register_member
from outlet_pos.units.simpan_pinjam.savings import account_for, deposit
from tests.conftest import make_coop, make_user
from tests.shop import stock_in
from tests.units.simpin_world import member_data

YEAR = 2025


@dataclass
class Book:
    coop: object
    user: object  # bendahara
    kasir: object
    shift: object
    members: list  # Member rows, by member number
    sembako: int  # unit ids
    simpin: int
    item: int


def unit_id(coop, kind: str) -> int:
    return db.session.scalar(
        select(BusinessUnit.id).where(
            BusinessUnit.cooperative_id == coop.id, BusinessUnit.kind == kind
        )
    )


def build_book(name: str = "Koperasi Buku Besar") -> Book:
    coop = make_coop(name, simpanan_pokok_amount=100_000, simpanan_wajib_amount=20_000)
    user = make_user(f"bendahara{coop.id}", "bendahara", coop)
    kasir = make_user(f"kasirbuku{coop.id}", "kasir", coop)
    outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))
    sembako, simpin = unit_id(coop, "sembako"), unit_id(coop, "simpan_pinjam")

    def setup():
        post(
            coop,
            date(YEAR, 1, 2),
            "Hibah modal awal dari desa",
            [("112100", 50_000_000, 0), ("312100", 0, 50_000_000)],
            source="manual",
        )
        shift = open_shift(coop, kasir, outlet, 1_000_000, day=date(YEAR, 1, 2))
        members = []
        for i, name in enumerate(["Ani", "Budi", "Citra"]):
            m = register_member(
                coop, member_data(name), kasir, shift=shift, day=date(YEAR, 1, 3 + i)
            )
            members.append(m)
        item = save_item(
            coop,
            unit=db.session.get(BusinessUnit, sembako),
            sku="BRS",
            name="Beras 5 kg",
            base_uom="pcs",
            taxable=False,
            units=[UnitSpec("pcs", Decimal(1), 60_000, 65_000)],
        )
        return shift, members, item.id

    shift, members, item_id = run_transaction(setup)
    stock_in(coop, db.session.get(Item, item_id), 200, 10_000_000, day=date(YEAR, 1, 2))
    return Book(coop, user, kasir, shift, members, sembako, simpin, item_id)


def pay_wajib(book: Book, member, amount: int, day: date) -> None:
    def action():
        account = account_for(book.coop, member, "wajib")
        deposit(book.coop, account, amount, book.kasir, shift=book.shift, day=day)

    run_transaction(action)


def sell(book: Book, qty: int, day: date, member=None) -> object:
    price = 60_000 if member is not None else 65_000
    return run_transaction(
        checkout,
        book.shift,
        [CartLine(book.item, qty=qty)],
        [PaymentIn("tunai", price * qty)],
        user=book.kasir,
        member=db.session.get(Member, member.id) if member is not None else None,
        day=day,
    )


def spend(book: Book, account: str, amount: int, day: date, unit: int | None = None) -> None:
    run_transaction(
        post,
        book.coop,
        day,
        f"Beban {account}",
        [(account, amount, 0, unit), ("112100", 0, amount)],
        source="manual",
    )
