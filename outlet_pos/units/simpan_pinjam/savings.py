"""Simpanan: pokok on joining, wajib every month, sukarela any time, berjangka for a term.

Each account's ``balance`` is the member subledger of its control account (DESIGN §3.1) and
changes only here, in the same transaction as the journal entry that moves the money; cash
moves inside the cashier's open shift so the drawer count stays true.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import bindparam, func, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import NoResultFound

from outlet_pos.core.audit import record
from outlet_pos.core.db import Prepared, lock_for_update, pk
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.ledger.services import LineInput, post
from outlet_pos.core.parties import Member
from outlet_pos.core.sales.models import Shift
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah
from outlet_pos.units.simpan_pinjam.common import (
    autoflushed,
    check_amount,
    counter_side,
    ident,
    simpin_unit,
)
from outlet_pos.units.simpan_pinjam.models import (
    SAVINGS_ACCOUNTS,
    SAVINGS_KINDS,
    SavingsAccount,
    SavingsProduct,
    SavingsTxn,
)
from outlet_pos.units.simpan_pinjam.schedule import parse_rate

DEFAULT_PRODUCTS = [
    # code, name, kind, rate, basis, term, early penalty %
    ("POKOK", "Simpanan Pokok", "pokok", "0", "terendah", 0, "0"),
    ("WAJIB", "Simpanan Wajib", "wajib", "0", "terendah", 0, "0"),
    ("SUKARELA", "Simpanan Sukarela", "sukarela", "3", "terendah", 0, "0"),
    ("BJ06", "Simpanan Berjangka 6 bulan", "berjangka", "5", "terendah", 6, "1"),
    ("BJ12", "Simpanan Berjangka 12 bulan", "berjangka", "6", "terendah", 12, "1"),
]


def ensure_products(coop: Cooperative) -> dict[str, SavingsProduct]:
    """The cooperative's savings products, seeding the standard five on first use."""
    rows = {
        p.code: p
        for p in db.session.scalars(
            select(SavingsProduct).where(SavingsProduct.cooperative_id == coop.id)
        )
    }
    if not rows:
        for code, name, kind, rate, basis, term, penalty in DEFAULT_PRODUCTS:
            rows[code] = SavingsProduct(
                cooperative_id=coop.id,
                code=code,
                name=name,
                kind=kind,
                annual_rate=Decimal(rate),
                interest_basis=basis,
                term_months=term,
                early_penalty_percent=Decimal(penalty),
            )
            db.session.add(rows[code])
        db.session.flush()
    return rows


def product_for(coop: Cooperative, kind: str) -> SavingsProduct:
    products = ensure_products(coop)
    for product in products.values():
        if product.kind == kind and product.active:
            return product
    raise DomainError(f"Produk {SAVINGS_KINDS.get(kind, kind)} belum ada.")


def save_product(
    coop: Cooperative,
    user,
    *,
    code: str,
    name: str,
    kind: str,
    annual_rate: str,
    interest_basis: str = "terendah",
    term_months: int = 0,
    early_penalty_percent: str = "0",
    product: SavingsProduct | None = None,
) -> SavingsProduct:
    code, name = (code or "").strip().upper(), (name or "").strip()
    if not code or len(code) > 20:
        raise ValidationError("Kode produk wajib diisi (maks. 20 karakter).", field="code")
    if not name:
        raise ValidationError("Nama produk wajib diisi.", field="name")
    if kind not in SAVINGS_KINDS:
        raise ValidationError("Jenis simpanan tidak dikenal.", field="kind")
    rate = parse_rate(annual_rate)
    if not Decimal(0) <= rate <= Decimal(50):
        raise ValidationError("Bunga simpanan harus 0–50 persen setahun.", field="annual_rate")
    penalty = parse_rate(early_penalty_percent)
    if not Decimal(0) <= penalty <= Decimal(100):
        raise ValidationError("Penalti harus 0–100 persen.", field="early_penalty_percent")
    if kind == "berjangka" and not 1 <= term_months <= 120:
        raise ValidationError("Jangka simpanan berjangka 1–120 bulan.", field="term_months")
    if interest_basis not in ("terendah", "rata_rata"):
        raise ValidationError("Dasar bunga tidak dikenal.", field="interest_basis")
    clash = db.session.scalar(
        select(SavingsProduct.id).where(
            SavingsProduct.cooperative_id == coop.id, SavingsProduct.code == code
        )
    )
    if clash and (product is None or clash != product.id):
        raise ValidationError(f"Kode {code} sudah dipakai.", field="code")
    if product is None:
        product = SavingsProduct(cooperative_id=coop.id, kind=kind)
        db.session.add(product)
    elif product.kind != kind:
        raise ValidationError("Jenis produk yang sudah dipakai tidak dapat diubah.", field="kind")
    product.code, product.name = code, name
    product.annual_rate, product.interest_basis = rate, interest_basis
    product.term_months = term_months if kind == "berjangka" else 0
    product.early_penalty_percent = penalty
    db.session.flush()
    record("simpin.product", user=user, cooperative=coop, target=code, detail={"rate": str(rate)})
    return product


