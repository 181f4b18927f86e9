"""Monthly savings interest: sukarela on the lowest or average daily balance, berjangka
for whole months held, credited to sukarela less the 10% final tax on a member's interest
above Rp240.000 in the month (DESIGN §3.12)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from fractions import Fraction

from sqlalchemy import select

from outlet_pos.core.audit import record
from outlet_pos.core.db import pk
from outlet_pos.core.errors import DomainError
from outlet_pos.core.ledger.services import LineInput
from outlet_pos.core.parties import Member
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import round_half_up
from outlet_pos.units.simpan_pinjam.common import ident, simpin_unit
from outlet_pos.units.simpan_pinjam.models import (
    InterestRun,
    SavingsAccount,
    SavingsTxn,
)
from outlet_pos.units.simpan_pinjam.savings import (
    CHUNK,
    Move,
    account_for,
    apply_moves,
    ensure_products,
)

INTEREST_EXPENSE = "512100"
TAX_PAYABLE = "211600"
TAX_THRESHOLD = 240_000  # Rp240.000 of interest a month (DESIGN §3.12)
TAX_PERCENT = 10


def _month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def interest_basis(account: SavingsAccount, first: date, last: date, basis: str) -> Fraction:
    """Lowest or average end-of-day balance over the month, from the transactions."""
    opening = (
        db.session.scalar(
            select(SavingsTxn.balance_after)
            .where(SavingsTxn.account_id == account.id, SavingsTxn.day < first)
            .order_by(SavingsTxn.day.desc(), SavingsTxn.id.desc())
            .limit(1)
        )
        or 0
    )
    by_day: dict[date, int] = {}
    for day, balance in db.session.execute(
        select(SavingsTxn.day, SavingsTxn.balance_after)
        .where(SavingsTxn.account_id == account.id, SavingsTxn.day >= first, SavingsTxn.day <= last)
        .order_by(SavingsTxn.day, SavingsTxn.id)
    ):
        by_day[day] = balance
    return _basis(opening, by_day, first, last, basis)


def _basis(opening: int, by_day: dict[date, int], first: date, last: date, basis: str) -> Fraction:
    """The month's end-of-day balances (the last transaction of a day sets it, a day without
    one keeps the day before's), lowest or averaged."""
    balances = []
    current = opening
    day = first
    while day <= last:
        current = by_day.get(day, current)
        balances.append(current)
        day += timedelta(days=1)
    if basis == "rata_rata":
        return Fraction(sum(balances), len(balances))
    return Fraction(min(balances))


_TXN = SavingsTxn.__table__
_ACC = SavingsAccount.__table__
EARNING_KINDS = ("sukarela", "berjangka")


