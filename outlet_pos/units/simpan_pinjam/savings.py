"""Simpanan: pokok on joining, wajib every month, sukarela any time, berjangka for a term.

Each account's ``balance`` is the member subledger of its control account (DESIGN §3.1) and
changes only here, in the same transaction as the journal entry that moves the money; cash
moves inside the cashier's open shift so the drawer count stays true.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import func, select, update

from outlet_pos.core.audit import record
from outlet_pos.core.db import lock_for_update
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.ledger.services import LineInput, post
from outlet_pos.core.parties import Member
from outlet_pos.core.sales.models import Shift
from outlet_pos.core.sales.sequences import next_value
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah, round_half_up
from outlet_pos.units.simpan_pinjam.common import (
    check_amount,
    counter_side,
    month_key,
    simpin_unit,
)
from outlet_pos.units.simpan_pinjam.models import (
    SAVINGS_ACCOUNTS,
    SAVINGS_KINDS,
    InterestRun,
    SavingsAccount,
    SavingsProduct,
    SavingsTxn,
)
from outlet_pos.units.simpan_pinjam.schedule import parse_rate

INTEREST_EXPENSE = "512100"
TAX_PAYABLE = "211600"
OTHER_INCOME = "419100"
TAX_THRESHOLD = 240_000  # Rp240.000 of interest a month (DESIGN §3.12)
TAX_PERCENT = 10

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
    account = db.session.scalar(
        select(SavingsAccount).where(
            SavingsAccount.cooperative_id == coop.id,
            SavingsAccount.member_id == member.id,
            SavingsAccount.kind == kind,
        )
    )
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


def open_term_deposit(
    coop: Cooperative,
    member: Member,
    product: SavingsProduct,
    amount: int,
    user,
    *,
    via: str = "tunai",
    shift: Shift | None = None,
    day: date | None = None,
) -> SavingsAccount:
    """A new berjangka placement (bilyet) at the product's rate and term, fixed for its life."""
    from outlet_pos.units.simpan_pinjam.common import add_months

    check_amount(amount)
    day = day or coop.today()
    member = _require_active_member(coop, member.id)
    if product.cooperative_id != coop.id or product.kind != "berjangka" or not product.active:
        raise ValidationError("Pilih produk simpanan berjangka.", field="product")
    if amount < product.min_amount:
        raise ValidationError(
            f"Setoran minimal {format_rupiah(product.min_amount)}.", field="amount"
        )
    seq = next_value(coop.id, "berjangka", str(day.year))
    account = SavingsAccount(
        cooperative_id=coop.id,
        member_id=member.id,
        product_id=product.id,
        number=f"BJ-{day.year}-{seq:04d}",
        kind="berjangka",
        balance=0,
        opened_on=day,
        annual_rate=product.annual_rate,
        term_months=product.term_months,
        maturity_date=add_months(day, product.term_months),
    )
    db.session.add(account)
    db.session.flush()
    counter, shift = counter_side(coop, via, shift, user)
    apply_moves(
        coop,
        day,
        f"Penempatan simpanan berjangka {account.number} {member.name}"[:500],
        [Move(account, amount, "setor")],
        [LineInput(counter, amount, 0, simpin_unit(coop), None)],
        user=user,
        shift=shift,
    )
    return account


def close_term_deposit(
    coop: Cooperative,
    account: SavingsAccount,
    user,
    *,
    via: str = "tunai",
    shift: Shift | None = None,
    day: date | None = None,
    waive_penalty: bool = False,
) -> SavingsTxn:
    """Pay out a berjangka placement. Before maturity the product's early-withdrawal penalty
    (a percentage of the principal) is kept as other income."""
    day = day or coop.today()
    account = _lock(account)
    if account.kind != "berjangka":
        raise DomainError("Bukan rekening simpanan berjangka.")
    if account.status != "aktif" or account.balance == 0:
        raise DomainError("Bilyet ini sudah dicairkan.")
    product = db.session.get(SavingsProduct, account.product_id)
    penalty = 0
    if day < account.maturity_date and not waive_penalty:
        penalty = round_half_up(
            Fraction(account.balance) * Fraction(product.early_penalty_percent) / 100
        )
    payout = account.balance - penalty
    counter, shift = counter_side(coop, via, shift, user)
    _drawer_has(shift, payout)
    unit = simpin_unit(coop)
    other = [LineInput(counter, 0, payout, unit, None)] if payout else []
    if penalty:
        other.append(LineInput(OTHER_INCOME, 0, penalty, unit, None, "Penalti pencairan awal"))
    member = db.session.get(Member, account.member_id)
    memo = f"Pencairan simpanan berjangka {account.number} {member.name}"
    if penalty:
        memo += f" (sebelum jatuh tempo, penalti {format_rupiah(penalty)})"
    txn = apply_moves(
        coop,
        day,
        memo[:500],
        [Move(account, -account.balance, "tarik")],
        other,
        user=user,
        shift=shift,
    )[0]
    account.status, account.closed_on = "ditutup", day
    db.session.flush()
    return txn