def account_for(coop: Cooperative, member: Member, kind: str) -> SavingsAccount:
    """The member's one pokok, wajib or sukarela account, opened on first use."""
    if kind not in ("pokok", "wajib", "sukarela"):
        raise ValueError(kind)
    find = select(SavingsAccount).where(
        SavingsAccount.cooperative_id == coop.id,
        SavingsAccount.member_id == member.id,
        SavingsAccount.kind == kind,
    )
    account = db.session.scalar(find)
    if account is None:
        # Two counters taking a member's first deposit at once (found by bench/soak.py): the
        # row to lock does not exist yet, so lock the member and look again; the second waits
        # and finds the first's account instead of failing on its unique number.
        db.session.execute(lock_for_update(select(Member.id).where(Member.id == member.id)))
        account = db.session.scalar(find)
    if account is None:
        product = product_for(coop, kind)
        account = SavingsAccount(
            cooperative_id=coop.id,
            member_id=member.id,
            product_id=product.id,
            number=f"{product.code[:3]}-{member.member_number}",
            kind=kind,
            balance=0,
            opened_on=coop.today(),
            annual_rate=product.annual_rate,
        )
        db.session.add(account)
        db.session.flush()
    return account


def member_accounts(coop: Cooperative, member: Member) -> list[SavingsAccount]:
    return list(
        db.session.scalars(
            select(SavingsAccount)
            .where(SavingsAccount.cooperative_id == coop.id, SavingsAccount.member_id == member.id)
            .order_by(SavingsAccount.id)
        )
    )


def _lock(account: SavingsAccount) -> SavingsAccount:
    return db.session.execute(
        lock_for_update(
            select(SavingsAccount).where(SavingsAccount.id == pk(account))
        ).execution_options(populate_existing=True)
    ).scalar_one()


# Accounts locked or read per statement: an IN list of this many ids stays far below every
# driver's parameter limit (SQLite's is 32766, old builds 999) while the interest run over
# thousands of members still takes a handful of statements instead of one per member.
CHUNK = 500


def _lock_accounts(ids: list[int]) -> dict[int, SavingsAccount]:
    """Lock the accounts (ascending ids, so two writers never wait on each other in a cycle)
    and reload them: one statement per ``CHUNK`` accounts rather than one per account."""
    if len(ids) == 1:
        return {ids[0]: _lock(ids[0])}
    locked: dict[int, SavingsAccount] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = db.session.scalars(
            lock_for_update(
                select(SavingsAccount)
                .where(SavingsAccount.id.in_(chunk))
                .order_by(SavingsAccount.id)
            ).execution_options(populate_existing=True)
        )
        locked.update((a.id, a) for a in rows)
        if len(locked) != start + len(chunk):
            raise NoResultFound("Rekening simpanan tidak ditemukan.")
    return locked


def _existing(coop: Cooperative, key: str | None) -> SavingsTxn | None:
    if not key:
        return None
    return db.session.scalar(
        select(SavingsTxn).where(
            SavingsTxn.cooperative_id == pk(coop), SavingsTxn.idempotency_key == key
        )
    )


