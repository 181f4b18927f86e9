"""Bank accounts and the money moved between the cash box and the bank.

The register links every bank account to its own ledger account: the first to the standard
chart's 112100 Bank, each further one to a new detail account under 110000 Aset lancar
(112110, 112120, ...). Cash deposits (setoran), withdrawals (tarik tunai) and transfers between
two bank accounts post through ``ledger.post`` with source ``transfer``; the daily close page
calls ``deposit_cash``. Every function flushes only; the caller commits.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from outlet_pos.core.audit import record
from outlet_pos.core.banking.models import BankAccount
from outlet_pos.core.errors import DomainError, NotFound, ValidationError
from outlet_pos.core.ledger.models import Account, JournalEntry, JournalLine
from outlet_pos.core.ledger.services import MAX_AMOUNT, post
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah

CASH = "111100"
FIRST_BANK = "112100"
HEADER = "110000"
# Further bank accounts take 112110, 112120, ... (below 112900 Kliring QRIS/transfer).
EXTRA_CODES = [str(code) for code in range(112110, 112900, 10)]
BANK_NAMES = ["BRI", "BNI", "Mandiri", "BSI", "BTN", "BCA", "Bank Jatim", "Bank Jateng",
              "Bank BJB", "Bank Sumut", "Bank Nagari", "Bank Kalbar", "Bank NTB Syariah",
              "Bank Sulselbar", "Bank Papua"]  # fmt: skip


def bank_accounts(coop: Cooperative, *, active_only: bool = False) -> list[BankAccount]:
    stmt = select(BankAccount).where(BankAccount.cooperative_id == coop.id)
    if active_only:
        stmt = stmt.where(BankAccount.active.is_(True))
    return list(db.session.scalars(stmt.order_by(BankAccount.id)))


def _clean(bank_name: str, account_number: str, holder_name: str) -> tuple[str, str, str]:
    bank_name = " ".join((bank_name or "").split())
    number = "".join((account_number or "").split())
    holder = " ".join((holder_name or "").split())
    if not bank_name or len(bank_name) > 60:
        raise ValidationError("Nama bank wajib diisi (maksimal 60 karakter).", field="bank_name")
    digits = number.replace("-", "").replace(".", "")
    if not digits.isascii() or not digits.isdigit() or not 5 <= len(digits) <= 30:
        raise ValidationError(
            "Nomor rekening 5–30 angka (boleh dengan tanda - atau .).", field="account_number"
        )
    if not holder or len(holder) > 200:
        raise ValidationError("Nama pemilik rekening wajib diisi.", field="holder_name")
    return bank_name, number, holder


def _ledger_name(bank_name: str, number: str) -> str:
    digits = "".join(ch for ch in number if ch.isdigit())
    return f"Bank {bank_name} {digits[-4:]}"[:200]


def _new_ledger_account(coop: Cooperative, bank_name: str, number: str) -> Account:
    """112100 for the first bank account; otherwise the next free 1121x0 under 110000."""
    linked = set(
        db.session.scalars(
            select(BankAccount.ledger_account_id).where(BankAccount.cooperative_id == coop.id)
        )
    )
    codes = {
        a.code: a
        for a in db.session.scalars(
            select(Account).where(
                Account.cooperative_id == coop.id, Account.code.in_([FIRST_BANK, HEADER])
            )
        )
    }
    first = codes.get(FIRST_BANK)
    if first is not None and first.id not in linked and not first.is_header and first.active:
        return first
    header = codes.get(HEADER)
    if header is None:
        raise DomainError("Akun induk 110000 Aset lancar tidak ada di bagan akun.")
    used = set(
        db.session.scalars(
            select(Account.code).where(
                Account.cooperative_id == coop.id, Account.code.in_(EXTRA_CODES)
            )
        )
    )
    code = next((c for c in EXTRA_CODES if c not in used), None)
    if code is None:
        raise DomainError("Kode akun bank 112110–112890 sudah terpakai semua.")
    acc = Account(
        cooperative_id=coop.id,
        code=code,
        name=_ledger_name(bank_name, number),
        type="asset",
        normal_side="D",
        parent_id=header.id,
        is_header=False,
        active=True,
    )
    db.session.add(acc)
    db.session.flush()
    return acc


def _number_taken(coop: Cooperative, number: str, except_id: int | None) -> bool:
    stmt = select(BankAccount.id).where(
        BankAccount.cooperative_id == coop.id, BankAccount.account_number == number
    )
    if except_id is not None:
        stmt = stmt.where(BankAccount.id != except_id)
    return db.session.scalar(stmt) is not None


def create_bank_account(
    coop: Cooperative,
    bank_name: str,
    account_number: str,
    holder_name: str,
    user,
    *,
    opened_on: date | None = None,
) -> BankAccount:
    """Register a bank account and link it to its ledger account (created when needed)."""
    bank_name, number, holder = _clean(bank_name, account_number, holder_name)
    if _number_taken(coop, number, None):
        raise ValidationError(f"Rekening {number} sudah terdaftar.", field="account_number")
    ledger = _new_ledger_account(coop, bank_name, number)
    account = BankAccount(
        cooperative_id=coop.id,
        bank_name=bank_name,
        account_number=number,
        holder_name=holder,
        ledger_account_id=ledger.id,
        opened_on=opened_on,
        active=True,
    )
    db.session.add(account)
    db.session.flush()
    record(
        "bank.account_create",
        user=user,
        cooperative=coop,
        target=account.label,
        detail={"ledger_account": ledger.code},
    )
    return account


def update_bank_account(
    account: BankAccount,
    bank_name: str,
    account_number: str,
    holder_name: str,
    user,
    *,
    opened_on: date | None = None,
    active: bool = True,
) -> BankAccount:
    coop = db.session.get(Cooperative, account.cooperative_id)
    bank_name, number, holder = _clean(bank_name, account_number, holder_name)
    if _number_taken(coop, number, account.id):
        raise ValidationError(f"Rekening {number} sudah terdaftar.", field="account_number")
    account.bank_name, account.account_number, account.holder_name = bank_name, number, holder
    account.opened_on = opened_on
    account.active = bool(active)
    ledger = account.ledger_account
    if ledger.code != FIRST_BANK:
        ledger.name = _ledger_name(bank_name, number)
    db.session.flush()
    record("bank.account_update", user=user, cooperative=coop, target=account.label,
           detail={"active": account.active})  # fmt: skip
    return account


def ledger_balance(account: BankAccount, as_of: date | None = None) -> int:
    """The bank account's balance in the books (debit - credit of its ledger account)."""
    stmt = select(func.coalesce(func.sum(JournalLine.debit - JournalLine.credit), 0)).where(
        JournalLine.cooperative_id == account.cooperative_id,
        JournalLine.account_id == account.ledger_account_id,
    )
    if as_of is not None:
        stmt = stmt.where(JournalLine.entry_date <= as_of)
    return int(db.session.scalar(stmt))


