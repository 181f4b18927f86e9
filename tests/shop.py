"""A small shop for counter tests: a cooperative with items in stock and an open shift."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from outlet_pos.core.db import run_transaction
from outlet_pos.core.inventory.catalog import UnitSpec, default_location, save_item
from outlet_pos.core.inventory.services import inventory_ledger_lines, receive
from outlet_pos.core.ledger import post
from outlet_pos.core.parties import Member
from outlet_pos.core.sales.shifts import open_shift
from outlet_pos.core.tenancy import BusinessUnit, Outlet
from outlet_pos.extensions import db
from tests.conftest import make_coop, make_user


@dataclass
class Shop:
    coop_id: int
    outlet_id: int
    unit_id: int
    location_id: int
    cashier_id: int
    shift_id: int
    items: dict[str, int]
    member_id: int


def stock_in(coop, item, qty, total, *, batch=None, expiry=None, day=None):
    """Receive stock and post it against Utang usaha, as a goods receipt would."""
    outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))
    unit = db.session.get(BusinessUnit, item.unit_id)
    loc = default_location(coop, outlet, unit)
    day = day or date(2025, 1, 2)

    def action():
        receive(loc, item, Decimal(qty), total, day=day, source="test", batch=batch, expiry=expiry)
        post(
            coop,
            day,
            f"Stok awal {item.sku}",
            inventory_ledger_lines([(item, total)], debit_account="211100", inventory_side="debit"),
            source="stock",
        )

    run_transaction(action)
    return loc


def build_shop(*, pkp: bool = False, name: str = "Koperasi Toko") -> Shop:
    coop = make_coop(name, is_pkp=pkp)
    outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))
    unit = db.session.scalar(
        select(BusinessUnit).where(
            BusinessUnit.cooperative_id == coop.id, BusinessUnit.kind == "sembako"
        )
    )

    def items():
        out = {}
        out["beras"] = save_item(
            coop,
            unit=unit,
            sku="BRS5",
            name="Beras SPHP 5 kg",
            base_uom="pcs",
            taxable=False,
            units=[UnitSpec("pcs", Decimal(1), 62_000, 64_000, ["8991001000011"])],
        ).id
        out["minyak"] = save_item(
            coop,
            unit=unit,
            sku="MYK1",
            name="Minyak goreng 1 L",
            base_uom="pcs",
            units=[
                UnitSpec("pcs", Decimal(1), 17_500, 18_000, ["8991001000028"]),
                UnitSpec("karton", Decimal(12), 204_000, 210_000, ["8991001000035"]),
            ],
        ).id
        out["gula"] = save_item(
            coop,
            unit=unit,
            sku="GLA",
            name="Gula pasir curah",
            base_uom="kg",
            decimals=3,
            taxable=False,
            units=[
                UnitSpec("kg", Decimal(1), 17_000, 18_000),
                UnitSpec("karung", Decimal(50), 840_000, 870_000),
            ],
        ).id
        out["susu"] = save_item(
            coop,
            unit=unit,
            sku="SUSU",
            name="Susu UHT 200 ml",
            base_uom="pcs",
            track_batch=True,
            units=[UnitSpec("pcs", Decimal(1), 6_000, 6_500)],
        ).id
        return out

    ids = run_transaction(items)
    from outlet_pos.core.inventory.models import Item

    loc = stock_in(coop, db.session.get(Item, ids["beras"]), 20, 1_160_000)
    stock_in(coop, db.session.get(Item, ids["minyak"]), 48, 768_000)
    stock_in(coop, db.session.get(Item, ids["gula"]), 100, 1_550_000)
    stock_in(
        coop, db.session.get(Item, ids["susu"]), 10, 50_000, batch="S-OLD", expiry=date(2099, 1, 31)
    )
    stock_in(
        coop, db.session.get(Item, ids["susu"]), 10, 52_000, batch="S-NEW", expiry=date(2099, 6, 30)
    )
    cashier = make_user(f"kasir{coop.id}", "kasir", coop)

    def member_and_shift():
        m = Member(
            cooperative_id=coop.id,
            member_number="KDMP-0001",
            nik="6471054107900001",
            name="Siti Aminah",
            sex="P",
            join_date=date(2024, 1, 1),
            status="aktif",
            credit_limit=500_000,
        )
        db.session.add(m)
        db.session.flush()
        shift = open_shift(coop, cashier, outlet, 200_000)
        return m.id, shift.id

    member_id, shift_id = run_transaction(member_and_shift)
    return Shop(coop.id, outlet.id, unit.id, loc.id, cashier.id, shift_id, ids, member_id)
