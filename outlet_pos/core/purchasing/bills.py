"""Supplier bills: payments (Dr Utang usaha / Cr Kas or Bank) and the payables aging."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from outlet_pos.core.audit import record
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.ledger import post
from outlet_pos.core.ledger.models import Account, JournalLine
from outlet_pos.core.purchasing.common import (
    PAY_ACCOUNTS,
    PAYABLE,
    check_day,
    check_money,
    drawer_shift,
)
from outlet_pos.core.purchasing.models import (
    PurchaseReturn,
    Supplier,
    SupplierBill,
    SupplierPayment,
)
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah

AGING_BUCKETS = ["belum", "d1_30", "d31_60", "d61_90", "d90"]
AGING_LABELS = {
    "belum": "Belum jatuh tempo",
    "d1_30": "1–30 hari",
    "d31_60": "31–60 hari",
    "d61_90": "61–90 hari",
    "d90": "> 90 hari",
}


# --- bills and payments -------------------------------------------------------------------------


def pay_bill(
    bill: SupplierBill,
    amount: int,
    account: str,
    *,
    user,
    day: date,
    reference: str = "",
    idempotency_key: str | None = None,
) -> SupplierPayment:
    """Pay all or part of a bill: Dr Utang usaha / Cr Kas or Bank."""
    coop = db.session.get(Cooperative, bill.cooperative_id)
    key = (idempotency_key or "").strip()[:64] or None
    if key:
        first = db.session.scalar(
            select(SupplierPayment).where(
                SupplierPayment.cooperative_id == coop.id, SupplierPayment.idempotency_key == key
            )
        )
        if first is not None:
            return first
    day = check_day(coop, day)
    amount = check_money(amount, "Jumlah bayar", "amount", positive=True)
    if account not in PAY_ACCOUNTS:
        raise ValidationError("Pilih bayar dari kas atau bank.", field="account")
    reference = (reference or "").strip()
    if len(reference) > 64:
        raise ValidationError("Referensi maksimal 64 karakter.", field="reference")
    if day < bill.date:
        raise ValidationError("Tanggal bayar tidak boleh sebelum tanggal tagihan.", field="date")
    if bill.outstanding <= 0:
        raise DomainError(f"Tagihan {bill.number} sudah lunas.")
    if amount > bill.outstanding:
        raise ValidationError(
            f"Jumlah bayar melebihi sisa tagihan {format_rupiah(bill.outstanding)}.",
            field="amount",
        )
    shift = drawer_shift(coop, user, account, amount)
    supplier = db.session.get(Supplier, bill.supplier_id)
    entry = post(
        coop,
        day,
        f"Bayar tagihan {bill.number} ke {supplier.name}"
        + (f" ({reference})" if reference else ""),
        [(PAYABLE, amount, 0), (account, 0, amount)],
        source="purchase",
        source_ref=bill.number,
        user=user,
        shift=shift,
    )
    payment = SupplierPayment(
        cooperative_id=coop.id,
        bill_id=bill.id,
        date=day,
        amount=amount,
        account=account,
        reference=reference,
        shift_id=shift.id if shift else None,
        entry_id=entry.id,
        idempotency_key=key,
        created_by_id=getattr(user, "id", None),
    )
    db.session.add(payment)
    bill.paid_amount += amount
    bill.status = "paid" if bill.paid_amount >= bill.amount else "open"
    db.session.flush()
    record(
        "supplier_bill.pay",
        user=user,
        cooperative=coop,
        target=bill.number,
        detail={"amount": amount, "account": account, "outstanding": bill.outstanding},
    )
    return payment


# --- payables aging -----------------------------------------------------------------------------


@dataclass
class AgingRow:
    supplier: Supplier
    buckets: dict[str, int] = field(default_factory=lambda: dict.fromkeys(AGING_BUCKETS, 0))
    bills: list[tuple[SupplierBill, int, int]] = field(default_factory=list)  # bill, owed, days

    @property
    def total(self) -> int:
        return sum(self.buckets.values())


@dataclass
class Aging:
    as_of: date
    rows: list[AgingRow]

    @property
    def totals(self) -> dict[str, int]:
        return {b: sum(r.buckets[b] for r in self.rows) for b in AGING_BUCKETS}

    @property
    def total(self) -> int:
        return sum(r.total for r in self.rows)


def bucket_of(days_overdue: int) -> str:
    if days_overdue <= 0:
        return "belum"
    if days_overdue <= 30:
        return "d1_30"
    if days_overdue <= 60:
        return "d31_60"
    if days_overdue <= 90:
        return "d61_90"
    return "d90"


def payables_aging(coop: Cooperative, as_of: date) -> Aging:
    """What is owed to each supplier on ``as_of``, by days past the due date."""
    bills = db.session.scalars(
        select(SupplierBill)
        .where(SupplierBill.cooperative_id == coop.id, SupplierBill.date <= as_of)
        .order_by(SupplierBill.due_date, SupplierBill.id)
    ).all()
    paid = dict(
        db.session.execute(
            select(SupplierPayment.bill_id, func.sum(SupplierPayment.amount))
            .where(SupplierPayment.cooperative_id == coop.id, SupplierPayment.date <= as_of)
            .group_by(SupplierPayment.bill_id)
        ).all()
    )
    # Returns after as_of lowered bill.amount later: add back what they took off the payable.
    later = dict(
        db.session.execute(
            select(PurchaseReturn.receipt_id, func.sum(JournalLine.debit))
            .join(JournalLine, JournalLine.entry_id == PurchaseReturn.entry_id)
            .join(Account, Account.id == JournalLine.account_id)
            .where(
                PurchaseReturn.cooperative_id == coop.id,
                PurchaseReturn.date > as_of,
                Account.code == PAYABLE,
            )
            .group_by(PurchaseReturn.receipt_id)
        ).all()
    )
    rows: dict[int, AgingRow] = {}
    for bill in bills:
        owed = bill.amount + int(later.get(bill.receipt_id, 0) or 0) - int(paid.get(bill.id, 0))
        if owed <= 0:
            continue
        row = rows.get(bill.supplier_id)
        if row is None:
            row = rows[bill.supplier_id] = AgingRow(db.session.get(Supplier, bill.supplier_id))
        days = (as_of - bill.due_date).days
        row.buckets[bucket_of(days)] += owed
        row.bills.append((bill, owed, days))
    return Aging(as_of, sorted(rows.values(), key=lambda r: r.supplier.name.lower()))