def ledger_balance_code(coop: Cooperative, code: str, as_of: date | None = None) -> int:
    """The balance of one account of the chart by code (e.g. 111100 Kas)."""
    stmt = (
        select(func.coalesce(func.sum(JournalLine.debit - JournalLine.credit), 0))
        .join(Account, Account.id == JournalLine.account_id)
        .where(JournalLine.cooperative_id == coop.id, Account.code == code)
    )
    if as_of is not None:
        stmt = stmt.where(JournalLine.entry_date <= as_of)
    return int(db.session.scalar(stmt))


def _lowest_balance_from(coop: Cooperative, account_id: int, day: date) -> int:
    """The lowest balance the account shows on ``day`` or any later date already booked: a
    withdrawal dated today must not turn a later day's balance negative either."""
    base = db.session.scalar(
        select(func.coalesce(func.sum(JournalLine.debit - JournalLine.credit), 0)).where(
            JournalLine.cooperative_id == coop.id,
            JournalLine.account_id == account_id,
            JournalLine.entry_date <= day,
        )
    )
    lowest = running = int(base)
    later = db.session.execute(
        select(JournalLine.entry_date, func.sum(JournalLine.debit - JournalLine.credit))
        .where(
            JournalLine.cooperative_id == coop.id,
            JournalLine.account_id == account_id,
            JournalLine.entry_date > day,
        )
        .group_by(JournalLine.entry_date)
        .order_by(JournalLine.entry_date)
    )
    for _day, net in later:
        running += int(net)
        lowest = min(lowest, running)
    return lowest


def _account_id(coop: Cooperative, code: str) -> int:
    found = db.session.scalar(
        select(Account.id).where(Account.cooperative_id == coop.id, Account.code == code)
    )
    if found is None:
        raise DomainError(f"Akun {code} tidak ada di bagan akun.")
    return found


