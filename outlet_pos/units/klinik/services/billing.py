"""Billing a visit at the counter (DESIGN §3.2 "clinic visit": Dr Kas/Piutang; Cr Pendapatan
jasa klinik).

One journal entry per bill, source ``clinic``:
- tunai: Dr 111100 carrying the cashier's open shift, so the drawer count expects it;
- qris:  Dr 112900 (kliring), also taken inside the shift (it is taken at the counter);
- kredit: Dr 113200 with the member, within the member's credit limit (the same balance the
  counter's kredit belanja uses, so one limit covers both);
Cr 413100 with the clinic unit and the patient's member id (members' transactions count for
the SHU's jasa usaha).

A bill is never edited: a void posts the mirror entry (``reverses=``) and marks it batal; cash
goes back out of a drawer that holds it.
"""

from __future__ import annotations

from sqlalchemy import select

from outlet_pos.core.audit import record
from outlet_pos.core.db import lock_for_update, utcnow
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.ledger import post
from outlet_pos.core.ledger.services import is_reversed
from outlet_pos.core.parties import Member
from outlet_pos.core.sales import shifts
from outlet_pos.core.sales.checkout import reserve_member_credit
from outlet_pos.core.sales.common import lock_row
from outlet_pos.core.sales.models import Shift
from outlet_pos.core.sales.sequences import next_value
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah
from outlet_pos.units.klinik.services.visits import _locked_visit, paid_bill
from outlet_pos.units.klinik.visit_models import BILL_METHODS, ClinicBill, Visit

REVENUE = "413100"
DEBIT_ACCOUNTS = {"tunai": shifts.CASH_ACCOUNT, "qris": "112900", "kredit": "113200"}


def _counter_shift(coop: Cooperative, user) -> Shift:
    shift = shifts.open_shift_for(user, coop=coop) if user is not None else None
    if shift is None or shift.cooperative_id != coop.id:
        raise DomainError(
            "Pembayaran di kasir dicatat dalam shift yang terbuka; buka shift kasir dulu.",
            field="method",
        )
    shift = lock_row(Shift, shift.id)
    if shift.status != "open":
        raise DomainError("Shift Anda sudah ditutup.", field="method")
    return shift


def _credit_member(coop: Cooperative, visit: Visit, amount: int) -> Member:
    member_id = visit.patient.member_id
    if member_id is None:
        raise DomainError("Kredit hanya untuk pasien yang terhubung ke anggota koperasi.",
                          field="method")  # fmt: skip
    return reserve_member_credit(coop, member_id, amount, field="method")


def bill_visit(coop: Cooperative, visit: Visit, user, method: str) -> ClinicBill:
    """Post the visit's services as one paid bill (flush only); a refusal writes nothing."""
    if method not in BILL_METHODS:
        raise ValidationError("Pilih cara bayar.", field="method")
    visit = _locked_visit(coop, visit)
    if visit.status not in ("diperiksa", "selesai"):
        raise DomainError(f"Kunjungan berstatus {visit.status_label} belum dapat ditagih.")
    if paid_bill(visit) is not None:
        raise DomainError("Tagihan kunjungan ini sudah dibayar.")
    db.session.expire(visit, ["services"])
    amount = visit.services_total
    if amount <= 0:
        raise DomainError("Belum ada layanan bertarif pada kunjungan ini.")
    shift = _counter_shift(coop, user) if method in ("tunai", "qris") else None
    patient_member = visit.patient.member_id
    member = _credit_member(coop, visit, amount) if method == "kredit" else None
    if shift is None:
        mine = shifts.open_shift_for(user, coop=coop) if user is not None else None
        shift = mine if mine is not None and mine.cooperative_id == coop.id else None
    day = coop.today()
    number = f"KLN-{day.year}-{next_value(coop.id, 'KLN', str(day.year)):06d}"
    debit = (DEBIT_ACCOUNTS[method], amount, 0, None, member.id if member else None)
    credit = (REVENUE, 0, amount, visit.unit_id, patient_member)
    patient = visit.patient
    entry = post(coop, day, f"{number} jasa klinik {patient.number} {patient.name}"[:500],
                 [debit, credit], source="clinic", source_ref=number, unit=visit.unit_id,
                 user=user, shift=shift)  # fmt: skip
    bill = ClinicBill(
        cooperative_id=coop.id, number=number, visit_id=visit.id, date=day, amount=amount,
        method=method, member_id=member.id if member else patient_member,
        shift_id=shift.id if shift else None, entry_id=entry.id, status="lunas",
        created_by_id=getattr(user, "id", user),
    )  # fmt: skip
    db.session.add(bill)
    db.session.flush()
    record("clinic.bill", user=user, cooperative=coop, target=number,
           detail={"amount": amount, "method": method})  # fmt: skip
    return bill


def _void_shift(coop: Cooperative, bill: ClinicBill, user) -> Shift:
    """Cash goes back out of the bill's shift while it is open, else the voider's."""
    shift = lock_row(Shift, bill.shift_id) if bill.shift_id else None
    if shift is None or shift.status != "open":
        shift = _counter_shift(coop, user)
    have = shifts.expected_cash(shift)
    if bill.amount > have:
        raise DomainError(f"Kas di laci hanya {format_rupiah(have)}; tidak cukup untuk "
                          f"mengembalikan {format_rupiah(bill.amount)}.")  # fmt: skip
    return shift


def void_bill(coop: Cooperative, bill: ClinicBill, user, reason: str) -> ClinicBill:
    """Cancel a paid bill by its counter-entry; the number stays used (gapless)."""
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError("Tuliskan alasan pembatalan (minimal 5 karakter).", field="reason")
    if len(reason) > 300:
        raise ValidationError("Alasan maksimal 300 karakter.", field="reason")
    if bill.cooperative_id != coop.id:
        raise DomainError("Tagihan tidak ditemukan.")
    db.session.execute(
        lock_for_update(select(Cooperative.id).where(Cooperative.id == coop.id), key_share=True)
    ).scalar_one()
    bill = lock_row(ClinicBill, bill.id)
    if bill.status != "lunas":
        raise DomainError(f"{bill.number} sudah dibatalkan.")
    entry = bill.entry
    if is_reversed(entry) is not None:
        raise DomainError(f"Jurnal {entry.number} sudah dibalik di luar halaman ini.")
    shift = _void_shift(coop, bill, user) if bill.method == "tunai" else None
    lines = [(ln.account, ln.credit, ln.debit, ln.unit_id, ln.member_id, ln.memo)
             for ln in entry.lines]  # fmt: skip
    counter = post(coop, coop.today(), f"Batal {bill.number}: {reason}"[:500], lines,
                   source="clinic", source_ref=bill.number, unit=entry.unit_id, user=user,
                   reverses=entry, shift=shift)  # fmt: skip
    bill.status = "batal"
    bill.void_reason = reason
    bill.void_entry_id = counter.id
    bill.voided_by_id = getattr(user, "id", user)
    bill.voided_at = utcnow()
    db.session.flush()
    record("clinic.bill.void", user=user, cooperative=coop, target=bill.number,
           detail={"reason": reason, "entry": counter.number})  # fmt: skip
    return bill


def bills_of(visit: Visit) -> list[ClinicBill]:
    return list(
        db.session.scalars(
            select(ClinicBill).where(ClinicBill.visit_id == visit.id).order_by(ClinicBill.id)
        )
    )