@dataclass
class Move:
    """One change to one account inside a larger entry."""

    account: SavingsAccount
    amount: int  # + into the account, - out of it
    kind: str
    memo: str = ""
    period: str | None = None


_TXN = SavingsTxn.__table__
_ACC = SavingsAccount.__table__
_UNSET = object()


class _Q:
    """Prebuilt statements for the counter's hot path (``Prepared``: compiled once per
    dialect, run straight on the DBAPI cursor); ``autoflushed`` gives them the connection."""

    _day = bindparam("day")
    # Per account: the running balance at the end of ``day`` and the lowest one after it,
    # both read through the (account_id, day, id) index, for any number of accounts at once.
    balances = Prepared(
        select(
            _ACC.c.id,
            select(_TXN.c.balance_after)
            .where(_TXN.c.account_id == _ACC.c.id, _TXN.c.day <= _day)
            .order_by(_TXN.c.day.desc(), _TXN.c.id.desc())
            .limit(1)
            .scalar_subquery()
            .label("base"),
            select(func.min(_TXN.c.balance_after))
            .where(_TXN.c.account_id == _ACC.c.id, _TXN.c.day > _day)
            .scalar_subquery()
            .label("later"),
        ).where(_ACC.c.id.in_(bindparam("ids", expanding=True)))
    )
    # A back-dated move shifts the running balances after its day (one executemany).
    shift_later = (
        update(_TXN)
        .where(_TXN.c.account_id == bindparam("acct"), _TXN.c.day > bindparam("after"))
        .values(balance_after=_TXN.c.balance_after + bindparam("shift_by"))
    )


def _balances_on(ids: list[int], day: date) -> dict[int, tuple[int, int | None]]:
    """``_balance_on`` for many accounts: one statement per ``CHUNK`` accounts."""
    conn = autoflushed()
    out: dict[int, tuple[int, int | None]] = {}
    for start in range(0, len(ids), CHUNK):
        for row in _Q.balances.rows(conn, {"ids": ids[start : start + CHUNK], "day": day}):
            out[row.id] = (int(row.base or 0), None if row.later is None else int(row.later))
    return out


def apply_moves(
    coop: Cooperative,
    day: date,
    memo: str,
    moves: list[Move],
    other_lines: list[LineInput],
    *,
    user,
    shift: Shift | None = None,
    idempotency_key: str | None = None,
    source: str = "savings",
    unit=_UNSET,
) -> list[SavingsTxn]:
    """Post one entry that moves several savings accounts and the given other lines, and
    record a transaction per account. Accounts are locked in id order (no deadlocks), balances
    re-read after the lock, and none may go below zero.

    ``unit`` is the simpan pinjam unit when the caller has already looked it up. Locks and
    balance reads are batched (a few statements for the whole month's interest run, not a
    handful per member) and everything is written in one flush at the end."""
    if unit is _UNSET:
        unit = simpin_unit(coop)
    ids = sorted({pk(m.account) for m in moves})
    locked = _lock_accounts(ids) if ids else {}
    # Read once after the locks: nothing else writes these accounts' history until commit.
    balances = _balances_on(ids, day) if ids else {}
    lines = list(other_lines)
    # Moves of one account in this entry count together: two withdrawals must both fit.
    moved: dict[int, int] = {}
    for move in moves:
        account = locked[pk(move.account)]
        if account.status != "aktif":
            raise DomainError(f"Rekening {account.number} sudah ditutup.")
        before = moved.get(account.id, 0)
        moved[account.id] = after = before + move.amount
        if account.balance + after < 0:
            raise DomainError(
                f"Saldo {account.number} hanya {format_rupiah(account.balance + before)}; "
                f"tidak cukup untuk {format_rupiah(-move.amount)}."
            )
        base, later_min = balances[account.id]
        if base + after < 0 or (later_min is not None and later_min + after < 0):
            raise DomainError(
                f"Saldo {account.number} pada {day:%d-%m-%Y} hanya {format_rupiah(base)}; "
                f"tidak cukup untuk {format_rupiah(-move.amount)}."
            )
        code = SAVINGS_ACCOUNTS[account.kind]
        debit, credit = (0, move.amount) if move.amount > 0 else (-move.amount, 0)
        lines.append(LineInput(code, debit, credit, unit, account.member_id, account.number))
    user_id = ident(user)
    entry = post(
        coop,
        day,
        memo,
        lines,
        source=source,
        source_ref=locked[pk(moves[0].account)].number if moves else "",
        unit=unit,
        user=user_id,
        shift=shift,
    )
    shift_id = ident(shift)
    txns = []
    later_shifts = []
    # The running balance at the end of ``day`` per account, as each new transaction (dated
    # ``day``, the newest of that day) leaves it for the next move of the same account.
    running = {account_id: base for account_id, (base, _) in balances.items()}
    for move in moves:
        account = locked[pk(move.account)]
        account.balance += move.amount
        # Opened on first use, which may be back-dated (a member's joining day, a late book).
        account.opened_on = min(account.opened_on, day)
        # A back-dated transaction (a collector's book entered late, interest dated at month
        # end) goes into the history at its date: later running balances shift with it.
        if balances[account.id][1] is not None:
            later_shifts.append({"acct": account.id, "after": day, "shift_by": move.amount})
        base = running[account.id]
        running[account.id] = base + move.amount
        txn = SavingsTxn(
            cooperative_id=pk(coop),
            account_id=account.id,
            day=day,
            kind=move.kind,
            amount=move.amount,
            balance_after=base + move.amount,
            memo=(move.memo or memo)[:200],
            entry_id=entry.id,
            shift_id=shift_id,
            user_id=user_id,
            period=move.period,
            idempotency_key=idempotency_key if not txns else None,
        )
        txns.append(txn)
    if later_shifts:
        db.session.connection().execute(_Q.shift_later, later_shifts)
    db.session.add_all(txns)
    db.session.flush()
    return txns


