"""A small cooperative with one of everything the SIMKOPDES export reads, built through the
real services, and a neighbouring cooperative whose data must never leak into it.

Koperasi Ekspor (the book of ``tests/core/book_world``, year 2025): a hibah of Rp50.000.000,
three members (Ani, Budi, Citra) who paid pokok Rp100.000 each, wajib from Ani (Rp240.000)
and Budi (Rp120.000) in February, three cash sales of "Beras 5 kg" (10 to Ani at 60.000, 5
to Budi at 60.000, 20 to a walk-in customer at 65.000), electricity Rp150.000, the year
closed and its SHU shared out at the RAT of 10 March 2026. Added here: a supplier delivery of
4 bottles of cooking oil (barcode 8991002001) for Rp60.000, one bag of rice returned from the
walk-in sale, a BRI account and a member whose name would be a spreadsheet formula.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from outlet_pos.core.banking.services import create_bank_account
from outlet_pos.core.closing.year_end import close_year
from outlet_pos.core.db import run_transaction
from outlet_pos.core.inventory.catalog import UnitSpec, save_item
from outlet_pos.core.inventory.models import ItemUnit
from outlet_pos.core.ledger import post
from outlet_pos.core.parties import Member
from outlet_pos.core.purchasing.models import Supplier
from outlet_pos.core.purchasing.receipts import ReceiptLineIn, receive_goods
from outlet_pos.core.sales.models import Sale, Shift
from outlet_pos.core.sales.refunds import refund
from outlet_pos.core.shu.services import distribute
from outlet_pos.core.tenancy import BusinessUnit, Outlet
from outlet_pos.extensions import db
from outlet_pos.units.simpan_pinjam.members import register_member
from tests.conftest import make_coop, make_user
from tests.core.book_world import YEAR, build_book, pay_wajib, sell, spend
from tests.units.simpin_world import member_data

PHONE = "081234567890"
FORMULA_NAME = "=HYPERLINK(1) Dedi"
RAT_DATE = date(YEAR + 1, 3, 10)


@dataclass
class World:
    coop_id: int
    other_id: int
    niks: dict[str, str]  # member name -> full NIK
    other_nik: str
    sales: list[int]  # Ani's, Budi's and the walk-in sale
    oil_id: int


def build_world() -> World:
    book = build_book("Koperasi Ekspor")
    coop = book.coop
    ani, budi, _citra = book.members
    pay_wajib(book, ani, 240_000, date(YEAR, 2, 1))
    pay_wajib(book, budi, 120_000, date(YEAR, 2, 1))
    sales = [
        sell(book, 10, date(YEAR, 3, 5), member=ani).id,
        sell(book, 5, date(YEAR, 4, 5), member=budi).id,
        sell(book, 20, date(YEAR, 5, 5)).id,
    ]
    spend(book, "612100", 150_000, date(YEAR, 6, 30), book.sembako)
    oil_id = _deliver_oil(book)
    run_transaction(close_year, coop, YEAR, book.user)
    run_transaction(distribute, coop, YEAR, RAT_DATE, "05/RAT/2026", book.user)

    def after_the_meeting():
        sale = db.session.get(Sale, sales[2])
        shift = db.session.get(Shift, book.shift.id)
        refund(
            sale,
            {sale.lines[0].id: 1},
            "Karung bocor",
            user=book.kasir,
            shift=shift,
            approver=book.user,
        )
        create_bank_account(coop, "BRI", "0123-01-004567-53-0", "Koperasi Ekspor", book.user)
        register_member(coop, member_data(FORMULA_NAME), book.kasir, via="transfer")

    run_transaction(after_the_meeting)
    niks = dict(
        db.session.execute(
            select(Member.name, Member.nik).where(Member.cooperative_id == coop.id)
        ).all()
    )
    other_id, other_nik = _neighbour()
    return World(coop.id, other_id, niks, other_nik, sales, oil_id)


def _deliver_oil(book) -> int:
    coop = book.coop
    outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))

    def action():
        item = save_item(
            coop,
            unit=db.session.get(BusinessUnit, book.sembako),
            sku="MYK",
            name="Minyak goreng 1 L",
            base_uom="botol",
            taxable=False,
            units=[UnitSpec("botol", Decimal(1), 18_000, 19_000, ["8991002001"])],
        )
        supplier = Supplier(cooperative_id=coop.id, code="SUP1", name="CV Sumber Rejeki")
        db.session.add(supplier)
        db.session.flush()
        unit = db.session.scalar(select(ItemUnit).where(ItemUnit.item_id == item.id))
        receive_goods(
            coop,
            supplier,
            outlet,
            [ReceiptLineIn(item.id, unit.id, Decimal(4), 60_000)],
            user=book.user,
            day=date(YEAR, 7, 1),
        )
        return item.id

    return run_transaction(action)


def _neighbour() -> tuple[int, str]:
    """Koperasi Tetangga: a member, a hibah and a product of its own."""
    other = make_coop("Koperasi Tetangga", simpanan_pokok_amount=50_000)
    kasir = make_user(f"kasirtetangga{other.id}", "kasir", other)

    def action():
        post(
            other,
            date(YEAR, 1, 2),
            "Hibah Tetangga",
            [("112100", 7_000_000, 0), ("312100", 0, 7_000_000)],
            source="manual",
        )
        member = register_member(
            other, member_data("Zaki Tetangga"), kasir, via="transfer", day=date(YEAR, 1, 5)
        )
        unit = db.session.scalar(
            select(BusinessUnit).where(
                BusinessUnit.cooperative_id == other.id, BusinessUnit.kind == "sembako"
            )
        )
        save_item(
            other,
            unit=unit,
            sku="GRM",
            name="Garam Tetangga",
            base_uom="pcs",
            units=[UnitSpec("pcs", Decimal(1), 3_000, 3_500, ["8997777000"])],
        )
        return member.nik

    return other.id, run_transaction(action)
