"""Closed months' movements (``PeriodBalance``), and sums that read them.

``movement`` answers "debit - credit per account (and unit) between two dates" from the
snapshots of closed months wholly inside the range plus the journal lines of the days not
covered, read per account through the (cooperative, account, date) index. With months closed
as they end, a statement over a year of a million lines reads twelve small snapshots and a
few weeks of lines.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import and_, delete, func, insert, select

from outlet_pos.core.ledger.models import Account, JournalLine, PeriodBalance
from outlet_pos.extensions import db

CASH_PREFIXES = ("111", "112")  # kas, kas kecil, bank, kliring QRIS/transfer
EPOCH = date(1900, 1, 1)


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def account_ids(coop_id: int) -> list[int]:
    return list(db.session.scalars(select(Account.id).where(Account.cooperative_id == coop_id)))


def cash_ids(coop_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(Account.id).where(
                Account.cooperative_id == coop_id,
                Account.is_header.is_(False),
                func.substr(Account.code, 1, 3).in_(CASH_PREFIXES),
            )
        )
    )


def _line_sums(
    coop_id: int, ids: list[int], lo: date, hi: date, by_unit: bool, unit_id: int | None = None
) -> dict:
    keys = [JournalLine.account_id] + ([JournalLine.unit_id] if by_unit else [])
    conds = [
        JournalLine.cooperative_id == coop_id,
        JournalLine.account_id.in_(ids),
        JournalLine.entry_date >= lo,
        JournalLine.entry_date <= hi,
    ]
    if unit_id is not None:
        conds.append(JournalLine.unit_id == unit_id)
    rows = db.session.execute(
        select(*keys, func.sum(JournalLine.debit), func.sum(JournalLine.credit))
        .where(*conds)
        .group_by(*keys)
    )
    return {tuple(r[:-2]) if by_unit else r[0]: (int(r[-2]), int(r[-1])) for r in rows}


def _cash_counter_sums(coop_id: int, lo: date, hi: date, cash: list[int], by_unit: bool) -> dict:
    """credit - debit of non-cash lines in entries that touch a cash account, in the range.

    Both halves name their accounts (IN, not NOT IN), so each reads per-account ranges of
    the covering (cooperative, account, date, ..., entry) index and never the table."""
    if not cash:
        return {}
    cash_set = set(cash)
    others = [a for a in account_ids(coop_id) if a not in cash_set]
    if not others:
        return {}
    keys = [JournalLine.account_id] + ([JournalLine.unit_id] if by_unit else [])
    in_range = and_(
        JournalLine.cooperative_id == coop_id,
        JournalLine.entry_date >= lo,
        JournalLine.entry_date <= hi,
    )
    touching = select(JournalLine.entry_id).where(in_range, JournalLine.account_id.in_(cash))
    rows = db.session.execute(
        select(*keys, func.sum(JournalLine.credit) - func.sum(JournalLine.debit))
        .where(in_range, JournalLine.account_id.in_(others), JournalLine.entry_id.in_(touching))
        .group_by(*keys)
    )
    return {tuple(r[:-1]) if by_unit else r[0]: int(r[-1]) for r in rows}


def write_snapshot(coop_id: int, year: int, month: int) -> int:
    """(Re)write a month's rows from its lines (flush only); returns the rows written."""
    drop_snapshot(coop_id, year, month)
    lo, hi = month_bounds(year, month)
    sums = _line_sums(coop_id, account_ids(coop_id), lo, hi, by_unit=True)
    counters = _cash_counter_sums(coop_id, lo, hi, cash_ids(coop_id), by_unit=True)
    rows = [
        {
            "cooperative_id": coop_id,
            "year": year,
            "month": month,
            "account_id": account_id,
            "unit_id": unit_id,
            "debit": debit,
            "credit": credit,
            "cash_counter": counters.get((account_id, unit_id), 0),
        }
        for (account_id, unit_id), (debit, credit) in sorted(
            sums.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)
        )
    ]
    if rows:
        db.session.execute(insert(PeriodBalance), rows)
    return len(rows)


def drop_snapshot(coop_id: int, year: int, month: int) -> None:
    db.session.execute(
        delete(PeriodBalance).where(
            PeriodBalance.cooperative_id == coop_id,
            PeriodBalance.year == year,
            PeriodBalance.month == month,
        )
    )


