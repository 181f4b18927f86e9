"""The inventory core: moving average exactly as the fixture, FEFO, refusals, transfers."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
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


def _stock_state(loc):
    """Levels, batch levels and sale moves at one location, as plain values."""
    from outlet_pos.core.inventory.models import BatchLevel

    levels = db.session.execute(
        select(StockLevel.item_id, StockLevel.on_hand, StockLevel.value)
        .where(StockLevel.location_id == loc.id)
        .order_by(StockLevel.item_id)
    ).all()
    batches = db.session.execute(
        select(BatchLevel.batch_id, BatchLevel.on_hand)
        .where(BatchLevel.location_id == loc.id)
        .order_by(BatchLevel.batch_id)
    ).all()
    moves = db.session.execute(
        select(StockMove.item_id, StockMove.batch_id, StockMove.qty, StockMove.value)
        .where(StockMove.location_id == loc.id, StockMove.kind == "sale")
        .order_by(StockMove.item_id, StockMove.id)
    ).all()
    return [tuple(r) for r in levels], [tuple(r) for r in batches], [tuple(r) for r in moves]


def _two_shelves(setting):
    """Three items with awkward averages (one batch-tracked), stocked the same way on two
    shelves."""
    coop, unit, loc = setting
    outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))
    other = run_transaction(save_location, coop, outlet, "GDG", "Gudang", unit)
    items = [make_item(coop, unit, sku=f"M{k}") for k in range(2)]
    items.append(make_item(coop, unit, decimals=0, batch=True, sku="MB"))
    for shelf in (loc, other):
        run_transaction(receive, shelf, items[0], Decimal("7.5"), 10_001, day=D, source="t")
        run_transaction(receive, shelf, items[1], Decimal(3), 1_000, day=D, source="t")
        for code, expiry in (("LATE", date(2025, 12, 1)), ("EARLY", date(2025, 6, 1))):
            run_transaction(
                receive, shelf, items[2], Decimal(4), 997, day=D, source="t", batch=code,
                expiry=expiry,
            )  # fmt: skip
    return loc, other, items


def test_issue_many_moves_and_costs_exactly_as_one_issue_per_line(setting):
    from outlet_pos.core.inventory.services import IssueLine, issue_many

    loc, other, items = _two_shelves(setting)
    # One cart, out of item order, one item twice: (item index, base qty).
    cart = [(1, "1.25"), (0, "2.5"), (2, "5"), (1, "1.75"), (0, "0.125")]
    in_item_order = sorted(range(len(cart)), key=lambda i: (items[cart[i][0]].id, i))
    expected = run_transaction(
        lambda: [
            issue(loc, items[cart[i][0]], Decimal(cart[i][1]), day=D, source="s")
            for i in in_item_order
        ]
    )
    got = run_transaction(
        issue_many,
        [IssueLine(items[k], other.id, Decimal(q)) for k, q in cart],
        day=D,
        source="s",
    )
    assert [got[i] for i in in_item_order] == expected
    one, many = _stock_state(loc), _stock_state(other)
    assert [lv[1:] for lv in many[0]] == [lv[1:] for lv in one[0]]
    assert [b[1] for b in many[1]] == [b[1] for b in one[1]]
    assert [m[2:] for m in many[2]] == [m[2:] for m in one[2]]
    assert [c.qty for c in got[2]] == [4, 1]  # FEFO: EARLY first, then LATE


def test_issue_many_refuses_the_first_short_item_in_item_order_and_writes_nothing(setting):
    from outlet_pos.core.inventory.services import IssueLine, issue_many

    loc, _other, items = _two_shelves(setting)
    before = _stock_state(loc)
    lines = [
        IssueLine(items[1], loc.id, Decimal(2)),
        IssueLine(items[0], loc.id, Decimal(5)),
        IssueLine(items[1], loc.id, Decimal(2)),  # 4 of 3: short
        IssueLine(items[0], loc.id, Decimal(5)),  # 10 of 7,5: short, and first by item
    ]
    with pytest.raises(DomainError, match=r"Stok tidak cukup: Barang M0 tersisa 2,5 kg"):
        run_transaction(issue_many, lines, day=D, source="s")
    assert _stock_state(loc) == before


def _level(item) -> StockLevel:
    return db.session.scalar(select(StockLevel).where(StockLevel.item_id == item.id))


def test_an_issue_at_a_given_cost_leaves_the_rest_of_the_value_behind(setting):
    coop, unit, loc = setting
    item = make_item(coop, unit)
    run_transaction(receive, loc, item, Decimal(10), 50_000, day=D, source="t")  # 5.000/kg
    run_transaction(receive, loc, item, Decimal(10), 70_000, day=D, source="t")  # average 6.000
    chunks = run_transaction(
        issue, loc, item, Decimal(5), day=D, source="t", kind="purchase_return", total_cost=35_000
    )
    assert [(c.qty, c.cost) for c in chunks] == [(Decimal(5), 35_000)]  # not 5 x 6.000
    level = _level(item)
    assert (level.on_hand, level.value) == (Decimal(15), 85_000)  # average 5.666,67/kg
    # The next issue at moving average works from the recomputed average: 3 x 85.000/15.
    chunks = run_transaction(issue, loc, item, Decimal(3), day=D, source="t")
    assert chunks[0].cost == 17_000
    moved = db.session.execute(
        select(func.sum(StockMove.qty), func.sum(StockMove.value)).where(
            StockMove.item_id == item.id
        )
    ).one()
    assert (moved[0], moved[1]) == (Decimal(12), 68_000) == (level.on_hand, level.value)


def test_a_given_cost_the_level_cannot_bear_falls_back_to_the_average(setting):
    coop, unit, loc = setting
    item = make_item(coop, unit)
    run_transaction(receive, loc, item, Decimal(4), 24_000, day=D, source="t")  # 6.000/kg
    # More value than is on hand would leave a negative value: the average is taken instead.
    chunks = run_transaction(issue, loc, item, Decimal(3), day=D, source="t", total_cost=30_000)
    assert chunks[0].cost == 18_000 and _level(item).value == 6_000
    # Taking everything takes all the value, whatever was asked: no value on a zero quantity.
    chunks = run_transaction(issue, loc, item, Decimal(1), day=D, source="t", total_cost=1_000)
    assert chunks[0].cost == 6_000
    assert (_level(item).on_hand, _level(item).value) == (Decimal(0), 0)


def test_a_given_cost_is_shared_over_the_batches_it_takes(setting):
    coop, unit, loc = setting
    item = make_item(coop, unit, batch=True)
    for code, expiry in (("B1", date(2026, 1, 1)), ("B2", date(2026, 6, 1))):
        run_transaction(
            receive, loc, item, Decimal(2), 12_000, day=D, source="t", batch=code, expiry=expiry
        )
    chunks = run_transaction(issue, loc, item, Decimal(3), day=D, source="t", total_cost=10_000)
    assert [(c.qty, c.cost) for c in chunks] == [(Decimal(2), 6_667), (Decimal(1), 3_333)]
    assert _level(item).value == 24_000 - 10_000


@pytest.mark.parametrize("cost", [-1, 1.5, "100"])
def test_a_given_cost_must_be_whole_rupiah(setting, cost):
    coop, unit, loc = setting
    item = make_item(coop, unit)
    run_transaction(receive, loc, item, Decimal(2), 2_000, day=D, source="t")
    with pytest.raises(DomainError, match="rupiah bulat"):
        run_transaction(issue, loc, item, Decimal(1), day=D, source="t", total_cost=cost)
    assert _level(item).value == 2_000


@given(
    value=st.integers(min_value=0, max_value=10**13),
    on_hand=st.decimals(min_value=Decimal("0.001"), max_value=Decimal(10**9), places=3),
    share=st.fractions(min_value=0, max_value=1),
)
def test_the_average_cost_of_an_issue_is_the_exact_fraction_rounded_half_up(value, on_hand, share):
    from fractions import Fraction

    from outlet_pos.core.inventory.services import _average_cost
    from outlet_pos.money import round_half_up

    qty = (on_hand * Decimal(share.numerator) / Decimal(share.denominator)).quantize(
        Decimal("0.001")
    ) or Decimal("0.001")
    exact = round_half_up(Fraction(value) * Fraction(qty) / Fraction(on_hand))
    assert _average_cost(value, on_hand, qty) == exact