def _balance_on(account_id: int, day: date) -> tuple[int, int | None]:
    """The running balance at the end of ``day`` and the lowest one after it (None if none)."""
    return _balances_on([account_id], day)[account_id]


def _require_active_member(coop: Cooperative, member_id: int) -> Member:
    member = db.session.get(Member, member_id)
    if member is None or member.cooperative_id != coop.id:
        raise DomainError("Anggota tidak ditemukan.")
    if member.status != "aktif":
        raise DomainError(f"{member.name} bukan anggota aktif lagi.")
    return member


def _refresh_with_member(account: SavingsAccount) -> None:
    """Reload an account expired by an earlier commit together with its member, in one read
    instead of two (the service reads both before anything else). A loaded account is left
    as it is, exactly as before: nothing is read that the plain attribute access would not."""
    state = sa_inspect(account)
    if state.persistent and "member_id" in state.unloaded:
        db.session.execute(
            select(SavingsAccount, Member)
            .join(Member, Member.id == SavingsAccount.member_id)
            .where(SavingsAccount.id == pk(account))
        ).all()


def _account_member(coop: Cooperative, account: SavingsAccount) -> Member:
    """The account's member, who must be active (one read for both when they are stale)."""
    _refresh_with_member(account)
    return _require_active_member(coop, account.member_id)


def deposit(
    coop: Cooperative,
    account: SavingsAccount,
    amount: int,
    user,
    *,
    via: str = "tunai",
    shift: Shift | None = None,
    day: date | None = None,
    idempotency_key: str | None = None,
    period: str | None = None,
    memo: str = "",
) -> SavingsTxn:
    """Money into a savings account, from the drawer or the bank."""
    if (done := _existing(coop, idempotency_key)) is not None:
        return done
    check_amount(amount)
    day = day or coop.today()
    member = _account_member(coop, account)
    if account.kind == "pokok":
        due = coop.simpanan_pokok_amount - account.balance
        if due <= 0:
            raise DomainError("Simpanan pokok anggota ini sudah lunas.")
        if amount > due:
            raise ValidationError(
                f"Simpanan pokok tinggal {format_rupiah(due)}; jumlah melebihi.", field="amount"
            )
    if account.kind == "berjangka":
        raise DomainError("Simpanan berjangka tidak dapat ditambah; buka bilyet baru.")
    counter, shift = counter_side(coop, via, shift, user)
    label = SAVINGS_KINDS[account.kind]
    text = memo or f"Setoran {label.lower()} {member.member_number} {member.name}"
    unit = simpin_unit(coop)
    txns = apply_moves(
        coop,
        day,
        text[:500],
        [Move(account, amount, "setor", period=period)],
        [LineInput(counter, amount, 0, unit, None)],
        user=user,
        shift=shift,
        idempotency_key=idempotency_key,
        unit=unit,
    )
    return txns[0]


