"""Purchasing stories: receive goods into stock and payables, pay bills, return goods, and
read the payables aging, with the verifier's checks after each one."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.core.inventory.catalog import UnitSpec, save_item
from outlet_pos.core.inventory.models import BatchLevel, Item, Location, StockLevel, StockMove
from outlet_pos.core.inventory.services import issue
from outlet_pos.core.ledger import balances, post
from outlet_pos.core.ledger.models import JournalEntry, JournalLine
from outlet_pos.core.purchasing import (
    GoodsReceipt,
    PurchaseOrder,
    ReceiptLineIn,
    SupplierBill,
    SupplierPayment,
    cancel_order,
    create_order,
    pay_bill,
    payables_aging,
    receive_goods,
    return_goods,
    save_supplier,
)
from outlet_pos.core.sales.shifts import expected_cash, open_shift
from outlet_pos.core.tenancy import BusinessUnit, Outlet
from outlet_pos.core.verify import CHECKS
from outlet_pos.extensions import db
from tests.conftest import make_coop, make_user

D0 = date(2025, 3, 3)


def violations(coop) -> list[str]:
    return [f"{label}: {v}" for label, check in CHECKS for v in check(coop)]


def counts() -> tuple[int, ...]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(m))
        for m in (GoodsReceipt, SupplierBill, SupplierPayment, JournalEntry, StockMove)
    )


class Setup:
    def __init__(self, name: str = "Koperasi Beli"):
        self.coop = make_coop(name)
        self.outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == self.coop.id))
        self.unit = db.session.scalar(
            select(BusinessUnit).where(
                BusinessUnit.cooperative_id == self.coop.id, BusinessUnit.kind == "sembako"
            )
        )
        self.user = make_user(f"bend{self.coop.id}", "bendahara", self.coop)

        def items():
            minyak = save_item(
                self.coop,
                unit=self.unit,
                sku="MYK1",
                name="Minyak goreng 1 L",
                base_uom="pcs",
                units=[
                    UnitSpec("pcs", Decimal(1), 17_500, 18_000, ["899001"]),
                    UnitSpec("karton", Decimal(12), 204_000, 210_000, ["899002"]),
                ],
            )
            susu = save_item(
                self.coop,
                unit=self.unit,
                sku="SUSU",
                name="Susu UHT 200 ml",
                base_uom="pcs",
                track_batch=True,
                units=[UnitSpec("pcs", Decimal(1), 6_000, 6_500)],
            )
            sup = save_supplier(
                self.coop, "cv1", "CV Sumber Rejeki", "", "0812", "Pasar", 30, self.user
            )
            return minyak, susu, sup

        self.minyak, self.susu, self.supplier = run_transaction(items)

    def line(self, item, unit_name, qty, cost, batch="", expiry=None):
        unit = next(u for u in item.units if u.name == unit_name)
        return ReceiptLineIn(
            item.id, unit.id, qty if isinstance(qty, str) else Decimal(qty), cost, batch, expiry
        )

    def receive(self, lines, day=D0, **kw):
        return run_transaction(
            receive_goods,
            self.coop,
            self.supplier,
            self.outlet,
            lines,
            user=self.user,
            day=day,
            **kw,
        )

    def level(self, item) -> StockLevel:
        return db.session.scalar(select(StockLevel).where(StockLevel.item_id == item.id))


@pytest.fixture
def s(ctx):
    return Setup()


def test_receiving_a_plain_and_a_batch_item_moves_stock_cost_and_payables_in_one_entry(s):
    receipt = s.receive(
        [
            s.line(s.minyak, "karton", 2, 360_000),
            s.line(s.susu, "pcs", 24, 100_000, "S-24", date(2026, 1, 31)),
        ],
        supplier_ref="SJ-889",
    )
    assert receipt.number == "GRN-2025-0001" and receipt.total == 460_000
    assert s.level(s.minyak).on_hand == 24 and s.level(s.minyak).value == 360_000
    assert s.level(s.susu).on_hand == 24 and s.level(s.susu).value == 100_000
    batch = db.session.scalar(select(BatchLevel).where(BatchLevel.item_id == s.susu.id))
    assert batch.batch.code == "S-24" and batch.batch.expiry == date(2026, 1, 31)
    entry = db.session.get(JournalEntry, receipt.entry_id)
    assert entry.source == "purchase" and entry.total == 460_000
    assert db.session.scalar(select(func.count(JournalEntry.id))) == 1
    bal = balances(s.coop)
    assert bal["114100"] == 460_000 and bal["211100"] == -460_000
    bill = db.session.scalar(select(SupplierBill))
    assert bill.number == "BILL-2025-0001" and bill.amount == 460_000
    assert bill.due_date == D0 + timedelta(days=30) and bill.supplier_invoice == "SJ-889"
    assert violations(s.coop) == []


def test_the_received_cost_moves_the_moving_average(s):
    s.receive([s.line(s.minyak, "pcs", 10, 150_000)])
    s.receive([s.line(s.minyak, "karton", 1, 216_000)], day=D0 + timedelta(days=1))
    level = s.level(s.minyak)
    assert level.on_hand == 22 and level.value == 366_000  # average Rp16.636/pcs
    second = db.session.scalar(select(GoodsReceipt).order_by(GoodsReceipt.id.desc()))
    assert second.number == "GRN-2025-0002"
    assert violations(s.coop) == []


def test_paid_on_the_spot_posts_to_kas_with_the_open_shift_and_no_bill(s):
    shift = run_transaction(open_shift, s.coop, s.user, s.outlet, 500_000)
    today = s.coop.today()
    receipt = s.receive([s.line(s.minyak, "pcs", 6, 90_000)], day=today, paid_cash_account="111100")
    assert receipt.paid_cash and db.session.scalar(select(func.count(SupplierBill.id))) == 0
    entry = db.session.get(JournalEntry, receipt.entry_id)
    assert entry.shift_id == shift.id
    assert balances(s.coop)["111100"] == -90_000 and "211100" not in balances(s.coop)
    assert expected_cash(shift) == 410_000
    with pytest.raises(DomainError, match="tidak cukup"):
        s.receive([s.line(s.minyak, "pcs", 60, 900_000)], day=today, paid_cash_account="111100")
    assert violations(s.coop) == []


def test_a_bill_is_paid_in_part_then_in_full_and_overpaying_writes_nothing(s):
    s.receive([s.line(s.minyak, "karton", 1, 200_000)])
    bill = db.session.scalar(select(SupplierBill))
    pay = run_transaction(pay_bill, bill, 75_000, "112100", user=s.user, day=D0 + timedelta(days=5))
    assert pay.amount == 75_000 and bill.outstanding == 125_000 and bill.status == "open"
    before = counts()
    for amount in (125_001, 0, -5):
        with pytest.raises(DomainError):
            run_transaction(pay_bill, bill, amount, "112100", user=s.user, day=D0)
    assert counts() == before
    db.session.refresh(bill)
    assert bill.paid_amount == 75_000
    run_transaction(
        pay_bill,
        bill,
        125_000,
        "111100",
        user=s.user,
        day=D0 + timedelta(days=9),
        reference="kuitansi 12",
    )
    assert bill.status == "paid" and bill.outstanding == 0
    bal = balances(s.coop)
    assert bal["211100"] == 0 and bal["112100"] == -75_000 and bal["111100"] == -125_000
    with pytest.raises(DomainError, match="lunas"):
        run_transaction(pay_bill, bill, 1, "112100", user=s.user, day=D0 + timedelta(days=9))
    assert violations(s.coop) == []


def test_paying_cash_from_a_drawer_that_holds_too_little_is_refused(s):
    s.receive([s.line(s.minyak, "karton", 1, 200_000)])
    bill = db.session.scalar(select(SupplierBill))
    shift = run_transaction(open_shift, s.coop, s.user, s.outlet, 50_000)
    with pytest.raises(DomainError, match="Kas di laci"):
        run_transaction(pay_bill, bill, 60_000, "111100", user=s.user, day=s.coop.today())
    pay = run_transaction(pay_bill, bill, 50_000, "111100", user=s.user, day=s.coop.today())
    assert pay.shift_id == shift.id and expected_cash(shift) == 0
    assert violations(s.coop) == []


def test_a_purchase_return_takes_stock_out_at_the_received_cost_and_lowers_the_bill(s):
    receipt = s.receive(
        [
            s.line(s.minyak, "karton", 1, 200_000),  # 12 pcs, Rp16.666,67 each
            s.line(s.susu, "pcs", 10, 55_000, "S-1", date(2026, 1, 1)),
        ]
    )
    m_line, s_line = receipt.lines
    ret = run_transaction(
        return_goods,
        receipt,
        {m_line.id: Decimal(5), s_line.id: Decimal(2)},
        "Kemasan bocor",
        user=s.user,
        day=D0 + timedelta(days=1),
    )
    assert ret.number == "RTB-2025-0001" and ret.total == 83_333 + 11_000
    assert s.level(s.minyak).on_hand == 7 and s.level(s.minyak).value == 200_000 - 83_333
    assert s.level(s.susu).on_hand == 8 and s.level(s.susu).value == 44_000
    bill = db.session.scalar(select(SupplierBill))
    assert bill.amount == 255_000 - 94_333
    # The rest of the carton: the last unit takes the remainder, so the line returns in full.
    run_transaction(
        return_goods,
        receipt,
        {m_line.id: Decimal(7)},
        "Retur sisa",
        user=s.user,
        day=D0 + timedelta(days=2),
    )
    assert s.level(s.minyak).on_hand == 0 and s.level(s.minyak).value == 0
    assert bill.amount == 55_000 - 11_000
    before = counts()
    with pytest.raises(DomainError, match="paling banyak"):
        run_transaction(
            return_goods,
            receipt,
            {s_line.id: Decimal(9)},
            "Terlalu banyak",
            user=s.user,
            day=D0 + timedelta(days=2),
        )
    assert counts() == before
    assert balances(s.coop)["211100"] == -bill.amount
    assert violations(s.coop) == []


def test_returning_goods_of_a_paid_bill_leaves_a_receivable_from_the_supplier(s):
    receipt = s.receive([s.line(s.minyak, "pcs", 10, 100_000)])
    bill = db.session.scalar(select(SupplierBill))
    run_transaction(pay_bill, bill, 100_000, "112100", user=s.user, day=D0)
    run_transaction(
        return_goods, receipt, {receipt.lines[0].id: Decimal(3)}, "Rusak", user=s.user, day=D0
    )
    bal = balances(s.coop)
    assert bal["113100"] == 30_000 and bal["211100"] == 0 and bal["114100"] == 70_000
    assert bill.amount == 100_000 and bill.status == "paid"
    assert violations(s.coop) == []


def test_a_return_credits_stock_at_the_received_cost_and_recomputes_the_average(s):
    s.receive([s.line(s.minyak, "pcs", 10, 50_000)])  # Rp5.000/pcs
    second = s.receive([s.line(s.minyak, "pcs", 10, 70_000)])  # average now Rp6.000/pcs
    ret = run_transaction(
        return_goods, second, {second.lines[0].id: Decimal(5)}, "Salah kirim", user=s.user, day=D0
    )
    # By hand: 120.000 - 5 x 7.000 = 85.000 for 15 pcs, an average of Rp5.666,67/pcs.
    assert ret.total == 35_000
    level = s.level(s.minyak)
    assert (level.on_hand, level.value) == (Decimal(15), 85_000)
    move = db.session.scalar(select(StockMove).where(StockMove.kind == "purchase_return"))
    assert (move.qty, move.value) == (Decimal(-5), -35_000)
    bal = balances(s.coop)
    assert bal["114100"] == 85_000 == level.value
    assert bal["211100"] == -(120_000 - 35_000)  # the supplier credits the received cost
    assert "617100" not in bal  # no inventory difference: stock left at what it came in at
    entry = db.session.get(JournalEntry, ret.entry_id)
    assert sorted((ln.debit, ln.credit) for ln in entry.lines) == [(0, 35_000), (35_000, 0)]
    assert violations(s.coop) == []


def _sell(s, item, qty: int) -> int:
    """Stock out at moving average with its cost of goods, as a sale books it."""

    def go():
        level = s.level(item)
        loc = db.session.get(Location, level.location_id)
        cost = sum(c.cost for c in issue(loc, item, Decimal(qty), day=D0, source="test:sale"))
        post(
            s.coop,
            D0,
            "Penjualan uji",
            [("511100", cost, 0, item.unit_id), (item.inventory_account, 0, cost, item.unit_id)],
            source="sale",
        )
        return cost

    return run_transaction(go)


def test_a_return_of_all_that_is_left_takes_its_value_and_books_the_gap(s):
    first = s.receive([s.line(s.minyak, "pcs", 10, 100_000)])  # Rp10.000/pcs
    s.receive([s.line(s.minyak, "pcs", 10, 140_000)])  # average now Rp12.000/pcs
    assert _sell(s, s.minyak, 15) == 180_000  # 5 pcs worth 60.000 left
    run_transaction(
        return_goods, first, {first.lines[0].id: Decimal(5)}, "Salah kirim", user=s.user, day=D0
    )
    bal = balances(s.coop)
    assert bal["211100"] == -(240_000 - 50_000)  # the supplier credits the received cost
    assert bal["114100"] == 0 == s.level(s.minyak).value  # the whole shelf's value left
    assert bal["617100"] == 10_000  # 60.000 left the books, 50.000 is credited
    assert violations(s.coop) == []


def test_a_return_worth_more_than_the_shelf_holds_leaves_at_the_average(s):
    first = s.receive([s.line(s.minyak, "pcs", 10, 100_000)])  # Rp10.000/pcs
    s.receive([s.line(s.minyak, "pcs", 10, 20_000)])  # average now Rp6.000/pcs
    _sell(s, s.minyak, 17)  # 3 pcs worth 18.000 left
    run_transaction(
        return_goods, first, {first.lines[0].id: Decimal(2)}, "Rusak", user=s.user, day=D0
    )
    # 2 x 10.000 = 20.000 would leave -2.000 behind: 2 x 6.000 leaves, the gap is a gain.
    level = s.level(s.minyak)
    assert (level.on_hand, level.value) == (Decimal(1), 6_000)
    bal = balances(s.coop)
    assert bal["114100"] == 6_000 and bal["617100"] == -8_000
    assert bal["211100"] == -(120_000 - 20_000)
    assert violations(s.coop) == []


def test_the_aging_sorts_bills_into_buckets_and_totals_the_payables_account(s):
    other = run_transaction(save_supplier, s.coop, "UD2", "UD Tani Makmur", "", "", "", 0, s.user)
    as_of = date(2025, 6, 30)

    def receive_from(supplier, day, cost):
        return run_transaction(
            receive_goods,
            s.coop,
            supplier,
            s.outlet,
            [s.line(s.minyak, "pcs", 1, cost)],
            user=s.user,
            day=day,
        )

    receive_from(s.supplier, date(2025, 6, 20), 10_000)  # due 20 Jul: not yet due
    receive_from(s.supplier, date(2025, 5, 20), 20_000)  # due 19 Jun: 11 days
    receive_from(s.supplier, date(2025, 4, 1), 40_000)  # due 1 May: 60 days
    receive_from(other, date(2025, 4, 1), 80_000)  # due 1 Apr: 90 days
    receive_from(other, date(2025, 3, 1), 160_000)  # due 1 Mar: 121 days
    paid = receive_from(other, date(2025, 3, 2), 5_000)
    run_transaction(
        pay_bill,
        db.session.scalar(select(SupplierBill).where(SupplierBill.receipt_id == paid.id)),
        5_000,
        "112100",
        user=s.user,
        day=date(2025, 3, 5),
    )
    aging = payables_aging(s.coop, as_of)
    by_name = {r.supplier.code: r.buckets for r in aging.rows}
    assert by_name["CV1"] == {
        "belum": 10_000,
        "d1_30": 20_000,
        "d31_60": 40_000,
        "d61_90": 0,
        "d90": 0,
    }
    assert by_name["UD2"] == {"belum": 0, "d1_30": 0, "d31_60": 0, "d61_90": 80_000, "d90": 160_000}
    assert aging.total == 310_000 == -balances(s.coop, as_of=as_of)["211100"]
    # Earlier dates see less: a bill dated after as_of is not yet owed.
    early = payables_aging(s.coop, date(2025, 4, 30))
    assert early.total == -balances(s.coop, as_of=date(2025, 4, 30))["211100"] == 280_000
    assert violations(s.coop) == []


def test_the_aging_matches_the_ledger_before_a_later_payment_and_return(s):
    receipt = s.receive([s.line(s.minyak, "pcs", 10, 100_000)], day=date(2025, 1, 10))
    bill = db.session.scalar(select(SupplierBill))
    run_transaction(pay_bill, bill, 30_000, "112100", user=s.user, day=date(2025, 2, 10))
    run_transaction(
        return_goods,
        receipt,
        {receipt.lines[0].id: Decimal(2)},
        "Rusak",
        user=s.user,
        day=date(2025, 3, 10),
    )
    for day in (date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31)):
        assert payables_aging(s.coop, day).total == -balances(s.coop, as_of=day)["211100"]
    assert payables_aging(s.coop, date(2025, 3, 31)).total == 50_000


def test_the_same_idempotency_key_twice_makes_one_receipt(s):
    lines = [s.line(s.minyak, "pcs", 6, 90_000)]
    first = s.receive(lines, idempotency_key="grn-1")
    again = s.receive(lines, idempotency_key="grn-1")
    assert first.id == again.id
    assert db.session.scalar(select(func.count(GoodsReceipt.id))) == 1
    assert s.level(s.minyak).on_hand == 6 and balances(s.coop)["211100"] == -90_000


@pytest.mark.parametrize(
    ("line", "field"),
    [
        (lambda s: s.line(s.susu, "pcs", 5, 30_000), "lines-0-batch"),
        (lambda s: s.line(s.susu, "pcs", 5, 30_000, "B1"), "lines-0-expiry"),
        (
            lambda s: s.line(s.susu, "pcs", 5, 30_000, "B1", D0 - timedelta(days=1)),
            "lines-0-expiry",
        ),
        (lambda s: s.line(s.minyak, "pcs", "1,5", 30_000), "lines-0-qty"),
        (lambda s: s.line(s.minyak, "pcs", 0, 30_000), "lines-0-qty"),
        (lambda s: s.line(s.minyak, "pcs", 1, -1), "lines-0-cost"),
        (lambda s: s.line(s.minyak, "pcs", 1, 12.5), "lines-0-cost"),
        (lambda s: s.line(s.minyak, "pcs", 1, 1_000, "B1"), "lines-0-batch"),
    ],
)
def test_a_bad_receipt_line_is_refused_at_its_field_and_writes_nothing(s, line, field):
    before = counts()
    with pytest.raises(DomainError) as err:
        s.receive([line(s)])
    assert err.value.field == field
    assert counts() == before


def test_a_receipt_from_an_order_fills_it_and_closes_it(s):
    units = {u.name: u for u in s.minyak.units}
    order = run_transaction(
        create_order,
        s.coop,
        s.supplier,
        s.outlet,
        [(s.minyak, units["karton"], Decimal(2), 180_000)],
        s.user,
        day=D0,
    )
    assert order.number == "PO-2025-0001" and order.status == "open"
    s.receive([s.line(s.minyak, "pcs", 12, 180_000)], order=order)
    assert order.lines[0].received_qty == 1 and order.status == "open"
    s.receive([s.line(s.minyak, "karton", 1, 180_000)], order=order)
    assert order.lines[0].received_qty == 2 and order.status == "received"
    with pytest.raises(DomainError):
        run_transaction(cancel_order, order, s.user)
    second = run_transaction(
        create_order,
        s.coop,
        s.supplier,
        s.outlet,
        [(s.minyak, units["pcs"], Decimal(5), 15_000)],
        s.user,
        day=D0,
    )
    run_transaction(cancel_order, second, s.user)
    assert db.session.get(PurchaseOrder, second.id).status == "cancelled"
    assert violations(s.coop) == []


def test_supplier_npwp_is_validated_and_codes_are_unique(s):
    with pytest.raises(DomainError) as err:
        run_transaction(save_supplier, s.coop, "X", "PT X", "12345", "", "", 0, s.user)
    assert err.value.field == "npwp"
    sup = run_transaction(
        save_supplier, s.coop, "X", "PT X", "01.234.567.8-901.000", "", "", 14, s.user
    )
    assert sup.npwp == "0012345678901000"
    with pytest.raises(DomainError) as err:
        run_transaction(save_supplier, s.coop, "cv1", "Lain", "", "", "", 0, s.user)
    assert err.value.field == "code"


def test_another_cooperatives_supplier_is_refused(s):
    other = Setup("Koperasi Lain")
    before = counts()
    with pytest.raises(DomainError):
        run_transaction(
            receive_goods,
            s.coop,
            other.supplier,
            s.outlet,
            [s.line(s.minyak, "pcs", 1, 1_000)],
            user=s.user,
            day=D0,
        )
    assert counts() == before
    assert db.session.scalar(select(func.count(Item.id))) == 4
    assert db.session.scalar(select(func.count(JournalLine.id))) == 0


def test_an_order_cancelled_after_the_page_loaded_it_is_not_received_against(s):
    """The order's status is read again under the lock (found by review: a page holds the
    order it loaded, and another desk may cancel it meanwhile)."""
    from sqlalchemy import update

    units = {u.name: u for u in s.minyak.units}
    order = run_transaction(
        create_order, s.coop, s.supplier, s.outlet,
        [(s.minyak, units["karton"], Decimal(2), 180_000)], s.user, day=D0,
    )  # fmt: skip
    assert order.status == "open"  # the page's copy
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()  # the page's read ends; its objects stay as they were read
    finally:
        session.expire_on_commit = True
    with db.engine.begin() as other:  # another desk cancels it
        other.execute(
            update(PurchaseOrder).where(PurchaseOrder.id == order.id).values(status="cancelled")
        )
    before = counts()
    with pytest.raises(DomainError, match="tidak terbuka lagi"):
        s.receive([s.line(s.minyak, "karton", 1, 180_000)], order=order)
    assert counts() == before
