"""``outlet-pos verify``: recompute every invariant from scratch (DESIGN §4.2).

A separate pass that trusts nothing the application maintained, in the spirit of Beancount's
balance checks. Each check yields human-readable violations; none means the books hold.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select

from outlet_pos.core.ledger.models import Account, JournalEntry, JournalLine
from outlet_pos.core.ledger.services import GENESIS_HASH, entry_hash
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db


def check_entries_balance(coop: Cooperative) -> Iterator[str]:
    rows = db.session.execute(
        select(
            JournalEntry.number,
            func.count(JournalLine.id),
            func.coalesce(func.sum(JournalLine.debit), 0),
            func.coalesce(func.sum(JournalLine.credit), 0),
        )
        .outerjoin(JournalLine, JournalLine.entry_id == JournalEntry.id)
        .where(JournalEntry.cooperative_id == coop.id)
        .group_by(JournalEntry.id, JournalEntry.number)
        .having(
            (
                func.coalesce(func.sum(JournalLine.debit), 0)
                != func.coalesce(func.sum(JournalLine.credit), 0)
            )
            | (func.count(JournalLine.id) < 2)
        )
    )
    for number, count, debit, credit in rows:
        yield f"jurnal {number} tidak seimbang: {count} baris, debit {debit}, kredit {credit}"


def check_trial_balance(coop: Cooperative) -> Iterator[str]:
    debit, credit = db.session.execute(
        select(
            func.coalesce(func.sum(JournalLine.debit), 0),
            func.coalesce(func.sum(JournalLine.credit), 0),
        ).where(JournalLine.cooperative_id == coop.id)
    ).one()
    if debit != credit:
        yield f"neraca saldo tidak nol: debit {debit}, kredit {credit}"


def check_lines_consistent(coop: Cooperative) -> Iterator[str]:
    """Lines must belong to their entry's cooperative, date, and a detail account of it."""
    rows = db.session.execute(
        select(JournalEntry.number, JournalLine.line_no)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .join(Account, Account.id == JournalLine.account_id)
        .where(
            JournalLine.cooperative_id == coop.id,
            (JournalEntry.cooperative_id != coop.id)
            | (Account.cooperative_id != coop.id)
            | (JournalLine.entry_date != JournalEntry.date),
        )
    )
    for number, line_no in rows:
        yield f"jurnal {number} baris {line_no}: koperasi, akun atau tanggal tidak cocok"


def check_hash_chain(coop: Cooperative) -> Iterator[str]:
    prev = GENESIS_HASH
    lines: dict[int, list[tuple[int, int, int]]] = {}
    for entry_id, account_id, debit, credit in db.session.execute(
        select(JournalLine.entry_id, JournalLine.account_id, JournalLine.debit, JournalLine.credit)
        .where(JournalLine.cooperative_id == coop.id)
        .order_by(JournalLine.entry_id, JournalLine.line_no)
    ):
        lines.setdefault(entry_id, []).append((account_id, debit, credit))
    last = GENESIS_HASH
    for e in db.session.execute(
        select(
            JournalEntry.id,
            JournalEntry.number,
            JournalEntry.date,
            JournalEntry.prev_hash,
            JournalEntry.hash,
        )
        .where(JournalEntry.cooperative_id == coop.id)
        .order_by(JournalEntry.id)
    ):
        if e.prev_hash != prev:
            yield f"jurnal {e.number}: rantai hash terputus (hash sebelumnya tidak cocok)"
        expected = entry_hash(e.number, e.date, lines.get(e.id, []), e.prev_hash)
        if expected != e.hash:
            yield f"jurnal {e.number}: isi jurnal berubah di luar aplikasi (hash tidak cocok)"
        prev = e.hash
        last = e.hash
    if (coop.ledger_head_hash or GENESIS_HASH) != last:
        yield "ujung rantai hash koperasi tidak cocok dengan jurnal terakhir"


def check_numbers_gapless(coop: Cooperative) -> Iterator[str]:
    rows = db.session.execute(
        select(
            JournalEntry.year, func.count(), func.min(JournalEntry.seq), func.max(JournalEntry.seq)
        )
        .where(JournalEntry.cooperative_id == coop.id)
        .group_by(JournalEntry.year)
    )
    for year, count, low, high in rows:
        if low != 1 or high != count:
            yield (
                f"nomor jurnal tahun {year} tidak berurutan: {count} jurnal, nomor {low}..{high}"
            )


CHECKS = [
    ("Setiap jurnal seimbang", check_entries_balance),
    ("Neraca saldo berjumlah nol", check_trial_balance),
    ("Baris jurnal konsisten", check_lines_consistent),
    ("Rantai hash jurnal utuh", check_hash_chain),
    ("Nomor jurnal tanpa celah", check_numbers_gapless),
]


def verify_all() -> list[tuple[str, str, list[str]]]:
    """Run every check for every cooperative: [(cooperative, check, violations)]."""
    results = []
    for coop in db.session.scalars(select(Cooperative).order_by(Cooperative.id)):
        for label, check in CHECKS:
            results.append((coop.name, label, list(check(coop))))
    return results