def _drawer_has(shift: Shift | None, amount: int) -> None:
    if shift is None:
        return
    from outlet_pos.core.sales.shifts import expected_cash

    cash = expected_cash(shift)
    if amount > cash:
        raise DomainError(
            f"Kas di laci hanya {format_rupiah(cash)}; tidak cukup untuk membayar "
            f"{format_rupiah(amount)}."
        )


def withdraw(
    coop: Cooperative,
    account: SavingsAccount,
    amount: int,
    user,
    *,
    via: str = "tunai",
    shift: Shift | None = None,
    day: date | None = None,
    idempotency_key: str | None = None,
    memo: str = "",
) -> SavingsTxn:
    """Money out of a sukarela account. Pokok and wajib stay while the member stays
    (DESIGN §3.3); berjangka is closed with ``close_term_deposit``."""
    if (done := _existing(coop, idempotency_key)) is not None:
        return done
    check_amount(amount)
    day = day or coop.today()
    _refresh_with_member(account)
    member = db.session.get(Member, account.member_id)
    if account.kind in ("pokok", "wajib"):
        if member.status == "aktif":
            raise DomainError(
                "Simpanan pokok dan wajib tidak dapat ditarik selama masih menjadi anggota."
            )
    if account.kind == "berjangka":
        raise DomainError("Simpanan berjangka dicairkan lewat penutupan bilyet.")
    if amount > account.balance:
        raise DomainError(
            f"Saldo {account.number} hanya {format_rupiah(account.balance)}; penarikan "
            f"{format_rupiah(amount)} ditolak."
        )
    counter, shift = counter_side(coop, via, shift, user)
    _drawer_has(shift, amount)
    text = memo or f"Penarikan {SAVINGS_KINDS[account.kind].lower()} {member.member_number}"
    unit = simpin_unit(coop)
    return apply_moves(
        coop,
        day,
        text[:500],
        [Move(account, -amount, "tarik")],
        [LineInput(counter, 0, amount, unit, None)],
        user=user,
        shift=shift,
        idempotency_key=idempotency_key,
        unit=unit,
    )[0]


# --- statements -----------------------------------------------------------------------------


def statement(
    account: SavingsAccount, date_from: date | None, date_to: date | None
) -> tuple[int, list[SavingsTxn], int]:
    """Opening balance, the transactions in the period, closing balance."""
    opening = 0
    if date_from is not None:
        opening = (
            db.session.scalar(
                select(SavingsTxn.balance_after)
                .where(SavingsTxn.account_id == account.id, SavingsTxn.day < date_from)
                .order_by(SavingsTxn.day.desc(), SavingsTxn.id.desc())
                .limit(1)
            )
            or 0
        )
    stmt = select(SavingsTxn).where(SavingsTxn.account_id == account.id)
    if date_from is not None:
        stmt = stmt.where(SavingsTxn.day >= date_from)
    if date_to is not None:
        stmt = stmt.where(SavingsTxn.day <= date_to)
    rows = list(db.session.scalars(stmt.order_by(SavingsTxn.day, SavingsTxn.id)))
    closing = rows[-1].balance_after if rows else opening
    return opening, rows, closing


def subledger_totals(coop: Cooperative) -> dict[str, int]:
    """Sum of account balances per control account, for the reconciliation."""
    totals = {code: 0 for code in SAVINGS_ACCOUNTS.values()}
    for kind, total in db.session.execute(
        select(SavingsAccount.kind, func.coalesce(func.sum(SavingsAccount.balance), 0))
        .where(SavingsAccount.cooperative_id == coop.id)
        .group_by(SavingsAccount.kind)
    ):
        totals[SAVINGS_ACCOUNTS[kind]] += int(total)
    return totals