def _month_history(
    coop: Cooperative, first: date, last: date
) -> tuple[dict[int, int], dict[int, dict[date, int]]]:
    """For every interest-earning account of the cooperative at once (two statements, not two
    per account): the balance the month opened with, and each day's last running balance."""
    coop_id = pk(coop)
    opening_of = (
        select(_TXN.c.balance_after)
        .where(_TXN.c.account_id == _ACC.c.id, _TXN.c.day < first)
        .order_by(_TXN.c.day.desc(), _TXN.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    openings = {
        account_id: int(balance or 0)
        for account_id, balance in db.session.execute(
            select(_ACC.c.id, opening_of).where(
                _ACC.c.cooperative_id == coop_id, _ACC.c.kind.in_(EARNING_KINDS)
            )
        )
    }
    by_account: dict[int, dict[date, int]] = {}
    for account_id, day, balance in db.session.execute(
        select(_TXN.c.account_id, _TXN.c.day, _TXN.c.balance_after)
        .select_from(_TXN.join(_ACC, _ACC.c.id == _TXN.c.account_id))
        .where(
            _ACC.c.cooperative_id == coop_id,
            _ACC.c.kind.in_(EARNING_KINDS),
            _TXN.c.day >= first,
            _TXN.c.day <= last,
        )
        .order_by(_TXN.c.account_id, _TXN.c.day, _TXN.c.id)
    ):
        by_account.setdefault(account_id, {})[day] = balance
    return openings, by_account


def interest_preview(coop: Cooperative, year: int, month: int) -> list[dict]:
    """Per member: the interest each account earned in the month and the tax withheld."""
    first, last = _month_bounds(year, month)
    products = {p.id: p for p in ensure_products(coop).values()}
    accounts = db.session.scalars(
        select(SavingsAccount)
        .where(
            SavingsAccount.cooperative_id == coop.id,
            SavingsAccount.kind.in_(EARNING_KINDS),
        )
        .order_by(SavingsAccount.member_id, SavingsAccount.id)
    ).all()
    openings, history = _month_history(coop, first, last)
    per_member: dict[int, dict] = {}
    for account in accounts:
        # Sukarela pays the product's current rate; a berjangka placement keeps its own.
        product = products[account.product_id]
        rate = Fraction(account.annual_rate if account.kind == "berjangka" else product.annual_rate)
        if rate == 0:
            continue
        opening, by_day = openings.get(account.id, 0), history.get(account.id, {})
        if account.kind == "berjangka":
            # Earned for whole months held: opened before the month, not closed within it.
            if account.opened_on >= first or (account.closed_on and account.closed_on <= last):
                continue
            base = _basis(opening, by_day, first, last, "terendah")
        else:
            base = _basis(opening, by_day, first, last, product.interest_basis)
        interest = round_half_up(base * rate / 1200)
        if interest <= 0:
            continue
        row = per_member.setdefault(
            account.member_id, {"member_id": account.member_id, "accounts": [], "interest": 0}
        )
        row["accounts"].append((account, interest))
        row["interest"] += interest
    for row in per_member.values():
        row["tax"] = (
            round_half_up(Fraction(row["interest"] * TAX_PERCENT, 100))
            if row["interest"] > TAX_THRESHOLD
            else 0
        )
    return list(per_member.values())


def _sukarela_accounts(coop: Cooperative, member_ids: list[int]) -> dict[int, SavingsAccount]:
    """Each member's sukarela account, as ``account_for`` finds it, for many members in a few
    statements; a member without one is missing from the answer (``account_for`` opens it)."""
    found: dict[int, SavingsAccount] = {}
    for start in range(0, len(member_ids), CHUNK):
        for account in db.session.scalars(
            select(SavingsAccount)
            .where(
                SavingsAccount.cooperative_id == pk(coop),
                SavingsAccount.member_id.in_(member_ids[start : start + CHUNK]),
                SavingsAccount.kind == "sukarela",
            )
            .order_by(SavingsAccount.id)
        ):
            found.setdefault(account.member_id, account)
    return found


def credit_interest(coop: Cooperative, year: int, month: int, user) -> InterestRun:
    """Credit a finished month's savings interest into each member's sukarela account, less
    the 10% final tax where the member's interest that month is above Rp240.000. Once per
    month: a second run is refused."""
    first, last = _month_bounds(year, month)
    if last >= coop.today():
        raise DomainError("Bunga dihitung setelah bulan berakhir.")
    if db.session.scalar(
        select(InterestRun.id).where(
            InterestRun.cooperative_id == coop.id,
            InterestRun.year == year,
            InterestRun.month == month,
        )
    ):
        raise DomainError(f"Bunga simpanan {month:02d}/{year} sudah dibukukan.")
    rows = interest_preview(coop, year, month)
    run = InterestRun(cooperative_id=coop.id, year=year, month=month, user_id=ident(user))
    db.session.add(run)
    if rows:
        moves: list[Move] = []
        total = tax_total = 0
        targets = _sukarela_accounts(coop, [row["member_id"] for row in rows])
        for row in rows:
            target = targets.get(row["member_id"])
            if target is None:
                target = account_for(coop, db.session.get(Member, row["member_id"]), "sukarela")
            for account, interest in row["accounts"]:
                moves.append(
                    Move(target, interest, "bunga", f"Bunga {account.number} {month:02d}/{year}")
                )
            if row["tax"]:
                moves.append(
                    Move(target, -row["tax"], "pajak", f"PPh final 10% bunga {month:02d}/{year}")
                )
            total += row["interest"]
            tax_total += row["tax"]
        unit = simpin_unit(coop)
        other = [LineInput(INTEREST_EXPENSE, total, 0, unit, None)]
        if tax_total:
            # Interest credited and tax withheld in one entry: Dr expense; Cr savings (net of
            # the tax moves); Cr tax payable.
            other.append(
                LineInput(TAX_PAYABLE, 0, tax_total, unit, None, "PPh final bunga simpanan")
            )
        entry_moves = _net_moves(moves)
        txns = apply_moves(
            coop,
            last,
            f"Bunga simpanan {month:02d}/{year}",
            entry_moves,
            other,
            user=user,
            unit=unit,
        )
        run.entry_id = txns[0].entry_id
        # The per-account detail (interest and tax as separate lines in the passbook).
        _split_txns(txns, moves)
        run.interest, run.tax = total, tax_total
    db.session.flush()
    record(
        "simpin.interest",
        user=user,
        cooperative=coop,
        target=f"{month:02d}/{year}",
        detail={"interest": run.interest, "tax": run.tax, "members": len(rows)},
    )
    return run


def _net_moves(moves: list[Move]) -> list[Move]:
    """One move per account, so the entry has one line per member account."""
    net: dict[int, Move] = {}
    for move in moves:
        account_id = pk(move.account)
        if account_id in net:
            net[account_id].amount += move.amount
        else:
            net[account_id] = Move(move.account, move.amount, "bunga", move.memo)
    return [m for m in net.values() if m.amount]


def _split_txns(txns: list[SavingsTxn], moves: list[Move]) -> None:
    """Replace each netted interest transaction by its parts (interest per source account,
    then the tax), keeping running balances exact, so a passbook shows both."""
    by_account = {t.account_id: t for t in txns}
    parts_of: dict[int, list[Move]] = {}
    for move in moves:  # grouped once: a scan of all moves per account is quadratic
        parts_of.setdefault(pk(move.account), []).append(move)
    for account_id, txn in by_account.items():
        parts = parts_of.get(account_id, [])
        if len(parts) <= 1:
            continue
        balance = txn.balance_after - txn.amount
        first = True
        for part in parts:
            balance += part.amount
            if first:
                txn.amount, txn.kind, txn.memo, txn.balance_after = (
                    part.amount,
                    part.kind,
                    part.memo,
                    balance,
                )
                first = False
            else:
                db.session.add(
                    SavingsTxn(
                        cooperative_id=txn.cooperative_id,
                        account_id=account_id,
                        day=txn.day,
                        kind=part.kind,
                        amount=part.amount,
                        balance_after=balance,
                        memo=part.memo,
                        entry_id=txn.entry_id,
                        user_id=txn.user_id,
                    )
                )
    db.session.flush()
