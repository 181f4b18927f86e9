"""Matching statement lines with journal lines on the bank's ledger account.

Automatic: exact amount, dates within ±3 days, the reference or memo text deciding between
several candidates; one-to-one, never using a journal line twice. By hand: one statement line
with one or several journal lines summing to it. Bank charges, interest and the final tax on
interest post straight from an unmatched statement line (source ``bank``) and are matched at
once. Every function flushes only; the caller commits.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import select

from outlet_pos.core.audit import record
from outlet_pos.core.banking.models import BankAccount, BankMatch, BankStatementLine
from outlet_pos.core.db import utcnow
from outlet_pos.core.errors import DomainError, NotFound, ValidationError
from outlet_pos.core.ledger.models import Account, JournalEntry, JournalLine
from outlet_pos.core.ledger.services import post
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah

WINDOW_DAYS = 3
# kind: (account code, sign the statement line must have, label)
POST_KINDS = {
    "charge": ("618100", -1, "Biaya administrasi bank"),
    "interest": ("418100", 1, "Bunga bank"),
    "tax": ("711200", -1, "Pajak final bunga bank"),
    "other": (None, 0, "Transaksi bank"),
}
_WORD = re.compile(r"[0-9a-z]{3,}")


def matched_ids(coop_id: int):
    """A subquery of the journal lines already matched in the cooperative."""
    return select(BankMatch.journal_line_id).where(BankMatch.cooperative_id == coop_id)


def unmatched_ledger(account: BankAccount, date_from: date | None, date_to: date | None):
    """Unmatched journal lines on the account, with their entries, oldest first."""
    stmt = (
        select(JournalLine, JournalEntry)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(
            JournalLine.cooperative_id == account.cooperative_id,
            JournalLine.account_id == account.ledger_account_id,
            JournalLine.id.not_in(matched_ids(account.cooperative_id)),
        )
        .order_by(JournalLine.entry_date, JournalLine.id)
    )
    if date_from is not None:
        stmt = stmt.where(JournalLine.entry_date >= date_from)
    if date_to is not None:
        stmt = stmt.where(JournalLine.entry_date <= date_to)
    return db.session.execute(stmt).all()


def signed(line: JournalLine) -> int:
    """Money into the bank is +, out is - (as on the statement)."""
    return line.debit - line.credit


def _words(*texts: str) -> set[str]:
    return set(_WORD.findall(" ".join(t or "" for t in texts).casefold()))


def _text_score(line: BankStatementLine, entry: JournalEntry, jl: JournalLine) -> int:
    book = " ".join([entry.memo, entry.number, entry.source_ref, jl.memo]).casefold()
    score = 0
    if line.reference and line.reference.casefold() in book:
        score += 10
    return score + len(_words(line.reference, line.description) & _words(book))


def _mark(line: BankStatementLine, journal_lines: list[JournalLine], status: str, user) -> None:
    for jl in journal_lines:
        db.session.add(
            BankMatch(
                cooperative_id=line.cooperative_id, statement_line_id=line.id, journal_line_id=jl.id
            )
        )
    line.status = status
    line.matched_by_id = getattr(user, "id", user)
    line.matched_at = utcnow()


def auto_match(coop: Cooperative, account: BankAccount, user) -> int:
    """Pair unmatched statement lines with unmatched journal lines of the same amount dated
    within ±3 days; returns how many lines were matched."""
    if account.cooperative_id != coop.id:
        raise NotFound("Rekening bank tidak ditemukan.")
    lines = db.session.scalars(
        select(BankStatementLine)
        .where(
            BankStatementLine.cooperative_id == coop.id,
            BankStatementLine.bank_account_id == account.id,
            BankStatementLine.status == "unmatched",
        )
        .order_by(BankStatementLine.date, BankStatementLine.id)
    ).all()
    if not lines:
        return 0
    window = timedelta(days=WINDOW_DAYS)
    pool = unmatched_ledger(account, lines[0].date - window, lines[-1].date + window)
    by_amount: dict[int, list] = defaultdict(list)
    for jl, entry in pool:
        by_amount[signed(jl)].append((jl, entry))
    used: set[int] = set()
    count = 0
    for line in lines:
        candidates = [
            (jl, entry)
            for jl, entry in by_amount.get(line.amount, [])
            if jl.id not in used and abs((jl.entry_date - line.date).days) <= WINDOW_DAYS
        ]
        if not candidates:
            continue
        jl, _entry = max(
            candidates,
            key=lambda c: (
                _text_score(line, c[1], c[0]),
                -abs((c[0].entry_date - line.date).days),
                -c[0].id,
            ),
        )
        used.add(jl.id)
        _mark(line, [jl], "matched", user)
        count += 1
    db.session.flush()
    if count:
        record("bank.auto_match", user=user, cooperative=coop, target=account.label,
               detail={"matched": count})  # fmt: skip
    return count


def candidates(line: BankStatementLine, *, days: int = 31, limit: int = 100) -> list:
    """Unmatched journal lines on the same side within ``days``: equal amounts first, then
    the nearest dates (for the manual match page)."""
    account = db.session.get(BankAccount, line.bank_account_id)
    rows = unmatched_ledger(
        account, line.date - timedelta(days=days), line.date + timedelta(days=days)
    )
    same_side = [(jl, e) for jl, e in rows if (signed(jl) > 0) == (line.amount > 0)]
    same_side.sort(
        key=lambda r: (signed(r[0]) != line.amount, abs((r[0].entry_date - line.date).days))
    )
    return same_side[:limit]


def _require_unmatched(coop: Cooperative, line: BankStatementLine) -> BankAccount:
    if line.cooperative_id != coop.id:
        raise NotFound("Baris rekening koran tidak ditemukan.")
    if line.status != "unmatched":
        raise DomainError("Baris rekening koran ini sudah dicocokkan; batalkan dulu pencocokannya.")
    return db.session.get(BankAccount, line.bank_account_id)


def match_lines(
    coop: Cooperative, line: BankStatementLine, journal_line_ids: list[int], user
) -> BankStatementLine:
    """Match a statement line with one or several journal lines that sum to its amount."""
    account = _require_unmatched(coop, line)
    ids = sorted({int(i) for i in journal_line_ids})
    if not ids:
        raise ValidationError("Pilih paling sedikit satu baris buku.", field="journal_line")
    chosen = db.session.scalars(
        select(JournalLine).where(
            JournalLine.cooperative_id == coop.id,
            JournalLine.account_id == account.ledger_account_id,
            JournalLine.id.in_(ids),
        )
    ).all()
    if len(chosen) != len(ids):
        raise ValidationError("Baris buku yang dipilih tidak dikenal untuk rekening ini.")
    taken = db.session.scalar(
        select(BankMatch.id).where(
            BankMatch.cooperative_id == coop.id, BankMatch.journal_line_id.in_(ids)
        )
    )
    if taken is not None:
        raise DomainError("Salah satu baris buku sudah dicocokkan dengan baris lain.")
    total = sum(signed(jl) for jl in chosen)
    if total != line.amount:
        raise ValidationError(
            f"Jumlah baris buku yang dipilih {format_rupiah(total)} tidak sama dengan baris "
            f"rekening koran {format_rupiah(line.amount)}.",
            field="journal_line",
        )
    _mark(line, list(chosen), "matched", user)
    db.session.flush()
    record("bank.match", user=user, cooperative=coop, target=f"baris {line.id}",
           detail={"journal_lines": ids})  # fmt: skip
    return line


def unmatch(coop: Cooperative, line: BankStatementLine, user) -> BankStatementLine:
    """Undo a match. A posted charge or interest stays in the books (reverse it in the
    journal if it was wrong); its journal line becomes unmatched and can be matched again."""
    if line.cooperative_id != coop.id:
        raise NotFound("Baris rekening koran tidak ditemukan.")
    if line.status == "unmatched":
        raise DomainError("Baris rekening koran ini belum dicocokkan.")
    for match in list(line.matches):
        db.session.delete(match)
    line.status = "unmatched"
    line.posted_entry_id = None
    line.matched_by_id = None
    line.matched_at = None
    db.session.flush()
    db.session.expire(line, ["matches"])
    record("bank.unmatch", user=user, cooperative=coop, target=f"baris {line.id}")
    return line


def post_from_line(
    coop: Cooperative,
    line: BankStatementLine,
    kind: str,
    user,
    *,
    account_code: str | None = None,
    memo: str = "",
) -> JournalEntry:
    """Post a bank charge (Dr 618100), interest (Cr 418100), final tax on interest (Dr 711200)
    or another income/expense straight from a statement line, matched to it at once."""
    account = _require_unmatched(coop, line)
    if kind not in POST_KINDS:
        raise ValidationError("Pilih jenis transaksi.", field="kind")
    code, sign, label = POST_KINDS[kind]
    if sign and (line.amount > 0) != (sign > 0):
        side = "uang masuk" if sign > 0 else "uang keluar"
        raise ValidationError(f"{label} hanya untuk baris {side}.", field="kind")
    if code is None:
        code = (account_code or "").strip()
        acc = db.session.scalar(
            select(Account).where(Account.cooperative_id == coop.id, Account.code == code)
        )
        if acc is None or acc.type not in ("revenue", "expense") or acc.is_header:
            raise ValidationError("Pilih akun pendapatan atau beban.", field="account")
    amount = abs(line.amount)
    bank = account.ledger_account
    entries = [(bank, amount, 0), (code, 0, amount)]
    if line.amount < 0:
        entries = [(code, amount, 0), (bank, 0, amount)]
    text = (memo or "").strip() or f"{label}: {line.description or account.label}"
    entry = post(coop, line.date, text[:500], entries, source="bank",
                 source_ref=f"bank-line:{line.id}", user=user)  # fmt: skip
    bank_line = db.session.scalar(
        select(JournalLine).where(
            JournalLine.entry_id == entry.id, JournalLine.account_id == bank.id
        )
    )
    _mark(line, [bank_line], "posted", user)
    line.posted_entry_id = entry.id
    db.session.flush()
    return entry
