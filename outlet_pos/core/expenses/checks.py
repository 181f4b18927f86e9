"""The expense book in ``outlet-pos verify``: each expense agrees with its journal entry, and
an expense is void exactly when its entry has been reversed."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from outlet_pos.core.expenses.models import Expense
from outlet_pos.core.ledger.models import JournalEntry, JournalLine
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db


def check_expenses(coop: Cooperative) -> Iterator[str]:
    totals = (
        select(JournalLine.entry_id, func.sum(JournalLine.debit).label("total"))
        .where(JournalLine.cooperative_id == coop.id)
        .group_by(JournalLine.entry_id)
        .subquery()
    )
    counter = aliased(JournalEntry)
    rows = db.session.execute(
        select(Expense.number, Expense.amount, Expense.status, totals.c.total, counter.id)
        .outerjoin(totals, totals.c.entry_id == Expense.entry_id)
        .outerjoin(
            counter,
            (counter.cooperative_id == coop.id) & (counter.reverses_id == Expense.entry_id),
        )
        .where(Expense.cooperative_id == coop.id)
    )
    for number, amount, status, total, counter_id in rows:
        if total != amount:
            yield f"{number}: jumlah {amount}, jurnalnya {total}"
        if (status == "void") != (counter_id is not None):
            yield f"{number}: status {status} tidak sesuai dengan jurnal pembaliknya"


def register() -> None:
    from outlet_pos.core.verify import register_check

    register_check("Pengeluaran/pendapatan lain = jurnalnya", check_expenses)
