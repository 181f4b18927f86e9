"""Simpanan: pokok on joining, wajib every month, sukarela any time, berjangka for a term.

Each account's ``balance`` is the member subledger of its control account (DESIGN §3.1) and
changes only here, in the same transaction as the journal entry that moves the money; cash
moves inside the cashier's open shift so the drawer count stays true.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select, update

from outlet_pos.core.audit import record
from outlet_pos.core.db import lock_for_update
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.ledger.services import LineInput, post
from outlet_pos.core.parties import Member
from outlet_pos.core.sales.models import Shift
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah
from outlet_pos.units.simpan_pinjam.common import (
    check_amount,
    counter_side,
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
            select(SavingsAccount).where(SavingsAccount.id == account.id)
        ).execution_options(populate_existing=True)
    ).scalar_one()


def _existing(coop: Cooperative, key: str | None) -> SavingsTxn | None:
    if not key:
        return None
    return db.session.scalar(
        select(SavingsTxn).where(
            SavingsTxn.cooperative_id == coop.id, SavingsTxn.idempotency_key == key
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
) -> list[SavingsTxn]:
    """Post one entry that moves several savings accounts and the given other lines, and
    record a transaction per account. Accounts are locked in id order (no deadlocks), balances
    re-read after the lock, and none may go below zero."""
    unit = simpin_unit(coop)
    locked = {
        a.id: _lock(a)
        for a in sorted({m.account.id: m.account for m in moves}.values(), key=lambda a: a.id)
    }
    lines = list(other_lines)
    for move in moves:
        account = locked[move.account.id]
        if account.status != "aktif":
            raise DomainError(f"Rekening {account.number} sudah ditutup.")
        if account.balance + move.amount < 0:
            raise DomainError(
                f"Saldo {account.number} hanya {format_rupiah(account.balance)}; tidak cukup "
                f"untuk {format_rupiah(-move.amount)}."
            )
        base, later_min = _balance_on(account.id, day)
        if base + move.amount < 0 or (later_min is not None and later_min + move.amount < 0):
            raise DomainError(
                f"Saldo {account.number} pada {day:%d-%m-%Y} hanya {format_rupiah(base)}; "
                f"tidak cukup untuk {format_rupiah(-move.amount)}."
            )
        code = SAVINGS_ACCOUNTS[account.kind]
        debit, credit = (0, move.amount) if move.amount > 0 else (-move.amount, 0)
        lines.append(LineInput(code, debit, credit, unit, account.member_id, account.number))
    entry = post(
        coop,
        day,
        memo,
        lines,
        source=source,
        source_ref=moves[0].account.number if moves else "",
        unit=unit,
        user=user,
        shift=shift,
    )
    txns = []
    for move in moves:
        account = locked[move.account.id]
        account.balance += move.amount
        # Opened on first use, which may be back-dated (a member's joining day, a late book).
        account.opened_on = min(account.opened_on, day)
        # A back-dated transaction (a collector's book entered late, interest dated at month
        # end) goes into the history at its date: later running balances shift with it.
        base, _ = _balance_on(account.id, day)
        db.session.execute(
            update(SavingsTxn)
            .where(SavingsTxn.account_id == account.id, SavingsTxn.day > day)
            .values(balance_after=SavingsTxn.balance_after + move.amount)
            .execution_options(synchronize_session=False)
        )
        txn = SavingsTxn(
            cooperative_id=coop.id,
            account_id=account.id,
            day=day,
            kind=move.kind,
            amount=move.amount,
            balance_after=base + move.amount,
            memo=(move.memo or memo)[:200],
            entry_id=entry.id,
            shift_id=shift.id if shift else None,
            user_id=user.id if user else None,
            period=move.period,
            idempotency_key=idempotency_key if not txns else None,
        )
        db.session.add(txn)
        txns.append(txn)
    db.session.flush()
    return txns


def _balance_on(account_id: int, day: date) -> tuple[int, int | None]:
    """The running balance at the end of ``day`` and the lowest one after it (None if none)."""
    base = db.session.scalar(
        select(SavingsTxn.balance_after)
        .where(SavingsTxn.account_id == account_id, SavingsTxn.day <= day)
        .order_by(SavingsTxn.day.desc(), SavingsTxn.id.desc())
        .limit(1)
    )
    later = db.session.scalar(
        select(func.min(SavingsTxn.balance_after)).where(
            SavingsTxn.account_id == account_id, SavingsTxn.day > day
        )
    )
    return int(base or 0), None if later is None else int(later)


def _require_active_member(coop: Cooperative, member_id: int) -> Member:
    member = db.session.get(Member, member_id)
    if member is None or member.cooperative_id != coop.id:
        raise DomainError("Anggota tidak ditemukan.")
    if member.status != "aktif":
        raise DomainError(f"{member.name} bukan anggota aktif lagi.")
    return member


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
    member = _require_active_member(coop, account.member_id)
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
    txns = apply_moves(
        coop,
        day,
        text[:500],
        [Move(account, amount, "setor", period=period)],
        [LineInput(counter, amount, 0, simpin_unit(coop), None)],
        user=user,
        shift=shift,
        idempotency_key=idempotency_key,
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
    return apply_moves(
        coop,
        day,
        text[:500],
        [Move(account, -amount, "tarik")],
        [LineInput(counter, 0, amount, simpin_unit(coop), None)],
        user=user,
        shift=shift,
        idempotency_key=idempotency_key,
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
