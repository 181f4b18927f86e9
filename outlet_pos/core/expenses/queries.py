"""Reading the expense book: the filtered list and its totals (voided rows are listed but not
counted)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from outlet_pos.core.expenses.models import Expense
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db

MAX_ROWS = 2000


@dataclass
class ExpenseBook:
    rows: list[Expense]
    total_expense: int
    total_income: int
    voided: int
    truncated: bool

    @property
    def net(self) -> int:
        return self.total_income - self.total_expense


def month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def expense_book(
    coop: Cooperative,
    *,
    month: tuple[int, int] | None = None,
    account_id: int | None = None,
    paid_account_id: int | None = None,
    kind: str | None = None,
) -> ExpenseBook:
    stmt = (
        select(Expense)
        .where(Expense.cooperative_id == coop.id)
        .options(
            selectinload(Expense.account),
            selectinload(Expense.paid_account),
            selectinload(Expense.unit),
        )
        .order_by(Expense.date.desc(), Expense.id.desc())
    )
    if month is not None:
        start, end = month_range(*month)
        stmt = stmt.where(Expense.date >= start, Expense.date <= end)
    if account_id:
        stmt = stmt.where(Expense.account_id == account_id)
    if paid_account_id:
        stmt = stmt.where(Expense.paid_account_id == paid_account_id)
    if kind:
        stmt = stmt.where(Expense.kind == kind)
    rows = db.session.scalars(stmt.limit(MAX_ROWS + 1)).all()
    truncated = len(rows) > MAX_ROWS
    rows = rows[:MAX_ROWS]
    live = [r for r in rows if r.status == "posted"]
    return ExpenseBook(
        rows=rows,
        total_expense=sum(r.amount for r in live if r.kind == "expense"),
        total_income=sum(r.amount for r in live if r.kind == "income"),
        voided=len(rows) - len(live),
        truncated=truncated,
    )
