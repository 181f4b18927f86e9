"""Expenses and other income: one journal entry each, source ``expense``.

- expense: Dr category (6xxxxx, with the business unit), Cr paid-from account;
- other income: Dr paid-into account, Cr category (4xxxxx outside sales and loan income).

Paid from the drawer (111100) means the user's open shift: the entry carries the shift, so
the shift's expected cash (float + its Kas lines) reflects it, and the drawer may not go
negative. Kas kecil (111200) and bank accounts (1121xx) need no shift.

A void never edits the entry: it posts the counter-entry (``reverses=`` the original) and
marks the expense void, keeping its number, so the BKK/BKM numbers stay gapless.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from outlet_pos.core.audit import record
from outlet_pos.core.db import lock_for_update, utcnow
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.expenses import attachments
from outlet_pos.core.expenses.models import KINDS, PREFIXES, Expense
from outlet_pos.core.ledger.models import Account
from outlet_pos.core.ledger.services import CONTROLLED_ACCOUNTS, is_reversed, post
from outlet_pos.core.sales import shifts
from outlet_pos.core.sales.common import lock_row
from outlet_pos.core.sales.models import Shift
from outlet_pos.core.sales.sequences import next_value
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah

DRAWER = shifts.CASH_ACCOUNT  # 111100, inside the user's open shift
PETTY_CASH = "111200"
BANK_PREFIX = "1121"
MAX_AMOUNT = 10**12
# Expense accounts that only their own documents post to (depreciation run, loan allowance,
# shift over/short, stock variances): entering them here would count them twice.
SYSTEM_EXPENSES = {"614100", "615100", "616100", "617100"}
SYSTEM_INCOME = {"419100"}  # selisih kas lebih, posted by the shift close


def _detail_accounts(coop: Cooperative) -> list[Account]:
    return db.session.scalars(
        select(Account)
        .where(
            Account.cooperative_id == coop.id,
            Account.active.is_(True),
            Account.is_header.is_(False),
        )
        .order_by(Account.code)
    ).all()


def is_category(code: str, kind: str) -> bool:
    if code in CONTROLLED_ACCOUNTS:
        return False
    if kind == "expense":
        return code.startswith("6") and code not in SYSTEM_EXPENSES
    return code.startswith("4") and code[:3] not in ("411", "412") and code not in SYSTEM_INCOME


def category_accounts(coop: Cooperative, kind: str) -> list[Account]:
    """Accounts an expense (6xxxxx) or other income (4xxxxx outside 411/412) may be booked to."""
    return [a for a in _detail_accounts(coop) if is_category(a.code, kind)]


def is_paid_from(code: str) -> bool:
    return code in (DRAWER, PETTY_CASH) or code.startswith(BANK_PREFIX)


def paid_from_accounts(coop: Cooperative, *, drawer: bool = True) -> list[Account]:
    """Kas laci (shift), Kas kecil and every active bank account (1121xx), in that order."""
    found = [a for a in _detail_accounts(coop) if is_paid_from(a.code)]
    if not drawer:
        found = [a for a in found if a.code != DRAWER]
    return sorted(found, key=lambda a: (a.code != DRAWER, a.code != PETTY_CASH, a.code))


def paid_from_label(account: Account) -> str:
    if account.code == DRAWER:
        return "Kas laci (shift)"
    return f"{account.code} {account.name}"


def resolve_account(coop: Cooperative, code: str | None, field: str, message: str) -> Account:
    acc = db.session.scalar(
        select(Account).where(Account.cooperative_id == coop.id, Account.code == (code or ""))
    )
    if acc is None or acc.is_header or not acc.active:
        raise ValidationError(message, field=field)
    return acc


def resolve_unit(coop: Cooperative, unit: BusinessUnit | int | None) -> BusinessUnit | None:
    if unit is None or unit == "":
        return None
    unit_id = unit.id if isinstance(unit, BusinessUnit) else unit
    found = db.session.get(BusinessUnit, unit_id) if type(unit_id) is int else None
    if found is None or found.cooperative_id != coop.id:
        raise ValidationError("Unit usaha tidak dikenal.", field="unit")
    return found


def check_amount(amount: object) -> int:
    if type(amount) is not int or not 0 < amount <= MAX_AMOUNT:
        raise ValidationError("Jumlah harus rupiah bulat lebih dari nol.", field="amount")
    return amount


def clean_text(value: str | None, limit: int, field: str, label: str, *, required=False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(f"{label} wajib diisi.", field=field)
    if len(value) > limit:
        raise ValidationError(f"{label} maksimal {limit} karakter.", field=field)
    return value


def _drawer_shift(coop: Cooperative, user, day: date, cash_out: int) -> Shift:
    """The user's open shift, locked; refuses without one or when the drawer holds too little."""
    shift = shifts.open_shift_for(user, coop=coop) if user is not None else None
    if shift is None or shift.cooperative_id != coop.id:
        raise DomainError(
            "Kas laci hanya bisa dipakai dalam shift kasir yang terbuka; buka shift dulu "
            "atau pilih Kas kecil/bank.",
            field="paid_from",
        )
    shift = lock_row(Shift, shift.id)
    if shift.status != "open":
        raise DomainError("Shift Anda sudah ditutup.", field="paid_from")
    if day < shift.business_date:
        raise ValidationError(
            "Transaksi kas laci harus bertanggal dalam shift yang sedang berjalan.", field="date"
        )
    have = shifts.expected_cash(shift)
    if cash_out > have:
        raise DomainError(
            f"Kas di laci hanya {format_rupiah(have)}; tidak cukup untuk mengeluarkan "
            f"{format_rupiah(cash_out)}.",
            field="amount",
        )
    return shift