# --- simpanan wajib -------------------------------------------------------------------------


def months_between(start: date, end: date) -> int:
    """Months of obligation from the join month through ``end``'s month, inclusive."""
    if end < start:
        return 0
    return (end.year - start.year) * 12 + end.month - start.month + 1


@dataclass
class WajibStatus:
    member: Member
    months: int
    due: int
    paid: int

    @property
    def arrears(self) -> int:
        return max(0, self.due - self.paid)

    @property
    def months_behind(self) -> int:
        amount = self.due // self.months if self.months else 0
        return -(-self.arrears // amount) if amount else 0


def wajib_status(coop: Cooperative, as_of: date | None = None) -> list[WajibStatus]:
    """Every active member's wajib obligation to date against what they have paid."""
    as_of = as_of or coop.today()
    paid = dict(
        db.session.execute(
            select(SavingsAccount.member_id, SavingsAccount.balance).where(
                SavingsAccount.cooperative_id == coop.id, SavingsAccount.kind == "wajib"
            )
        ).all()
    )
    rows = []
    members = db.session.scalars(
        select(Member)
        .where(Member.cooperative_id == coop.id, Member.status == "aktif")
        .order_by(Member.member_number)
    )
    for member in members:
        months = months_between(member.join_date, as_of)
        rows.append(
            WajibStatus(member, months, months * coop.simpanan_wajib_amount, paid.get(member.id, 0))
        )
    return rows


def pay_wajib(
    coop: Cooperative,
    payments: list[tuple[int, int]],
    user,
    *,
    via: str = "tunai",
    shift: Shift | None = None,
    day: date | None = None,
) -> list[SavingsTxn]:
    """Bulk wajib collection: ``(member_id, months)`` pairs, all in one entry and transaction,
    as when a collector brings the month's wajib from a hamlet."""
    if not payments:
        raise ValidationError("Pilih paling sedikit satu anggota.", field="members")
    amount_each = coop.simpanan_wajib_amount
    if amount_each <= 0:
        raise DomainError("Besar simpanan wajib belum diatur di AD/ART koperasi.")
    day = day or coop.today()
    moves = []
    total = 0
    for member_id, months in payments:
        if type(months) is not int or not 1 <= months <= 120:
            raise ValidationError("Jumlah bulan 1–120.", field="months")
        member = _require_active_member(coop, member_id)
        account = account_for(coop, member, "wajib")
        moves.append(
            Move(
                account,
                months * amount_each,
                "setor",
                f"Wajib {months} bln {member.name}",
                month_key(day),
            )
        )
        total += months * amount_each
    counter, shift = counter_side(coop, via, shift, user)
    return apply_moves(
        coop,
        day,
        f"Setoran simpanan wajib {len(moves)} anggota",
        moves,
        [LineInput(counter, total, 0, simpin_unit(coop), None)],
        user=user,
        shift=shift,
    )


# --- interest -------------------------------------------------------------------------------


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


def interest_preview(coop: Cooperative, year: int, month: int) -> list[dict]:
    """Per member: the interest each account earned in the month and the tax withheld."""
    first, last = _month_bounds(year, month)
    products = {p.id: p for p in ensure_products(coop).values()}
    accounts = db.session.scalars(
        select(SavingsAccount)
        .where(
            SavingsAccount.cooperative_id == coop.id,
            SavingsAccount.kind.in_(("sukarela", "berjangka")),
        )
        .order_by(SavingsAccount.member_id, SavingsAccount.id)
    )
    per_member: dict[int, dict] = {}
    for account in accounts:
        rate = Fraction(account.annual_rate)
        if rate == 0:
            continue
        if account.kind == "berjangka":
            # Earned for whole months held: opened before the month, not closed within it.
            if account.opened_on >= first or (account.closed_on and account.closed_on <= last):
                continue
            base = interest_basis(account, first, last, "terendah")
        else:
            base = interest_basis(account, first, last, products[account.product_id].interest_basis)
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
    run = InterestRun(
        cooperative_id=coop.id, year=year, month=month, user_id=user.id if user else None
    )
    db.session.add(run)
    if rows:
        moves: list[Move] = []
        total = tax_total = 0
        for row in rows:
            member = db.session.get(Member, row["member_id"])
            target = account_for(coop, member, "sukarela")
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
            coop, last, f"Bunga simpanan {month:02d}/{year}", entry_moves, other, user=user
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
        if move.account.id in net:
            net[move.account.id].amount += move.amount
        else:
            net[move.account.id] = Move(move.account, move.amount, "bunga", move.memo)
    return [m for m in net.values() if m.amount]


def _split_txns(txns: list[SavingsTxn], moves: list[Move]) -> None:
    """Replace each netted interest transaction by its parts (interest per source account,
    then the tax), keeping running balances exact, so a passbook shows both."""
    by_account = {t.account_id: t for t in txns}
    for account_id, txn in by_account.items():
        parts = [m for m in moves if m.account.id == account_id]
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
