"""Serving a prescription at the pharmacy: its lines sold through the core's ``checkout``
in the apoteker's own open shift, so stock leaves first-expiry-first-out, the sale is one
journal entry and the drug-class rules (rules.py) run exactly as at the counter.

Payment: cash, QRIS, or member credit when the patient is a member (member prices too).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import select

from outlet_pos.core.access import User
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.inventory.models import Item
from outlet_pos.core.inventory.services import check_base_qty, fmt_qty
from outlet_pos.core.parties import Member
from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout
from outlet_pos.core.sales.models import Sale, Shift
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import round_half_up
from outlet_pos.units.apotek.prescription_models import Prescription, PrescriptionDispense
from outlet_pos.units.apotek.prescriptions import get_prescription

PAY_METHODS = {"tunai": "Tunai", "qris": "QRIS", "kredit": "Kredit anggota"}


def open_shift_of(coop: Cooperative, user: User) -> Shift | None:
    return db.session.scalar(
        select(Shift).where(
            Shift.cooperative_id == coop.id, Shift.user_id == user.id, Shift.status == "open"
        )
    )


def patient_member(rx: Prescription) -> Member | None:
    """The patient's membership, if active: member prices and kredit belanja apply."""
    patient = rx.patient
    member = patient.member if patient is not None and patient.member_id else None
    return member if member is not None and member.status == "aktif" else None


@dataclass
class PlanLine:
    line_id: int
    item: Item
    qty: Decimal
    price: int  # per base unit, at the tier the patient buys at
    total: int


def plan(rx: Prescription, quantities: dict[int, Decimal] | None = None) -> list[PlanLine]:
    """What a dispense would sell: each line's remaining quantity (or the quantity asked,
    never more than remains), priced per base unit at the patient's tier."""
    member = patient_member(rx)
    out = []
    for line in rx.lines:
        left = line.remaining
        qty = left if quantities is None else quantities.get(line.id, Decimal(0))
        if qty is None or qty == 0 or left <= 0:
            continue
        item = line.item
        qty = check_base_qty(item, qty)
        if qty > left:
            raise ValidationError(
                f"{item.name}: paling banyak {fmt_qty(left)} {item.base_uom} (sisa resep).",
                field=f"qty_{line.id}",
            )
        base = item.base
        price = base.price_member if member is not None else base.price_general
        total = round_half_up(Fraction(price) * Fraction(qty))
        out.append(PlanLine(line.id, item, qty, price, total))
    return out


def dispense(
    coop: Cooperative,
    user: User,
    rx_id: int,
    *,
    quantities: dict[int, Decimal] | None = None,
    method: str = "tunai",
    tendered: int | None = None,
    reference: str = "",
    idempotency_key: str | None = None,
) -> Sale:
    """Sell the prescription's remaining lines (or ``quantities`` {line id: base qty}) in the
    user's open shift; one transaction with the checkout (the caller's)."""
    if idempotency_key:
        first = db.session.scalar(
            select(Sale).where(
                Sale.cooperative_id == coop.id, Sale.idempotency_key == idempotency_key[:64]
            )
        )
        if first is not None:
            return first
    rx = get_prescription(coop, rx_id)
    if not rx.is_open:
        raise DomainError(f"Resep {rx.number} sudah {rx.status_label.lower()}.")
    shift = open_shift_of(coop, user)
    if shift is None:
        raise DomainError(
            "Anda belum membuka shift kasir; buka shift dulu untuk menerima pembayaran.",
            field="shift",
        )
    lines = plan(rx, quantities)
    if not lines:
        raise ValidationError("Tidak ada obat yang diserahkan.", field="lines")
    total = sum(p.total for p in lines)
    member = patient_member(rx)
    if method not in PAY_METHODS:
        raise ValidationError("Cara bayar tidak dikenal.", field="method")
    if method == "kredit" and member is None:
        raise ValidationError("Kredit belanja hanya untuk pasien anggota koperasi.", field="method")
    if method == "tunai":
        payment = PaymentIn("tunai", total if tendered is None else tendered)
    else:
        payment = PaymentIn(method, total, reference)
    return checkout(
        shift,
        [CartLine(p.item.id, qty=p.qty) for p in lines],
        [payment],
        user=user,
        member=member,
        customer_name=rx.display_name,
        idempotency_key=idempotency_key,
        extra={"prescription_id": rx.id},
    )


def sales_of(rx: Prescription) -> list[Sale]:
    """The sales (and refunds) that handed out or gave back this prescription's drugs."""
    ids = db.session.scalars(
        select(PrescriptionDispense.sale_id)
        .where(PrescriptionDispense.prescription_id == rx.id)
        .distinct()
    ).all()
    if not ids:
        return []
    return list(db.session.scalars(select(Sale).where(Sale.id.in_(ids)).order_by(Sale.id)))
