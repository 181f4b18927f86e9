"""Goods receipts: stock in at the received cost (the moving average follows), one journal
entry (Dr Persediaan / Cr Utang usaha, or Cr Kas/Bank when paid on the spot) and a bill."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from outlet_pos.core.audit import record
from outlet_pos.core.db import lock_for_update
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.inventory import services as inventory
from outlet_pos.core.inventory.catalog import default_location
from outlet_pos.core.inventory.models import Location
from outlet_pos.core.ledger import post
from outlet_pos.core.purchasing.common import (
    MAX_LINES,
    PAY_ACCOUNTS,
    PAYABLE,
    check_day,
    check_money,
    doc_number,
    drawer_shift,
    item_unit,
    own,
)
from outlet_pos.core.purchasing.models import (
    GoodsReceipt,
    GoodsReceiptLine,
    PurchaseOrder,
    Supplier,
    SupplierBill,
)
from outlet_pos.core.purchasing.orders import apply_to_order
from outlet_pos.core.tenancy import BusinessUnit, Cooperative, Outlet
from outlet_pos.extensions import db


@dataclass(frozen=True)
class ReceiptLineIn:
    item_id: int
    item_unit_id: int
    qty: Decimal  # in the unit received
    total_cost: int  # rupiah for the whole line
    batch_code: str = ""
    expiry: date | None = None
    location_id: int | None = None


def _existing_receipt(coop: Cooperative, key: str | None) -> GoodsReceipt | None:
    if not key:
        return None
    return db.session.scalar(
        select(GoodsReceipt).where(
            GoodsReceipt.cooperative_id == coop.id, GoodsReceipt.idempotency_key == key
        )
    )


def receive_goods(
    coop: Cooperative,
    supplier: Supplier,
    outlet: Outlet,
    lines: list[ReceiptLineIn],
    *,
    user,
    day: date,
    supplier_ref: str = "",
    order: PurchaseOrder | None = None,
    paid_cash_account: str | None = None,
    idempotency_key: str | None = None,
) -> GoodsReceipt:
    """Stock in at cost, one journal entry, and a bill (unless paid on the spot)."""
    key = (idempotency_key or "").strip()[:64] or None
    first = _existing_receipt(coop, key)
    if first is not None:
        return first
    own(coop, supplier, "Pemasok")
    own(coop, outlet, "Gerai")
    day = check_day(coop, day)
    supplier_ref = (supplier_ref or "").strip()
    if len(supplier_ref) > 60:
        raise ValidationError("Nomor surat jalan maksimal 60 karakter.", field="supplier_ref")
    if paid_cash_account not in (None, "", *PAY_ACCOUNTS):
        raise ValidationError("Pilih cara bayar: utang, kas atau bank.", field="paid")
    if order is not None:
        own(coop, order, "Pesanan")
        # Its status as it stands under the lock: a page loaded the order before (found by
        # review: an order cancelled or completed meanwhile could still be received against).
        order = db.session.execute(
            lock_for_update(select(PurchaseOrder).where(PurchaseOrder.id == order.id))
            .execution_options(populate_existing=True)
        ).scalar_one()
        if order.status != "open":
            raise DomainError(f"Pesanan {order.number} tidak terbuka lagi.", field="order")
        if order.supplier_id != supplier.id:
            raise ValidationError("Pesanan itu untuk pemasok lain.", field="order")
    if not lines:
        raise ValidationError("Isi paling sedikit satu baris barang.", field="lines")
    if len(lines) > MAX_LINES:
        raise ValidationError(f"Paling banyak {MAX_LINES} baris.", field="lines")

    receipt = GoodsReceipt(
        cooperative_id=coop.id,
        supplier_id=supplier.id,
        outlet_id=outlet.id,
        order_id=order.id if order else None,
        supplier_ref=supplier_ref,
        date=day,
        paid_cash=bool(paid_cash_account),
        idempotency_key=key,
        created_by_id=getattr(user, "id", None),
    )
    prepared = []
    for no, ln in enumerate(lines, start=1):
        item, unit = item_unit(coop, ln.item_id, ln.item_unit_id, no)
        prefix = f"lines-{no - 1}-"
        try:
            qty = inventory.parse_qty(ln.qty)
            base_qty = inventory.to_base(item, unit, qty)
        except DomainError as exc:
            raise ValidationError(f"Baris {no}: {exc.message}", field=prefix + "qty") from None
        cost = check_money(ln.total_cost, f"Baris {no}: harga total", prefix + "cost")
        batch_code = (ln.batch_code or "").strip()
        if item.track_batch:
            if not batch_code:
                raise ValidationError(
                    f"Baris {no}: {item.name} dilacak per batch; nomor batch wajib diisi.",
                    field=prefix + "batch",
                )
            if len(batch_code) > 40:
                raise ValidationError(
                    f"Baris {no}: nomor batch maksimal 40 karakter.", field=prefix + "batch"
                )
            if ln.expiry is None:
                raise ValidationError(
                    f"Baris {no}: tanggal kedaluwarsa {item.name} wajib diisi.",
                    field=prefix + "expiry",
                )
        elif batch_code:
            raise ValidationError(
                f"Baris {no}: {item.name} tidak dilacak per batch.", field=prefix + "batch"
            )
        if ln.expiry is not None and ln.expiry < day:
            raise ValidationError(
                f"Baris {no}: barang sudah kedaluwarsa; jangan diterima.", field=prefix + "expiry"
            )
        if ln.location_id is not None:
            loc = db.session.get(Location, ln.location_id)
            if loc is None or loc.cooperative_id != coop.id or loc.outlet_id != outlet.id:
                raise ValidationError(f"Baris {no}: lokasi tidak dikenal.", field=prefix + "item")
        else:
            loc = default_location(coop, outlet, db.session.get(BusinessUnit, item.unit_id))
        prepared.append((item, unit, qty, base_qty, cost, batch_code, ln.expiry, loc))

    receipt.total = sum(p[4] for p in prepared)
    receipt.number = doc_number(coop, "GRN", day)
    db.session.add(receipt)
    db.session.flush()
    for no, (item, unit, qty, base_qty, cost, batch_code, expiry, loc) in enumerate(prepared, 1):
        try:
            inventory.receive(
                loc,
                item,
                base_qty,
                cost,
                day=day,
                source=f"purchase:{receipt.number}",
                kind="receive",
                batch=batch_code or None,
                expiry=expiry if item.track_batch else None,
            )
        except DomainError as exc:
            raise ValidationError(
                f"Baris {no}: {exc.message}", field=f"lines-{no - 1}-{exc.field or 'item'}"
            ) from None
        receipt.lines.append(
            GoodsReceiptLine(
                cooperative_id=coop.id,
                item_id=item.id,
                item_unit_id=unit.id,
                location_id=loc.id,
                qty=qty,
                base_qty=base_qty,
                total=cost,
                batch_code=batch_code,
                expiry=expiry if item.track_batch else None,
                returned_qty=Decimal(0),
            )
        )
        if order is not None:
            apply_to_order(order, item, base_qty)
    if order is not None and all(ln.received_qty >= ln.qty for ln in order.lines):
        order.status = "received"

    credit = paid_cash_account or PAYABLE
    shift = drawer_shift(coop, user, credit, receipt.total)
    if receipt.total:
        entry = post(
            coop,
            day,
            f"Penerimaan barang {receipt.number} dari {supplier.name}"
            + (f" ({supplier_ref})" if supplier_ref else ""),
            inventory.inventory_ledger_lines(
                [(p[0], p[4]) for p in prepared], debit_account=credit, inventory_side="debit"
            ),
            source="purchase",
            source_ref=receipt.number,
            user=user,
            shift=shift,
        )
        receipt.entry_id = entry.id
    if not paid_cash_account:
        db.session.add(
            SupplierBill(
                cooperative_id=coop.id,
                supplier_id=supplier.id,
                receipt_id=receipt.id,
                number=doc_number(coop, "BILL", day),
                supplier_invoice=supplier_ref,
                date=day,
                due_date=day + timedelta(days=supplier.payment_terms_days or 0),
                amount=receipt.total,
                paid_amount=0,
                status="open" if receipt.total else "paid",
            )
        )
    db.session.flush()
    record(
        "goods_receipt.create",
        user=user,
        cooperative=coop,
        target=receipt.number,
        detail={
            "supplier": supplier.code,
            "total": receipt.total,
            "paid": paid_cash_account or "utang",
        },
    )
    return receipt


def bill_for(receipt: GoodsReceipt) -> SupplierBill | None:
    return db.session.scalar(
        select(SupplierBill).where(
            SupplierBill.cooperative_id == receipt.cooperative_id,
            SupplierBill.receipt_id == receipt.id,
        )
    )
