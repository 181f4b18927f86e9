"""Shift reports: the shifts of a range with their cash, and one shift's X/Z report.

Cash comes from the ledger (DESIGN §2.5): the Kas lines of the entries that carry the shift.
A closed shift's expected cash is the figure recorded when it was closed (before the
over/short entry); an open shift's is its float plus its cash lines so far.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from outlet_pos.core.ledger.models import Account, JournalEntry, JournalLine
from outlet_pos.core.sales.models import Sale, Shift
from outlet_pos.core.sales.shifts import CASH_ACCOUNT
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.workspaces.laporan.queries import Tender, tenders

OVER_SHORT_MEMO = "Selisih kas"  # the memo close_shift gives its over/short entry


def _cash_by_source(coop: Cooperative, shift_ids: list[int]) -> dict[tuple[int, str], int]:
    if not shift_ids:
        return {}
    rows = db.session.execute(
        select(
            JournalEntry.shift_id,
            JournalEntry.source,
            func.sum(JournalLine.debit - JournalLine.credit),
        )
        .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
        .join(Account, Account.id == JournalLine.account_id)
        .where(
            JournalEntry.cooperative_id == coop.id,
            JournalEntry.shift_id.in_(shift_ids),
            Account.code == CASH_ACCOUNT,
        )
        .group_by(JournalEntry.shift_id, JournalEntry.source)
    )
    return {(sid, source): int(amount) for sid, source, amount in rows}


@dataclass
class ShiftRow:
    shift: Shift
    receipts: int
    cash_sales: int  # cash kept from sales less cash paid back for refunds
    other_cash: int  # cash in/out during the shift (not sales, not over/short)
    expected: int

    @property
    def counted(self) -> int | None:
        return self.shift.counted_cash

    @property
    def over_short(self) -> int | None:
        return self.shift.over_short


@dataclass
class ShiftList:
    date_from: date
    date_to: date
    rows: list[ShiftRow]
    totals: dict[str, int] = field(default_factory=dict)


def _expected(shift: Shift, cash: dict[tuple[int, str], int]) -> int:
    if shift.status == "closed" and shift.expected_cash is not None:
        return shift.expected_cash
    return shift.float_amount + sum(v for (sid, _s), v in cash.items() if sid == shift.id)


def shift_list(
    coop: Cooperative, date_from: date, date_to: date, outlet_id: int | None = None
) -> ShiftList:
    """Shifts whose business date falls in the range, oldest first."""
    stmt = (
        select(Shift)
        .options(selectinload(Shift.user), selectinload(Shift.outlet))
        .where(
            Shift.cooperative_id == coop.id,
            Shift.business_date >= date_from,
            Shift.business_date <= date_to,
        )
        .order_by(Shift.business_date, Shift.opened_at, Shift.id)
    )
    if outlet_id is not None:
        stmt = stmt.where(Shift.outlet_id == outlet_id)
    shifts = list(db.session.scalars(stmt))
    ids = [s.id for s in shifts]
    cash = _cash_by_source(coop, ids)
    receipts = dict(
        db.session.execute(
            select(Sale.shift_id, func.count(Sale.id))
            .where(Sale.cooperative_id == coop.id, Sale.kind == "sale", Sale.shift_id.in_(ids))
            .group_by(Sale.shift_id)
        ).all()
    )
    rows = []
    for s in shifts:
        sales = cash.get((s.id, "sale"), 0) + cash.get((s.id, "refund"), 0)
        expected = _expected(s, cash)
        rows.append(
            ShiftRow(s, int(receipts.get(s.id, 0)), sales, expected - s.float_amount - sales,
                     expected)
        )  # fmt: skip
    closed = [r for r in rows if r.shift.status == "closed"]
    totals = {
        "float": sum(r.shift.float_amount for r in rows),
        "cash_sales": sum(r.cash_sales for r in rows),
        "other_cash": sum(r.other_cash for r in rows),
        "expected": sum(r.expected for r in rows),
        "counted": sum(r.counted or 0 for r in closed),
        "over_short": sum(r.over_short or 0 for r in closed),
        "receipts": sum(r.receipts for r in rows),
    }
    return ShiftList(date_from, date_to, rows, totals)


@dataclass
class Movement:
    entry: JournalEntry
    amount: int  # + into the drawer, - out of it


@dataclass
class ShiftReport:
    """The X report of an open shift, or the Z report of a closed one."""

    shift: Shift
    sales_count: int
    sales_total: int  # what customers paid (PPN included)
    refund_count: int
    refund_total: int
    tax: int  # PPN of sales less PPN of refunds
    tenders: list[Tender]
    cash_sales: int  # cash kept from sales (tendered - change)
    cash_refunds: int  # cash paid back for refunds (positive)
    movements: list[Movement]
    expected: int

    @property
    def net_total(self) -> int:
        return self.sales_total - self.refund_total

    @property
    def cash_in(self) -> int:
        return sum(m.amount for m in self.movements if m.amount > 0)

    @property
    def cash_out(self) -> int:
        return -sum(m.amount for m in self.movements if m.amount < 0)

    @property
    def closed(self) -> bool:
        return self.shift.status == "closed"


def shift_report(coop: Cooperative, shift: Shift) -> ShiftReport:
    totals = {
        kind: (int(n), int(total), int(tax))
        for kind, n, total, tax in db.session.execute(
            select(
                Sale.kind,
                func.count(Sale.id),
                func.coalesce(func.sum(Sale.total), 0),
                func.coalesce(func.sum(Sale.tax_amount), 0),
            )
            .where(Sale.cooperative_id == coop.id, Sale.shift_id == shift.id)
            .group_by(Sale.kind)
        )
    }
    sales = totals.get("sale", (0, 0, 0))
    refunds = totals.get("refund", (0, 0, 0))
    rows, _days = tenders(Sale.cooperative_id == coop.id, Sale.shift_id == shift.id)
    cash = _cash_by_source(coop, [shift.id])
    movements = [
        Movement(entry, int(amount))
        for entry, amount in db.session.execute(
            select(JournalEntry, func.sum(JournalLine.debit - JournalLine.credit))
            .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
            .join(Account, Account.id == JournalLine.account_id)
            .where(
                JournalEntry.cooperative_id == coop.id,
                JournalEntry.shift_id == shift.id,
                JournalEntry.source != "sale",
                JournalEntry.source != "refund",
                Account.code == CASH_ACCOUNT,
            )
            .group_by(JournalEntry.id)
            .order_by(JournalEntry.id)
        )
        if not entry.memo.startswith(OVER_SHORT_MEMO)
    ]
    return ShiftReport(
        shift=shift,
        sales_count=sales[0],
        sales_total=sales[1],
        refund_count=refunds[0],
        refund_total=refunds[1],
        tax=sales[2] - refunds[2],
        tenders=[t for t in rows if t.sales or t.refunds],
        cash_sales=cash.get((shift.id, "sale"), 0),
        cash_refunds=-cash.get((shift.id, "refund"), 0),
        movements=movements,
        expected=_expected(shift, cash),
    )