def _covered(coop_id: int) -> set[tuple[int, int]]:
    return {
        (y, m)
        for y, m in db.session.execute(
            select(PeriodBalance.year, PeriodBalance.month)
            .where(PeriodBalance.cooperative_id == coop_id)
            .distinct()
        )
    }


def _split(
    coop_id: int, lo: date, hi: date
) -> tuple[list[tuple[int, int]], list[tuple[date, date]]]:
    """Closed months wholly inside [lo, hi] with snapshots, and the date segments left over."""
    covered = _covered(coop_id)
    months, segments = [], []
    start = lo
    # Walk only the covered months inside the range (a ledger's first posting bounds them).
    for y, m in sorted(covered):
        first, last = month_bounds(y, m)
        if first < lo or last > hi:
            continue
        months.append((y, m))
        if start < first:
            segments.append((start, first - timedelta(days=1)))
        start = last + timedelta(days=1)
    if start <= hi:
        segments.append((start, hi))
    return months, segments


def _snapshot_sums(
    coop_id: int,
    months: list[tuple[int, int]],
    by_unit: bool,
    column: str,
    unit_id: int | None = None,
):
    """Sums of the closed months' rows per account (and unit): ``movement`` (debit -
    credit), ``cash_counter``, or ``sides`` (debit and credit apart, for the trial balance)."""
    if not months:
        return []
    keys = [PeriodBalance.account_id] + ([PeriodBalance.unit_id] if by_unit else [])
    month_key = PeriodBalance.year * 100 + PeriodBalance.month
    if column == "cash_counter":
        amounts = [func.sum(PeriodBalance.cash_counter)]
    elif column == "sides":
        amounts = [func.sum(PeriodBalance.debit), func.sum(PeriodBalance.credit)]
    else:
        amounts = [func.sum(PeriodBalance.debit) - func.sum(PeriodBalance.credit)]
    conds = [
        PeriodBalance.cooperative_id == coop_id,
        month_key.in_([y * 100 + m for y, m in months]),
    ]
    if unit_id is not None:
        conds.append(PeriodBalance.unit_id == unit_id)
    return db.session.execute(select(*keys, *amounts).where(*conds).group_by(*keys)).all()


def movement(
    coop_id: int,
    lo: date | None,
    hi: date,
    *,
    by_unit: bool = False,
    accounts: list[int] | None = None,
) -> dict:
    """debit - credit per account id (or (account id, unit id)) for lines dated lo..hi;
    ``accounts`` limits the lines read (an income statement needs only revenue and costs)."""
    lo = lo or EPOCH
    if hi < lo:
        return defaultdict(int)
    return _consistent(coop_id, lambda: _movement(coop_id, lo, hi, by_unit, accounts))


def _consistent(coop_id: int, compute):
    """Run ``compute`` until the set of closed months did not change while it ran. On
    PostgreSQL (READ COMMITTED) each statement sees the latest commit: a month reopened between
    reading which months are covered and reading their totals would otherwise be lost."""
    for _ in range(5):
        before = _covered(coop_id)
        result = compute()
        if _covered(coop_id) == before:
            return result
    return compute()


def _movement(coop_id: int, lo: date, hi: date, by_unit: bool, accounts: list[int] | None) -> dict:
    out: dict = defaultdict(int)
    months, segments = _split(coop_id, lo, hi)
    wanted = set(accounts) if accounts is not None else None
    for row in _snapshot_sums(coop_id, months, by_unit, "movement"):
        if wanted is None or row[0] in wanted:
            out[tuple(row[:-1]) if by_unit else row[0]] += int(row[-1])
    ids = (accounts if accounts is not None else account_ids(coop_id)) if segments else []
    for seg_lo, seg_hi in segments:
        for key, (debit, credit) in _line_sums(coop_id, ids, seg_lo, seg_hi, by_unit).items():
            out[key] += debit - credit
    return out


def debit_credit(
    coop_id: int, lo: date | None, hi: date, *, unit_id: int | None = None
) -> dict[int, tuple[int, int]]:
    """Debit and credit totals per account id for lines dated lo..hi (of one business unit
    when ``unit_id`` is given), closed months read from their snapshot: the trial balance
    shows both sides, which ``movement``'s net does not keep."""
    lo = lo or EPOCH
    if hi < lo:
        return {}
    return _consistent(coop_id, lambda: _debit_credit(coop_id, lo, hi, unit_id))