def _replayed(coop: Cooperative, key: str | None) -> JournalEntry | None:
    """The entry a retried submit already posted (same idempotency key), if any."""
    if not key:
        return None
    return db.session.scalar(
        select(JournalEntry).where(
            JournalEntry.cooperative_id == coop.id,
            JournalEntry.idempotency_key == key.strip()[:64],
        )
    )


def _check(coop: Cooperative, account: BankAccount, amount: int, day: date) -> None:
    if account.cooperative_id != coop.id:
        raise NotFound("Rekening bank tidak ditemukan.")
    if not account.active:
        raise ValidationError(f"Rekening {account.label} tidak aktif.", field="bank")
    if type(amount) is not int or amount <= 0:
        raise ValidationError("Jumlah harus rupiah bulat lebih dari nol.", field="amount")
    if amount > MAX_AMOUNT:
        raise ValidationError("Jumlah terlalu besar.", field="amount")
    if not isinstance(day, date):
        raise ValidationError("Tanggal tidak valid.", field="date")
    if day > coop.today():
        raise ValidationError("Tanggal tidak boleh setelah hari ini.", field="date")


def _refuse_over(available: int, amount: int, what: str, day: date) -> None:
    if amount > available:
        raise ValidationError(
            f"Jumlah {format_rupiah(amount)} melebihi saldo {what} "
            f"{format_rupiah(max(available, 0))} pada {day:%d/%m/%Y}.",
            field="amount",
        )


def deposit_cash(
    coop: Cooperative,
    bank_account: BankAccount,
    amount: int,
    day: date,
    user,
    memo: str = "",
    *,
    idempotency_key: str | None = None,
) -> JournalEntry:
    """Setoran tunai: Dr the bank's ledger account, Cr 111100 Kas. Refuses more than the Kas
    balance on that day (and on any later day already booked)."""
    if (done := _replayed(coop, idempotency_key)) is not None:
        return done
    _check(coop, bank_account, amount, day)
    _refuse_over(_lowest_balance_from(coop, _account_id(coop, CASH), day), amount, "kas", day)
    text = (memo or "").strip() or f"Setoran tunai ke {bank_account.label}"
    return post(
        coop, day, text,
        [(bank_account.ledger_account, amount, 0), (CASH, 0, amount)],
        source="transfer", source_ref=f"bank:{bank_account.id}", user=user,
        idempotency_key=idempotency_key,
    )  # fmt: skip


def withdraw_cash(
    coop: Cooperative,
    bank_account: BankAccount,
    amount: int,
    day: date,
    user,
    memo: str = "",
    *,
    idempotency_key: str | None = None,
) -> JournalEntry:
    """Tarik tunai: Dr 111100 Kas, Cr the bank. Refuses more than the bank's book balance."""
    if (done := _replayed(coop, idempotency_key)) is not None:
        return done
    _check(coop, bank_account, amount, day)
    available = _lowest_balance_from(coop, bank_account.ledger_account_id, day)
    _refuse_over(available, amount, f"rekening {bank_account.short_label}", day)
    text = (memo or "").strip() or f"Tarik tunai dari {bank_account.label}"
    return post(
        coop, day, text,
        [(CASH, amount, 0), (bank_account.ledger_account, 0, amount)],
        source="transfer", source_ref=f"bank:{bank_account.id}", user=user,
        idempotency_key=idempotency_key,
    )  # fmt: skip


def transfer_between(
    coop: Cooperative,
    source: BankAccount,
    target: BankAccount,
    amount: int,
    day: date,
    user,
    memo: str = "",
    *,
    idempotency_key: str | None = None,
) -> JournalEntry:
    """Pemindahbukuan between two of the cooperative's bank accounts: Dr target, Cr source."""
    if (done := _replayed(coop, idempotency_key)) is not None:
        return done
    _check(coop, source, amount, day)
    _check(coop, target, amount, day)
    if source.id == target.id:
        raise ValidationError("Rekening asal dan tujuan harus berbeda.", field="target")
    available = _lowest_balance_from(coop, source.ledger_account_id, day)
    _refuse_over(available, amount, f"rekening {source.short_label}", day)
    text = (memo or "").strip() or f"Pemindahan {source.label} ke {target.label}"
    return post(
        coop, day, text,
        [(target.ledger_account, amount, 0), (source.ledger_account, 0, amount)],
        source="transfer", source_ref=f"bank:{source.id}", user=user,
        idempotency_key=idempotency_key,
    )  # fmt: skip
