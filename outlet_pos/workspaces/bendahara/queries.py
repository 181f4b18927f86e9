"""Read models for the treasurer's ledger pages: trial balance, general ledger, journal list.

All aggregation happens in SQL over ``journal_line`` (indexed by cooperative, account, date),
so the trial balance stays fast as the ledger grows to millions of lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from outlet_pos.core.ledger.models import Account, JournalEntry, JournalLine
from outlet_pos.core.ledger.snapshots import debit_credit
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db


@dataclass
class TrialRow:
    account: Account
    opening: int  # signed debit - credit before the range
    debit: int
    credit: int

    @property
    def closing(self) -> int:
        return self.opening + self.debit - self.credit

    @property
    def closing_debit(self) -> int:
        return max(self.closing, 0)

    @property
    def closing_credit(self) -> int:
        return max(-self.closing, 0)


@dataclass
class TrialBalance:
    date_from: date
    date_to: date
    rows: list[TrialRow] = field(default_factory=list)

    @property
    def total_debit(self) -> int:
        return sum(r.debit for r in self.rows)

    @property
    def total_credit(self) -> int:
        return sum(r.credit for r in self.rows)

    @property
    def total_closing_debit(self) -> int:
        return sum(r.closing_debit for r in self.rows)

    @property
    def total_closing_credit(self) -> int:
        return sum(r.closing_credit for r in self.rows)

    @property
    def balanced(self) -> bool:
        return (
            self.total_debit == self.total_credit
            and self.total_closing_debit == self.total_closing_credit
        )


def trial_balance(
    coop: Cooperative, date_from: date, date_to: date, unit_id: int | None = None
) -> TrialBalance:
    """Opening balance, movement in the range and closing balance for every account used.

    Closed months are read from their snapshot (``ledger.snapshots``), so a second year of
    books costs twelve small reads, not another million lines (DESIGN §4.1)."""
    before = debit_credit(coop.id, None, date_from - timedelta(days=1), unit_id=unit_id)
    moves = debit_credit(coop.id, date_from, date_to, unit_id=unit_id)
    sums = {
        acc_id: (
            before.get(acc_id, (0, 0))[0] - before.get(acc_id, (0, 0))[1],
            *moves.get(acc_id, (0, 0)),
        )
        for acc_id in before.keys() | moves.keys()
    }
    accounts = (
        db.session.scalars(
            select(Account)
            .where(Account.cooperative_id == coop.id, Account.id.in_(sums))
            .order_by(Account.code)
        ).all()
        if sums
        else []
    )
    tb = TrialBalance(date_from, date_to)
    for acc in accounts:
        opening, debit, credit = sums[acc.id]
        if opening or debit or credit:
            tb.rows.append(TrialRow(acc, opening, debit, credit))
    return tb


@dataclass
class LedgerLine:
    date: date
    number: str
    entry_id: int
    memo: str
    unit: str
    debit: int
    credit: int
    balance: int


def general_ledger(
    coop: Cooperative,
    account: Account,
    date_from: date,
    date_to: date,
    unit_id: int | None = None,
) -> tuple[int, list[LedgerLine]]:
    """An account's opening balance and its lines in the range with the running balance."""
    conds = [JournalLine.cooperative_id == coop.id, JournalLine.account_id == account.id]
    if unit_id:
        conds.append(JournalLine.unit_id == unit_id)
    opening = int(
        db.session.scalar(
            select(func.coalesce(func.sum(JournalLine.debit - JournalLine.credit), 0)).where(
                *conds, JournalLine.entry_date < date_from
            )
        )
    )
    rows = db.session.execute(
        select(
            JournalLine.entry_date,
            JournalEntry.number,
            JournalEntry.id,
            JournalEntry.memo,
            JournalLine.memo,
            BusinessUnit.name,
            JournalLine.debit,
            JournalLine.credit,
        )
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .outerjoin(BusinessUnit, BusinessUnit.id == JournalLine.unit_id)
        .where(*conds, JournalLine.entry_date >= date_from, JournalLine.entry_date <= date_to)
        .order_by(JournalLine.entry_date, JournalEntry.id, JournalLine.line_no)
    )
    balance = opening
    out = []
    for day, number, entry_id, memo, line_memo, unit, debit, credit in rows:
        balance += debit - credit
        out.append(
            LedgerLine(day, number, entry_id, line_memo or memo, unit or "", debit, credit, balance)
        )
    return opening, out


def shown(amount: int, account: Account) -> int:
    """A signed balance as the account's normal side reads it (credit accounts flip)."""
    return amount if account.normal_side == "D" else -amount


def dashboard_figures(coop: Cooperative) -> dict:
    """Headline figures for the home page: cash, bank, this month's entries."""
    today = coop.today()
    codes = ["111100", "111200", "112100"]
    bal = dict(
        db.session.execute(
            select(Account.code, func.coalesce(func.sum(JournalLine.debit - JournalLine.credit), 0))
            .join(JournalLine, JournalLine.account_id == Account.id)
            .where(Account.cooperative_id == coop.id, Account.code.in_(codes))
            .group_by(Account.code)
        ).all()
    )
    month_start = today.replace(day=1)
    entries = db.session.scalar(
        select(func.count(JournalEntry.id)).where(
            JournalEntry.cooperative_id == coop.id, JournalEntry.date >= month_start
        )
    )
    return {
        "kas": int(bal.get("111100", 0)) + int(bal.get("111200", 0)),
        "bank": int(bal.get("112100", 0)),
        "entries_this_month": entries or 0,
        "today": today,
    }