def _debit_credit(coop_id: int, lo: date, hi: date, unit_id: int | None) -> dict:
    out: dict[int, tuple[int, int]] = {}
    months, segments = _split(coop_id, lo, hi)
    for account_id, debit, credit in _snapshot_sums(coop_id, months, False, "sides", unit_id):
        out[account_id] = (int(debit), int(credit))
    ids = account_ids(coop_id) if segments else []
    for seg_lo, seg_hi in segments:
        for account_id, (debit, credit) in _line_sums(
            coop_id, ids, seg_lo, seg_hi, False, unit_id
        ).items():
            d, c = out.get(account_id, (0, 0))
            out[account_id] = (d + debit, c + credit)
    return out


def cash_counter_movement(coop_id: int, lo: date, hi: date) -> dict[int, int]:
    """credit - debit per non-cash account of entries touching cash, lines dated lo..hi."""
    return _consistent(coop_id, lambda: _cash_counter_movement(coop_id, lo, hi))


def _cash_counter_movement(coop_id: int, lo: date, hi: date) -> dict[int, int]:
    out: dict[int, int] = defaultdict(int)
    months, segments = _split(coop_id, lo, hi)
    for account_id, amount in _snapshot_sums(coop_id, months, False, "cash_counter"):
        out[account_id] += int(amount)
    cash = cash_ids(coop_id)
    for seg_lo, seg_hi in segments:
        for account_id, amount in _cash_counter_sums(coop_id, seg_lo, seg_hi, cash, False).items():
            out[account_id] += amount
    return out


def check_snapshots(coop) -> list[str]:
    """``outlet-pos verify``: every closed month's snapshot equals its lines recomputed."""
    problems = []
    ids = account_ids(coop.id)
    cash = cash_ids(coop.id)
    for y, m in sorted(_covered(coop.id)):
        lo, hi = month_bounds(y, m)
        fresh = _line_sums(coop.id, ids, lo, hi, by_unit=True)
        counters = _cash_counter_sums(coop.id, lo, hi, cash, by_unit=True)
        stored = {
            (r.account_id, r.unit_id): (r.debit, r.credit, r.cash_counter)
            for r in db.session.scalars(
                select(PeriodBalance).where(
                    PeriodBalance.cooperative_id == coop.id,
                    PeriodBalance.year == y,
                    PeriodBalance.month == m,
                )
            )
        }
        expected = {k: (d, c, counters.get(k, 0)) for k, (d, c) in fresh.items()}
        if stored != expected:
            problems.append(f"saldo bulan {m:02d}/{y} tidak sama dengan jurnalnya")
    return problems


def operating_movement(
    coop_id: int,
    lo: date | None,
    hi: date,
    *,
    by_unit: bool = False,
    accounts: list[int] | None = None,
) -> dict:
    """``movement`` without the year-end closing entries (``source="closing"``).

    The close empties every revenue and cost account into SHU on the fiscal year's last day;
    a month's sales, a unit's margin or a year's flows must not see that entry, or the last
    month of every closed year would show the whole year's revenue as negative.
    """
    from outlet_pos.core.ledger.models import JournalEntry

    out = movement(coop_id, lo, hi, by_unit=by_unit, accounts=accounts)
    closing = select(JournalEntry.id).where(
        JournalEntry.cooperative_id == coop_id,
        JournalEntry.source == "closing",
        JournalEntry.date >= (lo or EPOCH),
        JournalEntry.date <= hi,
    )
    keys = [JournalLine.account_id, *([JournalLine.unit_id] if by_unit else [])]
    query = select(*keys, func.sum(JournalLine.debit) - func.sum(JournalLine.credit)).where(
        JournalLine.cooperative_id == coop_id, JournalLine.entry_id.in_(closing)
    )
    if accounts is not None:
        query = query.where(JournalLine.account_id.in_(accounts))
    for row in db.session.execute(query.group_by(*keys)):
        key = tuple(row[:-1]) if by_unit else row[0]
        out[key] -= int(row[-1])
    return out
