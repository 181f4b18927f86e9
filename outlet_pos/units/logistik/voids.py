"""Voiding a parcel's intake payment: the parcel never left the counter, so the sender gets
the money back and the courier partner is owed nothing for it.

Without this a parcel returned at the counter (``diterima`` -> ``dikembalikan``) stayed in
the partner's unsettled charges and was paid out at the next settlement while the sender
was never refunded. The void posts ONE reversing entry (the intake entry itself is never
edited): Dr 211900 the partner's share, Dr 414100 the commission (with the sender's member
id, so the member's SHU participation drops too), Cr the way it was paid — 111100 in the
clerk's open shift (the drawer must hold it), 112900 QRIS or 113200 the member's credit.
A charge already paid to the partner cannot be voided: the money is with the courier, and
getting it back is a matter between the cooperative and its partner, not a counter refund.
"""

from __future__ import annotations

from sqlalchemy import select

from outlet_pos.core.audit import record
from outlet_pos.core.db import utcnow
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.ledger import post
from outlet_pos.core.ledger.services import LineInput
from outlet_pos.core.sales.common import lock_row
from outlet_pos.core.sales.models import Shift
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.units.logistik.models import Parcel, ParcelEvent
from outlet_pos.units.logistik.money import (
    DEBIT_FOR,
    PAYABLE,
    REVENUE,
    SOURCE,
    _counter_shift,
    _drawer_holds,
    _own_parcel,
    logistik_unit,
)
from outlet_pos.units.logistik.money_models import ParcelCharge

# A parcel handed to the courier has been carried: its charge stands even if it comes back.
VOIDABLE_STATUSES = ("diterima", "dikembalikan")
LEFT_THE_COUNTER = ("diserahkan_ke_kurir", "dalam_perjalanan", "terkirim")


def never_left(parcel: Parcel) -> bool:
    """Whether the parcel is (or was returned while) still at the counter: its timeline never
    reached the courier."""
    return parcel.status in VOIDABLE_STATUSES and not db.session.scalar(
        select(ParcelEvent.id)
        .where(ParcelEvent.parcel_id == parcel.id, ParcelEvent.status.in_(LEFT_THE_COUNTER))
        .limit(1)
    )


def active_charge(parcel: Parcel) -> ParcelCharge | None:
    """The parcel's intake charge while it still stands (not voided)."""
    return db.session.scalar(
        select(ParcelCharge).where(
            ParcelCharge.cooperative_id == parcel.cooperative_id,
            ParcelCharge.parcel_id == parcel.id,
            ParcelCharge.void_entry_id.is_(None),
        )
    )


def can_void(parcel: Parcel) -> bool:
    """Whether the parcel page offers the void action (the service checks again)."""
    charge = active_charge(parcel)
    return (
        charge is not None and charge.settlement_id is None and parcel.status in VOIDABLE_STATUSES
    )


def void_intake(
    coop: Cooperative, parcel: Parcel | int, user, shift: Shift | None, reason: str
) -> ParcelCharge | None:
    """Refund the sender's intake payment with one reversing entry (flush only; a refusal
    writes nothing). Returns the voided charge, or None when nothing was paid (a free own
    delivery), so a return of an unpaid parcel needs no refund."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Tuliskan alasan pembatalan.", field="reason")
    if len(reason) > 300:
        raise ValidationError("Alasan maksimal 300 karakter.", field="reason")
    parcel = _own_parcel(coop, parcel)
    if not never_left(parcel):
        raise DomainError(f"Paket {parcel.number} sudah diserahkan ke kurir; ongkos kirim "
                          "tidak dapat dibatalkan di loket.")  # fmt: skip
    charge = active_charge(parcel)
    if charge is None:
        if db.session.scalar(select(ParcelCharge.id).where(ParcelCharge.parcel_id == parcel.id)):
            raise DomainError(f"Ongkos kirim paket {parcel.number} sudah dibatalkan.")
        return None
    charge = lock_row(ParcelCharge, charge.id)  # a settlement of this partner waits its turn
    if charge.void_entry_id is not None:
        raise DomainError(f"Ongkos kirim paket {parcel.number} sudah dibatalkan.")
    if charge.settlement_id is not None:
        raise DomainError(f"Ongkos kirim paket {parcel.number} sudah disetorkan ke kurir; "
                          "tidak dapat dibatalkan. Selesaikan pengembalian dengan mitra "
                          "kurir.")  # fmt: skip
    shift = _counter_shift(coop, user, shift, required=charge.method == "tunai")
    if charge.method == "tunai":
        _drawer_holds(shift, charge.total_amount)
    unit = logistik_unit(coop, parcel)
    lines = []
    if charge.courier_amount:
        lines.append(LineInput(PAYABLE, charge.courier_amount, 0, unit, None, parcel.number))
    if charge.commission_amount:
        lines.append(LineInput(REVENUE, charge.commission_amount, 0, unit,
                               parcel.sender_member_id, parcel.number))  # fmt: skip
    credit_member = charge.member_id if charge.method == "kredit" else None
    lines.append(LineInput(DEBIT_FOR[charge.method], 0, charge.total_amount, None, credit_member))
    memo = f"{parcel.number} batal ongkos kirim {parcel.sender_name}: {reason}"[:500]
    shift = shift if charge.method == "tunai" else None
    entry = post(coop, coop.today(), memo, lines, source=SOURCE, source_ref=parcel.number,
                 unit=unit, user=user, shift=shift)  # fmt: skip
    charge.void_entry_id, charge.voided_at, charge.void_reason = entry.id, utcnow(), reason
    db.session.flush()
    record("logistics.intake_void", user=user, cooperative=coop, target=parcel.number,
           detail={"total": charge.total_amount, "method": charge.method,
                   "entry": entry.number, "reason": reason})  # fmt: skip
    return charge


def return_and_refund(
    coop: Cooperative, parcel: Parcel | int, user, shift: Shift | None, reason: str
) -> Parcel:
    """The manager's page action: a parcel still at the counter is returned (which refunds
    the sender, see ``parcels.advance``); one already returned only gets its refund."""
    from outlet_pos.units.logistik.parcels import advance

    parcel = _own_parcel(coop, parcel)
    if parcel.status == "diterima":
        return advance(coop, parcel, user, "dikembalikan", note=reason, shift=shift)
    void_intake(coop, parcel, user, shift, reason)
    return parcel
