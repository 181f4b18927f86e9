"""The month-close checklist item "Rekening bank sudah direkonsiliasi"."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import case, func, select

from outlet_pos.core.banking.models import BankAccount, BankMatch, BankStatementLine
from outlet_pos.core.banking.reconcile import is_covered, month_end, open_items
from outlet_pos.core.closing.checklist import ItemResult, register_item
from outlet_pos.core.ledger.models import MONTHS_ID, JournalLine
from outlet_pos.core.verify import register_check
from outlet_pos.extensions import db
from outlet_pos.formatting import tanggal


def bank_reconciled(coop, year: int, month: int) -> ItemResult:
    """OK when every active bank account has a statement covering the month's last day and
    no unmatched statement line or journal line dated in or before that month."""
    from outlet_pos.core.banking.services import bank_accounts

    accounts: list[BankAccount] = bank_accounts(coop, active_only=True)
    if not accounts:
        return ItemResult(True, "Koperasi tidak memiliki rekening bank.", applies=False)
    end = month_end(year, month)
    problems, first_bad = [], None
    for account in accounts:
        missing = []
        if not is_covered(account, end):
            missing.append(f"rekening koran sampai {tanggal(end)} belum diimpor")
        statement, books = open_items(account, end)
        if statement:
            missing.append(f"{statement} baris rekening koran belum dicocokkan")
        if books:
            missing.append(f"{books} transaksi buku belum ada di rekening koran")
        if missing:
            problems.append(f"{account.short_label}: " + ", ".join(missing))
            first_bad = first_bad or account
    args = {"bulan": f"{year:04d}-{month:02d}"}
    if first_bad is None:
        label = f"{MONTHS_ID[month - 1]} {year}"
        return ItemResult(
            True,
            f"{len(accounts)} rekening bank cocok dengan rekening koran sampai akhir {label}.",
            "bendahara.banks",
        )
    args["bank_account_id"] = first_bad.id
    return ItemResult(False, "; ".join(problems) + ".", "bendahara.bank_reconcile", args)


def check_matches(coop) -> Iterator[str]:
    """Each matched statement line equals the sum of its journal lines, which sit on its bank
    account's ledger account; an unmatched line has no match."""
    rows = db.session.execute(
        select(
            BankStatementLine.id,
            BankStatementLine.status,
            BankStatementLine.amount,
            func.coalesce(func.sum(JournalLine.debit - JournalLine.credit), 0),
            func.count(BankMatch.id),
            func.sum(case((JournalLine.account_id != BankAccount.ledger_account_id, 1), else_=0)),
        )
        .join(BankAccount, BankAccount.id == BankStatementLine.bank_account_id)
        .outerjoin(BankMatch, BankMatch.statement_line_id == BankStatementLine.id)
        .outerjoin(JournalLine, JournalLine.id == BankMatch.journal_line_id)
        .where(BankStatementLine.cooperative_id == coop.id)
        .group_by(BankStatementLine.id, BankStatementLine.status, BankStatementLine.amount)
    )
    for line_id, status, amount, total, count, foreign in rows:
        if status == "unmatched" and count:
            yield f"baris rekening koran {line_id} belum cocok tetapi punya pasangan"
        elif status != "unmatched" and (total != amount or not count or foreign):
            yield f"baris rekening koran {line_id}: {amount} tidak sama dengan buku {total}"


register_item("bank", "Rekening bank sudah direkonsiliasi", bank_reconciled, order=40)
register_check("Pencocokan rekening koran = buku", check_matches)
