"""The bank reconciliation of one account at a month's end, and the month-close question
"is every bank account reconciled?".

The statement's balance is set beside the ledger's. Their difference is explained by the
items on one side only: transactions in the books not yet on the statement (deposits in
transit, transfers not yet cleared) and transactions on the statement not yet in the books
(charges, interest, transfers received), plus any difference of the opening balances before
the first imported statement. What remains unexplained points at a gap between statements.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from outlet_pos.core.banking.matching import signed, unmatched_ledger
from outlet_pos.core.banking.models import (
    BankAccount,
    BankMatch,
    BankStatement,
    BankStatementLine,
)
from outlet_pos.core.banking.services import ledger_balance
from outlet_pos.core.ledger.models import JournalEntry, JournalLine
from outlet_pos.extensions import db


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


@dataclass
class Reconciliation:
    account: BankAccount
    as_of: date
    start: date | None  # the first imported statement's first day
    covered: bool  # an imported statement covers ``as_of``
    statement_balance: int | None
    ledger_balance: int
    opening_gap: int = 0  # ledger minus statement balance on the day before ``start``
    statement_items: list[BankStatementLine] = field(default_factory=list)
    ledger_items: list[tuple[JournalLine, JournalEntry]] = field(default_factory=list)

    @property
    def in_books_only(self) -> int:
        return sum(signed(jl) for jl, _e in self.ledger_items)

    @property
    def on_statement_only(self) -> int:
        return sum(line.amount for line in self.statement_items)

    @property
    def adjusted_statement(self) -> int:
        return (self.statement_balance or 0) + self.in_books_only

    @property
    def adjusted_ledger(self) -> int:
        return self.ledger_balance + self.on_statement_only

    @property
    def difference(self) -> int:
        """Statement minus books, before any explanation."""
        return (self.statement_balance or 0) - self.ledger_balance

    @property
    def unexplained(self) -> int:
        return self.adjusted_statement - self.adjusted_ledger + self.opening_gap

    @property
    def reconciled(self) -> bool:
        return (
            self.covered
            and not self.statement_items
            and not self.ledger_items
            and self.opening_gap == 0
            and self.unexplained == 0
        )


def _statement_lines(account: BankAccount, upto: date) -> list[BankStatementLine]:
    return list(
        db.session.scalars(
            select(BankStatementLine)
            .where(
                BankStatementLine.cooperative_id == account.cooperative_id,
                BankStatementLine.bank_account_id == account.id,
                BankStatementLine.date <= upto,
            )
            .order_by(BankStatementLine.date, BankStatementLine.id)
        )
    )


def _opening(lines: list[BankStatementLine]) -> int:
    if lines and lines[0].balance is not None:
        return lines[0].balance - lines[0].amount
    return 0


def statement_balance(lines: list[BankStatementLine]) -> int:
    """The balance after the last line: the last running balance the bank printed, plus the
    lines after it; without any printed balance, the sum of the lines."""
    total = _opening(lines)
    for line in lines:
        total = line.balance if line.balance is not None else total + line.amount
    return total


def _dates_of_matches(line_ids: list[int]) -> dict[int, list[date]]:
    """For statement lines, the dates of the journal lines they are matched with."""
    out: dict[int, list[date]] = {}
    for start in range(0, len(line_ids), 500):
        rows = db.session.execute(
            select(BankMatch.statement_line_id, JournalLine.entry_date)
            .join(JournalLine, JournalLine.id == BankMatch.journal_line_id)
            .where(BankMatch.statement_line_id.in_(line_ids[start : start + 500]))
        )
        for line_id, day in rows:
            out.setdefault(line_id, []).append(day)
    return out


def _drop_reversal_pairs(rows: list) -> list:
    """An entry and its reversal, both unmatched in the window, cancel out: leave them off."""
    by_entry = {entry.id: (jl, entry) for jl, entry in rows}
    gone = set()
    for jl, entry in rows:
        original = by_entry.get(entry.reverses_id) if entry.reverses_id else None
        if original is not None and signed(original[0]) == -signed(jl):
            gone.update({jl.id, original[0].id})
    return [(jl, e) for jl, e in rows if jl.id not in gone]


def first_statement_day(account: BankAccount) -> date | None:
    return db.session.scalar(
        select(func.min(BankStatement.period_start)).where(
            BankStatement.cooperative_id == account.cooperative_id,
            BankStatement.bank_account_id == account.id,
        )
    )


def is_covered(account: BankAccount, day: date) -> bool:
    return (
        db.session.scalar(
            select(BankStatement.id).where(
                BankStatement.cooperative_id == account.cooperative_id,
                BankStatement.bank_account_id == account.id,
                BankStatement.period_start <= day,
                BankStatement.period_end >= day,
            )
        )
        is not None
    )


def reconcile(account: BankAccount, year: int, month: int) -> Reconciliation:
    as_of = month_end(year, month)
    books = ledger_balance(account, as_of)
    start = first_statement_day(account)
    if start is None or start > as_of:
        items = _drop_reversal_pairs(unmatched_ledger(account, None, as_of))
        return Reconciliation(account, as_of, start, False, None, books, ledger_items=items)
    lines = _statement_lines(account, as_of)
    rec = Reconciliation(
        account,
        as_of,
        start,
        is_covered(account, as_of),
        statement_balance(lines),
        books,
        opening_gap=ledger_balance(account, start - timedelta(days=1)) - _opening(lines),
    )
    # A statement line and the journal lines matched with it clear each other only when all
    # of them fall between the first statement and the month end.
    matched_dates = _dates_of_matches([ln.id for ln in lines if ln.status != "unmatched"])
    cleared = {
        line_id for line_id, days in matched_dates.items() if all(start <= d <= as_of for d in days)
    }
    rec.statement_items = [ln for ln in lines if ln.date >= start and ln.id not in cleared]
    matched_books = db.session.execute(
        select(JournalLine, JournalEntry, BankMatch.statement_line_id)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .join(BankMatch, BankMatch.journal_line_id == JournalLine.id)
        .where(
            JournalLine.cooperative_id == account.cooperative_id,
            JournalLine.account_id == account.ledger_account_id,
            JournalLine.entry_date >= start,
            JournalLine.entry_date <= as_of,
        )
    ).all()
    in_transit = [(jl, e) for jl, e, line_id in matched_books if line_id not in cleared]
    rows = _drop_reversal_pairs(unmatched_ledger(account, start, as_of)) + in_transit
    rec.ledger_items = sorted(rows, key=lambda r: (r[0].entry_date, r[0].id))
    return rec


def open_items(account: BankAccount, upto: date) -> tuple[int, int]:
    """(unmatched statement lines, unmatched journal lines) dated up to ``upto``; journal
    lines before the first statement are covered by its opening balance."""
    statement = db.session.scalar(
        select(func.count(BankStatementLine.id)).where(
            BankStatementLine.cooperative_id == account.cooperative_id,
            BankStatementLine.bank_account_id == account.id,
            BankStatementLine.status == "unmatched",
            BankStatementLine.date <= upto,
        )
    )
    start = first_statement_day(account)
    books = len(_drop_reversal_pairs(unmatched_ledger(account, start, upto))) if start else 0
    return int(statement or 0), books
