"""The inventory core: moving average exactly as the fixture, FEFO, refusals, transfers."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.core.inventory.catalog import UnitSpec, save_item, save_location
from outlet_pos.core.inventory.models import Batch, Item, StockLevel, StockMove
from outlet_pos.core.inventory.services import issue, receive, transfer
from outlet_pos.core.tenancy import BusinessUnit, Outlet
from outlet_pos.extensions import db

FIXTURES = Path(__file__).parent.parent / "fixtures"
# These tests drive the stock core alone; its callers (checkout, receipts, counts) post the
# matching journal entries, so the ledger side of verify does not apply here.
pytestmark = pytest.mark.tampers
D = date(2025, 3, 1)


@pytest.fixture
def setting(coop):
    outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))
    unit = db.session.scalar(select(BusinessUnit).where(BusinessUnit.cooperative_id == coop.id))
    loc = run_transaction(save_location, coop, outlet, "TOKO", "Toko", unit)
    return coop, unit, loc


def make_item(coop, unit, *, decimals=3, batch=False, sku="X1"):
    return run_transaction(
        save_item,
        coop,
        unit=unit,
        sku=sku,
        name=f"Barang {sku}",
        base_uom="kg",
        decimals=decimals,
        track_batch=batch,
        units=[UnitSpec("kg", Decimal(1), 1000, 1100), UnitSpec("karung", Decimal(50), 1, 1)],
    )


@pytest.mark.parametrize(
    "case", json.loads((FIXTURES / "moving_average.json").read_text())["cases"]
)
def test_moving_average_matches_the_worked_examples(setting, case):
    coop, unit, loc = setting
    item = make_item(coop, unit)
    costs = []
    for step in case["steps"]:
        if step[0] == "receive":
            run_transaction(receive, loc, item, Decimal(str(step[1])), step[3], day=D, source="t")
        else:
            chunks = run_transaction(issue, loc, item, Decimal(str(step[1])), day=D, source="t")
            costs.append(sum(c.cost for c in chunks))
    level = db.session.scalar(select(StockLevel).where(StockLevel.item_id == item.id))
    assert costs == case["expected_issue_costs"]
    assert level.on_hand == Decimal(str(case["expected_after"]["on_hand"]))
    assert level.value == case["expected_after"]["value"]
    moved = db.session.execute(
        select(func.sum(StockMove.qty), func.sum(StockMove.value)).where(
            StockMove.item_id == item.id
        )
    ).one()
    assert (moved[0], moved[1]) == (level.on_hand, level.value)


def test_issuing_more_than_on_hand_says_stok_tidak_cukup_and_writes_nothing(setting):
    coop, unit, loc = setting
    item = make_item(coop, unit)
    run_transaction(receive, loc, item, Decimal(5), 5000, day=D, source="t")
    moves = db.session.scalar(select(func.count(StockMove.id)))
    with pytest.raises(DomainError, match="Stok tidak cukup"):
        run_transaction(issue, loc, item, Decimal(6), day=D, source="t")
    assert db.session.scalar(select(func.count(StockMove.id))) == moves
    assert db.session.scalar(select(StockLevel.on_hand)) == Decimal(5)


def test_sells_the_batch_that_expires_first(setting):
    coop, unit, loc = setting
    item = make_item(coop, unit, decimals=0, batch=True)
    run_transaction(
        receive,
        loc,
        item,
        Decimal(5),
        500,
        day=D,
        source="t",
        batch="LATE",
        expiry=date(2025, 12, 1),
    )
    run_transaction(
        receive,
        loc,
        item,
        Decimal(5),
        500,
        day=D,
        source="t",
        batch="EARLY",
        expiry=date(2025, 6, 1),
    )
    chunks = run_transaction(issue, loc, item, Decimal(7), day=D, source="t")
    codes = [db.session.get(Batch, c.batch_id).code for c in chunks]
    assert codes == ["EARLY", "LATE"] and [c.qty for c in chunks] == [5, 2]


def test_an_expired_batch_cannot_be_sold_but_can_be_written_off(setting):
    coop, unit, loc = setting
    item = make_item(coop, unit, decimals=0, batch=True)
    run_transaction(
        receive, loc, item, Decimal(3), 300, day=D, source="t", batch="OLD", expiry=date(2025, 2, 1)
    )
    with pytest.raises(DomainError, match="kedaluwarsa"):
        run_transaction(issue, loc, item, Decimal(1), day=D, source="t")
    chunks = run_transaction(
        issue, loc, item, Decimal(3), day=D, source="t", kind="write_off", allow_expired=True
    )
    assert sum(c.cost for c in chunks) == 300


def test_batch_tracked_items_need_a_batch_number(setting):
    coop, unit, loc = setting
    item = make_item(coop, unit, batch=True)
    with pytest.raises(DomainError, match="batch wajib"):
        run_transaction(receive, loc, item, Decimal(1), 100, day=D, source="t")


def test_quantities_respect_the_units_decimals(setting):
    coop, unit, loc = setting
    item = make_item(coop, unit, decimals=0)
    with pytest.raises(DomainError, match="pecahan"):
        run_transaction(receive, loc, item, Decimal("1.5"), 100, day=D, source="t")
    grams = make_item(coop, unit, decimals=3, sku="X2")
    with pytest.raises(DomainError, match="3 angka"):
        run_transaction(receive, loc, grams, Decimal("1.2345"), 100, day=D, source="t")
    with pytest.raises(DomainError, match="lebih dari nol"):
        run_transaction(receive, loc, grams, Decimal(0), 100, day=D, source="t")
    assert db.session.scalar(select(func.count(StockMove.id))) == 0


def test_a_transfer_moves_quantity_and_value(setting):
    coop, unit, loc = setting
    outlet = db.session.get(Outlet, loc.outlet_id)
    store = run_transaction(save_location, coop, outlet, "GUDANG", "Gudang", unit)
    item = make_item(coop, unit)
    run_transaction(receive, loc, item, Decimal(10), 10_000, day=D, source="t")
    moved = run_transaction(transfer, loc, store, item, Decimal(4), day=D, source="t")
    assert moved == 4_000
    levels = dict(db.session.execute(select(StockLevel.location_id, StockLevel.value)).all())
    assert levels == {loc.id: 6_000, store.id: 4_000}


def test_items_refuse_duplicate_skus_and_barcodes(setting):
    coop, unit, _loc = setting
    run_transaction(
        save_item,
        coop,
        unit=unit,
        sku="A",
        name="A",
        base_uom="pcs",
        units=[UnitSpec("pcs", Decimal(1), 1, 1, ["111"])],
    )
    with pytest.raises(DomainError, match="SKU A sudah dipakai"):
        run_transaction(
            save_item,
            coop,
            unit=unit,
            sku="A",
            name="B",
            base_uom="pcs",
            units=[UnitSpec("pcs", Decimal(1), 1, 1)],
        )
    with pytest.raises(DomainError, match="Barcode 111"):
        run_transaction(
            save_item,
            coop,
            unit=unit,
            sku="B",
            name="B",
            base_uom="pcs",
            units=[UnitSpec("pcs", Decimal(1), 1, 1, ["111"])],
        )
    with pytest.raises(DomainError, match="satuan dasar"):
        run_transaction(
            save_item,
            coop,
            unit=unit,
            sku="C",
            name="C",
            base_uom="pcs",
            units=[UnitSpec("dus", Decimal(10), 1, 1)],
        )
    assert db.session.scalar(select(func.count(Item.id))) == 1
