"""Suppliers and purchase orders (an optional step before a goods receipt)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from outlet_pos.core.audit import record
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.identifiers import IdentifierError, validate_npwp
from outlet_pos.core.inventory import services as inventory
from outlet_pos.core.inventory.models import Item
from outlet_pos.core.purchasing.common import (
    MAX_LINES,
    check_day,
    check_money,
    doc_number,
    item_unit,
    own,
)
from outlet_pos.core.purchasing.models import (
    PurchaseOrder,
    PurchaseOrderLine,
    Supplier,
)
from outlet_pos.core.tenancy import Cooperative, Outlet
from outlet_pos.extensions import db

# --- suppliers -------------------------------------------------------------------------------


def save_supplier(
    coop: Cooperative,
    code: str,
    name: str,
    npwp: str,
    phone: str,
    address: str,
    payment_terms_days: int,
    user,
    supplier: Supplier | None = None,
) -> Supplier:
    code, name = (code or "").strip().upper(), (name or "").strip()
    if not code or len(code) > 20:
        raise ValidationError("Kode pemasok wajib diisi (maksimal 20 karakter).", field="code")
    if not name or len(name) > 200:
        raise ValidationError("Nama pemasok wajib diisi (maksimal 200 karakter).", field="name")
    npwp = (npwp or "").strip()
    if npwp:
        try:
            npwp = validate_npwp(npwp)
        except IdentifierError as exc:
            raise ValidationError(str(exc), field="npwp") from None
    phone, address = (phone or "").strip(), (address or "").strip()
    if len(phone) > 20:
        raise ValidationError("Nomor telepon maksimal 20 karakter.", field="phone")
    if len(address) > 300:
        raise ValidationError("Alamat maksimal 300 karakter.", field="address")
    if type(payment_terms_days) is not int or not 0 <= payment_terms_days <= 365:
        raise ValidationError("Jangka waktu bayar 0 sampai 365 hari.", field="payment_terms_days")
    if supplier is not None:
        own(coop, supplier, "Pemasok")
    clash = db.session.scalar(
        select(Supplier.id).where(Supplier.cooperative_id == coop.id, Supplier.code == code)
    )
    if clash and (supplier is None or clash != supplier.id):
        raise ValidationError(f"Kode pemasok {code} sudah dipakai.", field="code")
    creating = supplier is None
    supplier = supplier or Supplier(cooperative_id=coop.id)
    supplier.code, supplier.name, supplier.npwp = code, name, npwp
    supplier.phone, supplier.address = phone, address
    supplier.payment_terms_days = payment_terms_days
    db.session.add(supplier)
    db.session.flush()
    record(
        "supplier.create" if creating else "supplier.update",
        user=user,
        cooperative=coop,
        target=code,
        detail={"name": name},
    )
    return supplier


# --- purchase orders (optional step) ----------------------------------------------------------


def create_order(
    coop: Cooperative,
    supplier: Supplier,
    outlet: Outlet,
    lines: list[tuple],
    user,
    *,
    day: date | None = None,
    note: str = "",
) -> PurchaseOrder:
    """lines: (item, item_unit, qty in that unit, unit_cost)."""
    own(coop, supplier, "Pemasok")
    own(coop, outlet, "Gerai")
    day = check_day(coop, day or coop.today())
    if not lines:
        raise ValidationError("Pesanan harus berisi paling sedikit satu barang.", field="lines")
    if len(lines) > MAX_LINES:
        raise ValidationError(f"Paling banyak {MAX_LINES} baris.", field="lines")
    order = PurchaseOrder(
        cooperative_id=coop.id,
        supplier_id=supplier.id,
        outlet_id=outlet.id,
        date=day,
        status="open",
        note=(note or "").strip()[:300],
        created_by_id=getattr(user, "id", None),
    )
    for no, (item, unit, qty, unit_cost) in enumerate(lines, start=1):
        item, unit = item_unit(coop, getattr(item, "id", item), getattr(unit, "id", unit), no)
        qty = inventory.parse_qty(qty)
        try:
            inventory.to_base(item, unit, qty)
        except DomainError as exc:
            raise ValidationError(
                f"Baris {no}: {exc.message}", field=f"lines-{no - 1}-qty"
            ) from None
        check_money(unit_cost, f"Baris {no}: harga satuan", f"lines-{no - 1}-cost")
        order.lines.append(
            PurchaseOrderLine(
                cooperative_id=coop.id,
                item_id=item.id,
                item_unit_id=unit.id,
                qty=qty,
                unit_cost=unit_cost,
                received_qty=Decimal(0),
            )
        )
    order.number = doc_number(coop, "PO", day)
    db.session.add(order)
    db.session.flush()
    record(
        "purchase_order.create",
        user=user,
        cooperative=coop,
        target=order.number,
        detail={"supplier": supplier.code, "lines": len(lines)},
    )
    return order


def cancel_order(order: PurchaseOrder, user) -> PurchaseOrder:
    if order.status != "open":
        raise DomainError(f"Pesanan {order.number} tidak terbuka lagi; tidak dapat dibatalkan.")
    order.status = "cancelled"
    db.session.flush()
    record(
        "purchase_order.cancel", user=user, cooperative=order.cooperative_id, target=order.number
    )
    return order


def apply_to_order(order: PurchaseOrder, item: Item, base_qty: Decimal) -> None:
    """Spread a received base quantity over the order's lines for that item, first unfilled
    first; anything beyond what was ordered lands on the last matching line."""
    matching = [ln for ln in order.lines if ln.item_id == item.id]
    left = base_qty
    for i, ln in enumerate(matching):
        factor = ln.item_unit.factor
        room = max(ln.qty - ln.received_qty, Decimal(0)) * factor
        take = left if i == len(matching) - 1 else min(left, room)
        if take > 0:
            ln.received_qty += (take / factor).quantize(Decimal("0.001"))
            left -= take
        if left <= 0:
            break
