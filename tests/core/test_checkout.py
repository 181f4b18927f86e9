"""Checkout, refunds and shifts: every sale in the ledger to the rupiah, nothing half-written."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from outlet_pos.core.access import User
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.core.inventory.models import StockLevel, StockMove
from outlet_pos.core.ledger import balances
from outlet_pos.core.ledger.models import JournalEntry
from outlet_pos.core.parties import Member
from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout
from outlet_pos.core.sales.models import Sale, Shift
from outlet_pos.core.sales.refunds import refund
from outlet_pos.core.sales.shifts import cash_movement, close_shift, expected_cash
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.core.verify import CHECKS
from outlet_pos.extensions import db
from tests.shop import build_shop

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.fixture
def shop(ctx):
    return build_shop()


def sell(shop, lines, payments, **kw):
    shift = db.session.get(Shift, shop.shift_id)
    user = db.session.get(User, shop.cashier_id)
    return run_transaction(checkout, shift, lines, payments, user=user, **kw)


def on_hand(shop, key):
    return db.session.scalar(
        select(StockLevel.on_hand).where(StockLevel.item_id == shop.items[key])
    )


def counts():
    return (
        db.session.scalar(select(func.count(Sale.id))),
        db.session.scalar(select(func.count(JournalEntry.id))),
        db.session.scalar(select(func.count(StockMove.id))),
    )


def assert_books_hold(coop_id):
    coop = db.session.get(Cooperative, coop_id)
    for label, check in CHECKS:
        assert list(check(coop)) == [], label


def test_a_cash_sale_reaches_stock_and_ledger_to_the_rupiah(shop):
    coop = db.session.get(Cooperative, shop.coop_id)
    before = balances(coop)
    sale = sell(
        shop,
        [CartLine(shop.items["beras"], qty=2), CartLine(shop.items["minyak"], qty=3)],
        [PaymentIn("tunai", 200_000)],
    )
    assert sale.total == 2 * 64_000 + 3 * 18_000
    assert sale.change_amount == 200_000 - sale.total
    assert sale.number.endswith("-0001")
    after = balances(coop)
    assert after["111100"] - before.get("111100", 0) == sale.total
    assert after["411200"] - before.get("411200", 0) == -sale.total
    cost = 2 * 58_000 + 3 * 16_000
    assert after["511100"] - before.get("511100", 0) == cost
    assert after["114100"] - before["114100"] == -cost
    assert on_hand(shop, "beras") == 18 and on_hand(shop, "minyak") == 45
    assert_books_hold(shop.coop_id)


def test_members_pay_member_prices_booked_as_member_revenue(shop):
    member = db.session.get(Member, shop.member_id)
    sale = sell(
        shop, [CartLine(shop.items["beras"], qty=1)], [PaymentIn("tunai", 62_000)], member=member
    )
    assert sale.total == 62_000 and sale.price_tier == "member"
    bal = balances(db.session.get(Cooperative, shop.coop_id))
    assert bal["411100"] == -62_000 and "411200" not in bal


def test_sells_in_any_unit_of_measure(shop):
    from outlet_pos.core.inventory.models import ItemUnit

    carton = db.session.scalar(
        select(ItemUnit).where(ItemUnit.item_id == shop.items["minyak"], ItemUnit.name == "karton")
    )
    sale = sell(
        shop,
        [CartLine(shop.items["minyak"], carton.id, qty=2), CartLine(shop.items["gula"], qty="1,5")],
        [PaymentIn("tunai", 500_000)],
    )
    assert on_hand(shop, "minyak") == 24
    assert on_hand(shop, "gula") == Decimal("98.5")
    assert sale.total == 2 * 210_000 + 27_000


def test_split_payment_with_qris_needs_its_reference(shop):
    line = [CartLine(shop.items["beras"], qty=1)]
    with pytest.raises(DomainError, match="referensi"):
        sell(shop, line, [PaymentIn("qris", 30_000), PaymentIn("tunai", 50_000)])
    sale = sell(shop, line, [PaymentIn("qris", 30_000, "QR123"), PaymentIn("tunai", 50_000)])
    assert sale.change_amount == 16_000
    bal = balances(db.session.get(Cooperative, shop.coop_id))
    assert bal["112900"] == 30_000


@pytest.mark.parametrize("case", json.loads((FIXTURES / "ppn.json").read_text())["cases"])
def test_ppn_inside_the_price_matches_the_worked_examples(ctx, case):
    from outlet_pos.core.inventory.catalog import UnitSpec, save_item
    from outlet_pos.core.inventory.models import Item
    from outlet_pos.core.tenancy import BusinessUnit
    from tests.shop import stock_in

    shop = build_shop(pkp=True)
    coop = db.session.get(Cooperative, shop.coop_id)
    unit = db.session.get(BusinessUnit, shop.unit_id)
    item = run_transaction(
        save_item,
        coop,
        unit=unit,
        sku="TAX",
        name="Sabun",
        base_uom="pcs",
        units=[UnitSpec("pcs", Decimal(1), 1, max(case["taxed_gross"], 1))],
    )
    stock_in(coop, db.session.get(Item, item.id), 5, 500)
    lines = [CartLine(shop.items["beras"], qty=1)]
    if case["taxed_gross"]:
        lines.append(CartLine(item.id, qty=1))
    sale = sell(shop, lines, [PaymentIn("tunai", 1_000_000)])
    assert sale.tax_amount == case["ppn"]
    assert sale.dpp_amount == case["dpp"]
    bal = balances(coop)
    assert bal.get("211600", 0) == -case["ppn"]
    assert -bal["411200"] == sale.total - case["ppn"]


@pytest.mark.parametrize(
    "lines, payments, message",
    [
        ([("beras", 0)], [("tunai", 100_000)], "lebih dari nol"),
        ([("beras", "1,5")], [("tunai", 100_000)], "pecahan"),
        ([("gula", "0,0001")], [("tunai", 100_000)], "3 angka"),
        ([("beras", -1)], [("tunai", 100_000)], "lebih dari nol"),
        ([("beras", "abc")], [("tunai", 100_000)], "tidak valid"),
        ([("beras", 1)], [("tunai", 63_999)], "kurang Rp1"),
        ([("beras", 1)], [("qris", 70_000)], "non-tunai melebihi"),
        ([("beras", 21)], [("tunai", 10_000_000)], "Stok tidak cukup"),
        ([("beras", 1)], [("bitcoin", 64_000)], "tidak dikenal"),
        ([("beras", 1)], [("kredit", 64_000)], "hanya untuk anggota"),
    ],
)
def test_bad_sales_are_refused_and_write_nothing(shop, lines, payments, message):
    before = counts()
    with pytest.raises(DomainError, match=message):
        sell(
            shop,
            [CartLine(shop.items[k], qty=q) for k, q in lines],
            [PaymentIn(m, a, "R1" if m == "qris" else "") for m, a in payments],
        )
    assert counts() == before
    assert on_hand(shop, "beras") == 20


def test_a_negative_price_override_is_refused(shop):
    with pytest.raises(DomainError, match="harga"):
        sell(shop, [CartLine(shop.items["beras"], qty=1, price=-5)], [PaymentIn("tunai", 1)])


def test_a_cashier_cannot_override_prices_or_discount_beyond_the_limit(shop):
    with pytest.raises(DomainError, match="persetujuan pengurus"):
        sell(
            shop, [CartLine(shop.items["beras"], qty=1, price=50_000)], [PaymentIn("tunai", 64_000)]
        )
    with pytest.raises(DomainError, match="batas Anda"):
        sell(
            shop,
            [CartLine(shop.items["beras"], qty=1, discount=10_000)],
            [PaymentIn("tunai", 64_000)],
        )
    small = sell(
        shop, [CartLine(shop.items["beras"], qty=1, discount=3_000)], [PaymentIn("tunai", 61_000)]
    )
    assert small.total == 61_000


def test_a_supervisor_approves_a_bigger_discount_and_it_is_audited(shop):
    from outlet_pos.core.audit import AuditEvent
    from tests.conftest import make_user

    boss = make_user("pengurus1", "pengurus", db.session.get(Cooperative, shop.coop_id))
    sale = sell(
        shop,
        [CartLine(shop.items["beras"], qty=1, discount=14_000)],
        [PaymentIn("tunai", 50_000)],
        approver=boss,
    )
    assert sale.total == 50_000
    assert db.session.scalar(
        select(AuditEvent.action).where(AuditEvent.action == "sale.discount_override")
    )


def test_member_credit_is_limited_per_member(shop):
    member = db.session.get(Member, shop.member_id)
    line = [CartLine(shop.items["beras"], qty=5)]  # 5 x 62.000 = 310.000
    sell(shop, line, [PaymentIn("kredit", 310_000)], member=member)
    with pytest.raises(DomainError, match="sisa plafon Rp190.000"):
        sell(shop, line, [PaymentIn("kredit", 310_000)], member=member)
    from outlet_pos.core.sales.checkout import member_credit_balance

    assert member_credit_balance(db.session.get(Cooperative, shop.coop_id), member) == 310_000


def test_the_same_idempotency_key_makes_one_sale(shop):
    sales = {
        sell(
            shop,
            [CartLine(shop.items["beras"], qty=1)],
            [PaymentIn("tunai", 64_000)],
            idempotency_key="klik-ganda",
        ).number
        for _ in range(10)
    }
    assert len(sales) == 1
    assert on_hand(shop, "beras") == 19


def test_expired_batches_are_not_sold(ctx):
    from datetime import date

    from outlet_pos.core.inventory.models import Item
    from tests.shop import stock_in

    shop = build_shop()
    coop = db.session.get(Cooperative, shop.coop_id)
    susu = db.session.get(Item, shop.items["susu"])
    # Sell out the good batches, then only an expired batch remains.
    sell(shop, [CartLine(susu.id, qty=20)], [PaymentIn("tunai", 130_000)])
    stock_in(coop, susu, 5, 25_000, batch="S-EXP", expiry=date(2020, 1, 1))
    with pytest.raises(DomainError, match="kedaluwarsa"):
        sell(shop, [CartLine(susu.id, qty=1)], [PaymentIn("tunai", 6_500)])


def test_partial_then_full_refund_reverses_price_and_cost_exactly(shop):
    from tests.conftest import make_user

    coop = db.session.get(Cooperative, shop.coop_id)
    boss = make_user("bendahara1", "bendahara", coop)
    start = balances(coop)
    sale = sell(
        shop,
        [CartLine(shop.items["gula"], qty=3), CartLine(shop.items["minyak"], qty=1)],
        [PaymentIn("tunai", 100_000)],
    )
    shift = db.session.get(Shift, shop.shift_id)
    cashier = db.session.get(User, shop.cashier_id)
    gula = next(line for line in sale.lines if line.name.startswith("Gula"))
    with pytest.raises(DomainError, match="persetujuan"):
        run_transaction(refund, sale, {gula.id: 1}, "rusak", user=cashier, shift=shift)
    first = run_transaction(
        refund, sale, {gula.id: 1}, "Kemasan bocor", user=cashier, shift=shift, approver=boss
    )
    assert first.total == 18_000 and sale.status == "partially_refunded"
    with pytest.raises(DomainError, match="melebihi"):
        run_transaction(
            refund, sale, {gula.id: 3}, "lagi", user=cashier, shift=shift, approver=boss
        )
    minyak = next(line for line in sale.lines if line.name.startswith("Minyak"))
    run_transaction(
        refund,
        sale,
        {gula.id: 2, minyak.id: 1},
        "Batal beli",
        user=cashier,
        shift=shift,
        approver=boss,
    )
    assert sale.status == "refunded"
    with pytest.raises(DomainError, match="seluruhnya"):
        run_transaction(
            refund, sale, {gula.id: 1}, "lagi", user=cashier, shift=shift, approver=boss
        )
    end = balances(coop)
    assert {k: v for k, v in end.items() if v} == {k: v for k, v in start.items() if v}
    assert on_hand(shop, "gula") == 100 and on_hand(shop, "minyak") == 48
    assert_books_hold(shop.coop_id)


def test_closing_a_shift_posts_over_and_short_against_the_ledger(shop):
    shift = db.session.get(Shift, shop.shift_id)
    cashier = db.session.get(User, shop.cashier_id)
    sell(shop, [CartLine(shop.items["beras"], qty=1)], [PaymentIn("tunai", 100_000)])
    run_transaction(cash_movement, shift, cashier, "out", 50_000, "112100", "Setor ke bank")
    assert expected_cash(shift) == 200_000 + 64_000 - 50_000
    with pytest.raises(DomainError, match="Pecahan 13000"):
        run_transaction(close_shift, shift, cashier, 213_000, {100_000: 2, 13_000: 1})
    closed = run_transaction(
        close_shift, shift, cashier, 213_000, {100_000: 2, 10_000: 1, 2_000: 1, 1_000: 1}
    )
    assert closed.over_short == -1_000 and closed.status == "closed"
    bal = balances(db.session.get(Cooperative, shop.coop_id))
    assert bal["616100"] == 1_000
    with pytest.raises(DomainError, match="ditutup"):
        sell(shop, [CartLine(shop.items["beras"], qty=1)], [PaymentIn("tunai", 64_000)])
    assert_books_hold(shop.coop_id)


def test_sale_entries_cannot_be_reversed_in_the_journal(shop):
    from outlet_pos.core.ledger import reverse

    sale = sell(shop, [CartLine(shop.items["beras"], qty=1)], [PaymentIn("tunai", 64_000)])
    entry = db.session.get(JournalEntry, sale.entry_id)
    with pytest.raises(DomainError, match="retur"):
        run_transaction(reverse, entry, entry.date, "coba", None)


def test_receipt_numbers_run_per_outlet_per_day(shop):
    numbers = [
        sell(shop, [CartLine(shop.items["minyak"], qty=1)], [PaymentIn("tunai", 18_000)]).number
        for _ in range(3)
    ]
    assert [n[-4:] for n in numbers] == ["0001", "0002", "0003"]
    assert len({n.rsplit("-", 1)[0] for n in numbers}) == 1


def test_partial_refunds_round_cumulatively_and_end_exactly(ctx):
    """Six refunds of one unit of a 6 x Rp5 taxed line give back exactly the Rp3 of PPN."""
    from outlet_pos.core.inventory.catalog import UnitSpec, save_item
    from outlet_pos.core.inventory.models import Item
    from outlet_pos.core.tenancy import BusinessUnit
    from tests.conftest import make_user
    from tests.shop import stock_in

    shop = build_shop(pkp=True)
    coop = db.session.get(Cooperative, shop.coop_id)
    unit = db.session.get(BusinessUnit, shop.unit_id)
    item = run_transaction(
        save_item,
        coop,
        unit=unit,
        sku="PERMEN",
        name="Permen",
        base_uom="pcs",
        units=[UnitSpec("pcs", Decimal(1), 5, 5)],
    )
    stock_in(coop, db.session.get(Item, item.id), 10, 20)
    boss = make_user("bendahara2", "bendahara", coop)
    sale = sell(shop, [CartLine(item.id, qty=6)], [PaymentIn("tunai", 30)])
    line = sale.lines[0]
    assert (line.total, line.tax_amount) == (30, 3)
    shift = db.session.get(Shift, shop.shift_id)
    cashier = db.session.get(User, shop.cashier_id)
    refunds = [
        run_transaction(
            refund, sale, {line.id: 1}, "Satu per satu", user=cashier, shift=shift, approver=boss
        )
        for _ in range(6)
    ]
    assert sum(r.total for r in refunds) == 30
    assert sum(r.tax_amount for r in refunds) == 3
    assert all(r.tax_amount >= 0 for r in refunds)
    assert_books_hold(shop.coop_id)


def test_refunds_put_units_back_into_the_batches_they_came_from(shop):
    from outlet_pos.core.inventory.models import Batch, BatchLevel
    from tests.conftest import make_user

    boss = make_user("bendahara3", "bendahara", db.session.get(Cooperative, shop.coop_id))
    sale = sell(shop, [CartLine(shop.items["susu"], qty=11)], [PaymentIn("tunai", 100_000)])
    shift = db.session.get(Shift, shop.shift_id)
    cashier = db.session.get(User, shop.cashier_id)
    line = sale.lines[0]
    for _ in range(2):
        run_transaction(
            refund, sale, {line.id: 1}, "Kembali", user=cashier, shift=shift, approver=boss
        )
    levels = dict(
        db.session.execute(
            select(Batch.code, BatchLevel.on_hand).join(Batch, Batch.id == BatchLevel.batch_id)
        ).all()
    )
    assert levels == {"S-OLD": 1, "S-NEW": 10}
    assert_books_hold(shop.coop_id)


def test_manual_journals_cannot_touch_subledger_control_accounts(shop):
    from datetime import date

    from outlet_pos.core.ledger import post

    coop = db.session.get(Cooperative, shop.coop_id)
    for code in ("114100", "113200"):
        with pytest.raises(DomainError, match=code):
            run_transaction(
                post,
                coop,
                date(2025, 3, 1),
                "Koreksi",
                [(code, 1_000, 0), ("111100", 0, 1_000)],
                source="manual",
            )


def test_an_item_with_stock_keeps_its_account_unit_and_batch_scheme(shop):
    from outlet_pos.core.inventory.catalog import UnitSpec, save_item
    from outlet_pos.core.inventory.models import Item
    from outlet_pos.core.tenancy import BusinessUnit

    coop = db.session.get(Cooperative, shop.coop_id)
    item = db.session.get(Item, shop.items["beras"])
    unit = db.session.get(BusinessUnit, shop.unit_id)
    with pytest.raises(DomainError, match="Akun persediaan"):
        run_transaction(
            save_item,
            coop,
            unit=unit,
            sku=item.sku,
            name=item.name,
            base_uom="pcs",
            inventory_account="114200",
            item=item,
            taxable=False,
            units=[UnitSpec("pcs", Decimal(1), 1, 1)],
        )
    with pytest.raises(DomainError, match="batch"):
        run_transaction(
            save_item,
            coop,
            unit=unit,
            sku=item.sku,
            name=item.name,
            base_uom="pcs",
            track_batch=True,
            item=item,
            taxable=False,
            units=[UnitSpec("pcs", Decimal(1), 1, 1)],
        )


# --- The counter's plumbing: Prepared statements and rows handed back without a SELECT -----


def _move_row(shop, qty: Decimal, source: str) -> dict:
    from datetime import date, datetime

    return {
        "cooperative_id": shop.coop_id,
        "item_id": shop.items["beras"],
        "location_id": shop.location_id,
        "batch_id": None,
        "qty": qty,
        "value": -12_345,
        "kind": "sale",
        "source": source,
        "date": date(2026, 3, 4),
        "created_at": datetime(2026, 3, 4, 5, 6, 7, 89),
    }


def test_a_prepared_insert_stores_exactly_what_the_engine_would(shop):
    from sqlalchemy import cast, insert
    from sqlalchemy.types import String

    from outlet_pos.core.db import Prepared

    table = StockMove.__table__
    conn = db.session.connection()
    Prepared(insert(table)).many(conn, [_move_row(shop, Decimal("-1.5"), "prepared")])
    conn.execute(insert(table), [_move_row(shop, Decimal("-1.5"), "engine")])
    stored = {
        source: rest
        for source, *rest in conn.execute(
            select(
                table.c.source,
                cast(table.c.qty, String),
                cast(table.c.date, String),
                cast(table.c.created_at, String),
                table.c.value,
            ).where(table.c.source.in_(["prepared", "engine"]))
        )
    }
    # Same text in the database (a REAL quantity and ISO text dates on SQLite), not only the
    # same values once read back.
    assert stored["prepared"] == stored["engine"]
    db.session.rollback()


def test_prepared_statements_expand_in_lists_and_read_typed_rows(shop):
    from sqlalchemy import bindparam

    from outlet_pos.core.db import Prepared
    from outlet_pos.core.inventory.models import Item, ItemUnit

    stmt = Prepared(
        select(Item.id, Item.active, ItemUnit.factor)
        .join(ItemUnit, ItemUnit.item_id == Item.id)
        .where(Item.id.in_(bindparam("ids", expanding=True)))
        .order_by(Item.id, ItemUnit.factor)
    )
    conn = db.session.connection()
    for keys in (["beras"], ["beras", "minyak", "gula"]):
        ids = sorted(shop.items[k] for k in keys)
        rows = stmt.rows(conn, {"ids": ids})
        assert sorted({r.id for r in rows}) == ids
        assert all(r.active is True and isinstance(r.factor, Decimal) for r in rows)
    assert stmt.first(conn, {"ids": [-1]}) is None
    assert stmt.scalar(conn, {"ids": [shop.items["beras"]]}) == shop.items["beras"]


def test_prepared_statements_raise_the_engines_errors(shop):
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    from outlet_pos.core.db import Prepared

    row = _move_row(shop, Decimal(0), "zero")  # CHECK (qty <> 0)
    with pytest.raises(IntegrityError):
        Prepared(insert(StockMove.__table__)).many(db.session.connection(), [row])
    db.session.rollback()


def test_a_prepared_insert_refuses_to_skip_a_python_default(shop):
    from sqlalchemy import insert

    from outlet_pos.core.db import Prepared

    row = _move_row(shop, Decimal(-1), "no timestamp")
    del row["created_at"]  # default=utcnow: the engine would fill it, a Prepared cannot
    with pytest.raises(ValueError, match="created_at"):
        Prepared(insert(StockMove.__table__)).run(db.session.connection(), row)
    db.session.rollback()


def test_prepared_statements_are_counted_by_their_listeners(shop):
    from outlet_pos.core.db import PREPARED_LISTENERS

    seen: list[tuple[str, bool]] = []
    PREPARED_LISTENERS.append(lambda text, many: seen.append((text, many)))
    try:
        sell(shop, [CartLine(shop.items["beras"], qty=1)], [PaymentIn("tunai", 100_000)])
    finally:
        PREPARED_LISTENERS.pop()
    assert any(text.startswith("INSERT INTO sale ") for text, _many in seen)
    assert any(many and text.startswith("INSERT INTO stock_move") for text, many in seen)


def test_the_sale_and_entry_handed_back_are_the_rows_written_and_live_in_the_session(shop):
    from sqlalchemy import inspect

    shift = db.session.get(Shift, shop.shift_id)
    user = db.session.get(User, shop.cashier_id)
    sale = checkout(
        shift, [CartLine(shop.items["beras"], qty=2)], [PaymentIn("tunai", 200_000)], user=user
    )
    entry = db.session.get(JournalEntry, sale.entry_id)  # from the identity map, no SELECT
    for obj in (sale, entry):
        table = type(obj).__table__
        written = dict(inspect(obj).dict)  # what checkout/post attached, before any reload
        row = db.session.execute(select(table).where(table.c.id == obj.id)).one()._mapping
        assert {k: written[k] for k in row} == dict(row)
        assert inspect(obj).persistent and obj in db.session
    assert [line.qty for line in sale.lines] == [Decimal(2)]  # relationships load lazily
    assert [line.entry_id for line in entry.lines] == [entry.id] * len(entry.lines)
    db.session.rollback()


def test_attach_written_refuses_unknown_columns_and_reuses_a_loaded_row(shop):
    from outlet_pos.core.db import attach_written

    with pytest.raises(TypeError, match="nomor"):
        attach_written(Shift, {"id": shop.shift_id, "nomor": 1})
    loaded = db.session.get(Shift, shop.shift_id)
    values = {c.key: getattr(loaded, c.key) for c in Shift.__table__.columns}
    assert attach_written(Shift, values) is loaded


def test_the_stock_lock_seeks_the_index_instead_of_scanning_it(shop):
    from outlet_pos.core.inventory.services import _Q

    conn = db.session.connection()
    params = {"items": [shop.items["beras"]], "pairs": [(shop.items["beras"], shop.location_id)]}
    plan = _Q.levels._plan(conn, params)  # the SQL text for one item, one pair
    # On both databases the lock names the cart's items, so the index can be used ...
    assert "item_id IN" in plan.text.replace("stock_level.item_id", "item_id"), plan.text
    if conn.dialect.name != "sqlite":
        return  # ... PostgreSQL's planner picks by table size; SQLite's plan is fixed:
    steps = [
        row[3]
        for row in conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + plan.text, tuple(_Q.levels._bind(plan, params))
        )
    ]
    assert any(s.startswith("SEARCH stock_level") for s in steps), steps
    assert not any(s.startswith("SCAN stock_level") for s in steps), steps


@given(
    price=st.integers(min_value=0, max_value=10**12),
    qty=st.decimals(min_value=Decimal("0.001"), max_value=Decimal(10**6), places=3),
)
def test_a_line_is_priced_as_the_exact_product_rounded_half_up(price, qty):
    from fractions import Fraction

    from outlet_pos.core.sales.checkout import _times
    from outlet_pos.money import round_half_up

    assert _times(price, qty) == round_half_up(Fraction(price) * Fraction(qty))