def record_expense(
    coop: Cooperative,
    user,
    *,
    kind: str,
    day: date,
    account: str,
    amount: int,
    paid_from: str,
    description: str,
    unit: BusinessUnit | int | None = None,
    payee: str = "",
    reference: str = "",
    attachment: bytes | None = None,
    attachment_name: str = "",
    instance: Path | None = None,
    idempotency_key: str | None = None,
    recurring=None,
    recurring_period: str | None = None,
) -> Expense:
    """Record and post one expense or other income (flush only). A repeated
    ``idempotency_key`` returns the first expense; a refusal writes nothing."""
    if kind not in KINDS:
        raise ValidationError("Jenis transaksi tidak dikenal.", field="kind")
    key = (idempotency_key or "").strip()[:64] or None
    if key:
        existing = db.session.scalar(
            select(Expense).where(Expense.cooperative_id == coop.id, Expense.idempotency_key == key)
        )
        if existing is not None:
            return existing
    amount = check_amount(amount)
    if not isinstance(day, date):
        raise ValidationError("Tanggal tidak valid.", field="date")
    if day > coop.today():
        raise ValidationError("Tanggal tidak boleh setelah hari ini.", field="date")
    what = "beban" if kind == "expense" else "pendapatan"
    category = resolve_account(coop, account, "account", f"Pilih akun {what}.")
    if not is_category(category.code, kind):
        raise ValidationError(
            f"Akun {category.code} tidak dapat dipakai sebagai kategori {what} di sini.",
            field="account",
        )
    paid = resolve_account(coop, paid_from, "paid_from", "Pilih kas atau rekening bank.")
    if not is_paid_from(paid.code):
        raise ValidationError("Pilih Kas laci, Kas kecil atau rekening bank.", field="paid_from")
    unit_row = resolve_unit(coop, unit)
    description = clean_text(description, 300, "description", "Keterangan", required=True)
    payee = clean_text(payee, 120, "payee", "Nama penerima/pemberi")
    reference = clean_text(reference, 64, "reference", "No. nota")
    if attachment:
        attachments.check_attachment(attachment)
    shift = None
    if paid.code == DRAWER:
        shift = _drawer_shift(coop, user, day, amount if kind == "expense" else 0)

    prefix = PREFIXES[kind]
    number = f"{prefix}-{day.year}-{next_value(coop.id, prefix, str(day.year)):06d}"
    unit_id = unit_row.id if unit_row else None
    if kind == "expense":
        lines = [(category, amount, 0, unit_id), (paid, 0, amount, unit_id)]
    else:
        lines = [(paid, amount, 0, unit_id), (category, 0, amount, unit_id)]
    entry = post(
        coop,
        day,
        f"{number} {category.name}: {description}"[:500],
        lines,
        source="expense",
        source_ref=number,
        unit=unit_id,
        user=user,
        shift=shift,
    )
    expense = Expense(
        cooperative_id=coop.id,
        number=number,
        kind=kind,
        date=day,
        account_id=category.id,
        unit_id=unit_id,
        amount=amount,
        paid_account_id=paid.id,
        shift_id=shift.id if shift else None,
        payee=payee,
        description=description,
        reference=reference,
        recurring_id=getattr(recurring, "id", recurring),
        recurring_period=recurring_period,
        entry_id=entry.id,
        status="posted",
        idempotency_key=key,
        created_by_id=getattr(user, "id", user),
    )
    db.session.add(expense)
    db.session.flush()
    if attachment and instance is not None:
        _attach(coop, expense, attachment, attachment_name, instance)
    return expense


