"""Purchase returns: goods back to the supplier at the cost they were received at."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import func, select

from outlet_pos.core.audit import record
from outlet_pos.core.errors import DomainError, NotFound, ValidationError
from outlet_pos.core.inventory import services as inventory
from outlet_pos.core.inventory.models import Batch, Item, Location
from outlet_pos.core.ledger import post
from outlet_pos.core.purchasing.common import (
    PAYABLE,
    RECEIVABLE,
    check_day,
    doc_number,
)
from outlet_pos.core.purchasing.models import (
    GoodsReceipt,
    GoodsReceiptLine,
    PurchaseReturn,
    PurchaseReturnLine,
)
from outlet_pos.core.purchasing.receipts import bill_for
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import round_half_up


def returned_value(line: GoodsReceiptLine) -> int:
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(PurchaseReturnLine.value), 0)).where(
                PurchaseReturnLine.receipt_line_id == line.id
            )
        )
    )


def return_goods(
    receipt: GoodsReceipt, quantities: dict[int, Decimal], reason: str, *, user, day: date
) -> PurchaseReturn:
    """Send goods back at their received cost: {receipt_line_id: base quantity}."""
    coop = db.session.get(Cooperative, receipt.cooperative_id)
    day = check_day(coop, day)
    reason = (reason or "").strip()
    if len(reason) < 3 or len(reason) > 300:
        raise ValidationError("Alasan retur wajib diisi (3–300 karakter).", field="reason")
    if day < receipt.date:
        raise ValidationError("Tanggal retur tidak boleh sebelum tanggal terima.", field="date")
    by_id = {ln.id: ln for ln in receipt.lines}
    wanted = []
    for line_id, raw in quantities.items():
        line = by_id.get(line_id)
        if line is None:
            raise NotFound("Baris penerimaan tidak ditemukan.")
        qty = inventory.parse_qty(raw)
        if qty == 0:
            continue
        item = db.session.get(Item, line.item_id)
        field_name = f"qty-{line.id}"
        try:
            qty = inventory.check_base_qty(item, qty)
        except DomainError as exc:
            raise ValidationError(exc.message, field=field_name) from None
        left = line.base_qty - line.returned_qty
        if qty > left:
            raise ValidationError(
                f"{item.name}: paling banyak {inventory.fmt_qty(left)} {item.base_uom} dapat "
                "diretur.",
                field=field_name,
            )
        wanted.append((line, item, qty))
    if not wanted:
        raise ValidationError(
            "Isi jumlah yang diretur pada paling sedikit satu baris.", field="lines"
        )

    ret = PurchaseReturn(
        cooperative_id=coop.id,
        receipt_id=receipt.id,
        number=doc_number(coop, "RTB", day),
        date=day,
        reason=reason,
        created_by_id=getattr(user, "id", None),
    )
    db.session.add(ret)
    credits: list[tuple[Item, int]] = []
    for line, item, qty in sorted(wanted, key=lambda w: w[0].id):
        if line.returned_qty + qty == line.base_qty:
            value = line.total - returned_value(line)  # the last unit takes the remainder
        else:
            value = round_half_up(Fraction(line.total) * Fraction(qty) / Fraction(line.base_qty))
        batch_id = None
        if item.track_batch:
            batch_id = db.session.scalar(
                select(Batch.id).where(
                    Batch.cooperative_id == coop.id,
                    Batch.item_id == item.id,
                    Batch.code == line.batch_code,
                )
            )
        loc = db.session.get(Location, line.location_id)
        try:
            chunks = inventory.issue(
                loc,
                item,
                qty,
                day=day,
                source=f"purchase:{ret.number}",
                kind="purchase_return",
                batch_id=batch_id,
                allow_expired=True,
                total_cost=value,  # out of stock at the received cost, as the supplier credits
            )
        except DomainError as exc:
            raise ValidationError(exc.message, field=f"qty-{line.id}") from None
        credits.append((item, sum(c.cost for c in chunks)))
        line.returned_qty += qty
        ret.lines.append(
            PurchaseReturnLine(
                cooperative_id=coop.id,
                receipt_line_id=line.id,
                base_qty=qty,
                value=value,
            )
        )
        ret.total += value

    bill = bill_for(receipt)
    owed = min(ret.total, bill.outstanding) if bill is not None and bill.outstanding > 0 else 0
    lines: list[tuple] = []
    if owed:
        lines.append((PAYABLE, owed, 0))
    if ret.total - owed:
        lines.append((RECEIVABLE, ret.total - owed, 0))
    stock_out: dict[tuple[str, int], int] = defaultdict(int)
    for item, cost in credits:
        stock_out[(item.inventory_account, item.unit_id)] += cost
    for (account, unit_id), cost in sorted(stock_out.items()):
        if cost:
            lines.append((account, 0, cost, unit_id))
    # Stock leaves at the received cost, the figure the supplier credits. Where the inventory
    # core could not honour it (the return takes all that is left, or more value than is on
    # hand) the stock left at its moving average instead, and the gap is an inventory
    # difference (617100).
    gap = ret.total - sum(stock_out.values())
    for unit_id, share in _split_gap(gap, stock_out):
        lines.append(("617100", 0, share, unit_id) if share > 0 else ("617100", -share, 0, unit_id))
    if ret.total or any(ln[1] or ln[2] for ln in lines):
        entry = post(
            coop,
            day,
            f"Retur pembelian {ret.number} atas {receipt.number}: {reason}"[:500],
            [ln for ln in lines if ln[1] or ln[2]],
            source="purchase",
            source_ref=ret.number,
            user=user,
        )
        ret.entry_id = entry.id
    if bill is not None and owed:
        bill.amount -= owed
        bill.status = "paid" if bill.paid_amount >= bill.amount else "open"
    db.session.flush()
    record(
        "purchase_return.create",
        user=user,
        cooperative=coop,
        target=ret.number,
        detail={"receipt": receipt.number, "total": ret.total, "reason": reason},
    )
    return ret


def _split_gap(gap: int, stock_out: dict[tuple[str, int], int]) -> list[tuple[int, int]]:
    if not gap:
        return []
    unit_id = max(stock_out.items(), key=lambda kv: kv[1])[0][1] if stock_out else None
    return [(unit_id, gap)]
