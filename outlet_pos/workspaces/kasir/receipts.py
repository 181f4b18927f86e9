"""Receipts and refunds of a sale as the cashier's pages show and print them."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from sqlalchemy import select

from outlet_pos.core.access import User
from outlet_pos.core.audit import AuditEvent, record
from outlet_pos.core.documents.receipt import ReceiptData, ReceiptLine, ReceiptPayment
from outlet_pos.core.inventory.services import fmt_qty
from outlet_pos.core.sales.models import Sale, SaleLine
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db
from outlet_pos.formatting import waktu
from outlet_pos.money import allocate, round_half_up
from outlet_pos.units.pupuk import services as pupuk

# --- receipts -----------------------------------------------------------------------------


def receipt_data(sale: Sale, *, copy: bool = False) -> ReceiptData:
    """What a receipt prints for ``sale`` (or a refund), in the cooperative's local time."""
    coop = db.session.get(Cooperative, sale.cooperative_id)
    lines = list(sale.lines)
    units = db.session.scalars(
        select(BusinessUnit.name)
        .where(BusinessUnit.id.in_({line.business_unit_id for line in lines}))
        .order_by(BusinessUnit.name)
    ).all()
    # Lines show their own discount; the receipt discount is shown once below the subtotal.
    # Its share per line is spread in proportion to the lines' totals, as checkout did.
    shares = (
        allocate(sale.discount_amount, [line.total for line in lines])
        if sale.discount_amount and sum(line.total for line in lines)
        else [0] * len(lines)
    )
    printed = []
    for line, share in zip(lines, shares, strict=True):
        gross = round_half_up(Fraction(line.unit_price) * Fraction(line.qty))
        own = max(line.discount_amount - share, 0)
        printed.append(
            ReceiptLine(
                name=line.name,
                qty=f"{fmt_qty(line.qty)} {line.unit_name}",
                unit_price=line.unit_price,
                discount=own,
                total=max(gross - own, 0) if sale.kind == "sale" else line.total,
                taxed=line.tax_amount > 0,
            )
        )
    address = ", ".join(p for p in (coop.address, coop.desa, coop.kecamatan) if p.strip())
    member = sale.member
    return ReceiptData(
        coop_name=coop.name,
        coop_address=address,
        npwp=coop.npwp,
        is_pkp=coop.is_pkp,
        outlet_name=sale.outlet.name if sale.outlet else "",
        unit_name=", ".join(units),
        cashier=sale.cashier.full_name if sale.cashier else "",
        printed_local=f"{waktu(coop.local_time(sale.created_at))} {coop.timezone}",
        number=sale.number,
        public_id=sale.public_id,
        lines=printed,
        subtotal=sale.subtotal,
        receipt_discount=sale.discount_amount,
        total=sale.total,
        tax=sale.tax_amount,
        dpp=sale.dpp_amount,
        payments=[ReceiptPayment(p.label, p.amount, p.reference) for p in sale.payments],
        change=sale.change_amount,
        member_number=member.member_number if member else "",
        member_name=member.name if member else "",
        copy=copy,
        kind=sale.kind,
        refund_of=sale.refund_of.number if sale.refund_of else "",
        notes=pupuk.receipt_notes(sale.id),
    )


def take_print(sale: Sale, user: User, width: int) -> bool:
    """Count a print of ``sale``; True if it is a copy (flush only). The first print is the
    original; every later one is a reprint (``Sale.reprints``) marked SALINAN and audited."""
    printed = db.session.scalar(
        select(AuditEvent.id).where(
            AuditEvent.cooperative_id == sale.cooperative_id,
            AuditEvent.action == "sale.print",
            AuditEvent.target == sale.number,
        )
    )
    coop = db.session.get(Cooperative, sale.cooperative_id)
    if printed is None:
        record("sale.print", user=user, cooperative=coop, target=sale.number, detail={"mm": width})
        db.session.flush()
        return False
    sale.reprints = (sale.reprints or 0) + 1
    record(
        "sale.reprint",
        user=user,
        cooperative=coop,
        target=sale.number,
        detail={"mm": width, "reprints": sale.reprints},
    )
    db.session.flush()
    return True


# --- refunds ------------------------------------------------------------------------------


def refundable(sale: Sale) -> list[tuple[SaleLine, Decimal]]:
    """Each line with what may still be returned, in the unit it was sold in."""
    out = []
    for line in sale.lines:
        left = line.base_qty - line.refunded_qty
        per_unit = line.base_qty / line.qty if line.qty else Decimal(1)
        out.append((line, (left / per_unit).quantize(Decimal("0.001")).normalize()))
    return out


def refunds_of(sale: Sale) -> list[Sale]:
    return list(
        db.session.scalars(select(Sale).where(Sale.refund_of_id == sale.id).order_by(Sale.id))
    )