def _attach(coop: Cooperative, expense: Expense, data: bytes, name: str, instance: Path) -> None:
    expense.attachment_path = attachments.store(instance, coop.id, expense.public_id, data)
    expense.attachment_name = (Path(name or "").name or "nota")[:120]
    db.session.flush()


def attach_file(
    coop: Cooperative, expense: Expense, data: bytes, name: str, instance: Path, user
) -> Expense:
    """Attach (or replace) the photo/scan of the nota of a recorded expense."""
    if expense.cooperative_id != coop.id:
        raise DomainError("Transaksi tidak ditemukan.")
    attachments.check_attachment(data)
    _attach(coop, expense, data, name, instance)
    record("expense.attach", user=user, cooperative=coop, target=expense.number,
           detail={"bytes": len(data)})  # fmt: skip
    return expense


def void_expense(expense: Expense, reason: str, user, *, day: date | None = None) -> Expense:
    """Cancel an expense: post its counter-entry (dated ``day``, today by default) and mark it
    void. Cash paid from a drawer goes back into that shift while it is open, else into the
    voiding user's open shift; without an open shift the void is refused."""
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError("Tuliskan alasan pembatalan (minimal 5 karakter).", field="reason")
    if len(reason) > 300:
        raise ValidationError("Alasan maksimal 300 karakter.", field="reason")
    coop = db.session.get(Cooperative, expense.cooperative_id)
    db.session.execute(
        lock_for_update(select(Cooperative.id).where(Cooperative.id == coop.id), key_share=True)
    ).scalar_one()
    expense = lock_row(Expense, expense.id)
    if expense.status != "posted":
        raise DomainError(f"{expense.number} sudah dibatalkan.")
    day = day or coop.today()
    entry = expense.entry
    counter = is_reversed(entry)
    if counter is None:
        shift = None
        if expense.shift_id is not None:
            shift = _void_shift(coop, expense, user)
        lines = [
            (line.account, line.credit, line.debit, line.unit_id, line.member_id, line.memo)
            for line in entry.lines
        ]
        counter = post(
            coop,
            day,
            f"Batal {expense.number}: {reason}"[:500],
            lines,
            source="expense",
            source_ref=expense.number,
            unit=entry.unit_id,
            user=user,
            reverses=entry,
            shift=shift,
        )
    expense.status = "void"
    expense.void_reason = reason
    expense.void_entry_id = counter.id
    expense.voided_at = utcnow()
    expense.voided_by_id = getattr(user, "id", user)
    db.session.flush()
    record("expense.void", user=user, cooperative=coop, target=expense.number,
           detail={"reason": reason, "entry": counter.number})  # fmt: skip
    return expense


def _void_shift(coop: Cooperative, expense: Expense, user) -> Shift:
    original = lock_row(Shift, expense.shift_id)
    shift = original if original.status == "open" else None
    if shift is None:
        mine = shifts.open_shift_for(user, coop=coop) if user is not None else None
        if mine is None or mine.cooperative_id != coop.id:
            raise DomainError(
                "Shift tempat uang ini keluar/masuk sudah ditutup; batalkan dari dalam shift "
                "kasir yang terbuka agar uangnya tercatat di laci."
            )
        shift = lock_row(Shift, mine.id)
    if expense.kind == "income":
        have = shifts.expected_cash(shift)
        if expense.amount > have:
            raise DomainError(
                f"Kas di laci hanya {format_rupiah(have)}; tidak cukup untuk mengembalikan "
                f"{format_rupiah(expense.amount)}."
            )
    return shift
