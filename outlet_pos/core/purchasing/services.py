"""Purchasing (DESIGN §3.2): suppliers, purchase orders, goods receipts, supplier bills,
payments, purchase returns and the payables aging.

Each business action flushes only and posts at most one journal entry (source "purchase"):

- goods receipt: Dr Persediaan (per item account and business unit) / Cr Utang usaha, or
  Cr Kas/Bank when paid on the spot (Kas from the user's open shift carries that shift);
- supplier payment: Dr Utang usaha / Cr Kas or Bank;
- purchase return: Dr Utang usaha (what is still owed on the bill) and Dr Piutang usaha (the
  rest: the supplier owes us) / Cr Persediaan.

Numbers (PO-, GRN-, BILL-, RTB-, PAY-) are gapless per cooperative and calendar year.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import func, select

from outlet_pos.core.audit import record
from outlet_pos.core.errors import DomainError, NotFound, ValidationError
from outlet_pos.core.identifiers import IdentifierError, validate_npwp
from outlet_pos.core.inventory import services as inventory
from outlet_pos.core.inventory.catalog import default_location
from outlet_pos.core.inventory.models import Batch, Item, ItemUnit, Location
from outlet_pos.core.ledger import post
from outlet_pos.core.ledger.models import Account, JournalLine
from outlet_pos.core.purchasing.models import (
    GoodsReceipt,
    GoodsReceiptLine,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseReturn,
    PurchaseReturnLine,
    Supplier,
    SupplierBill,
    SupplierPayment,
)
from outlet_pos.core.sales import shifts
from outlet_pos.core.sales.sequences import next_value
from outlet_pos.core.tenancy import BusinessUnit, Cooperative, Outlet
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah, round_half_up

PAYABLE = "211100"
RECEIVABLE = "113100"
CASH = shifts.CASH_ACCOUNT
PAY_ACCOUNTS = {"111100": "Kas (tunai)", "112100": "Bank (transfer)"}
MAX_LINES = 50
MAX_MONEY = 10**12
AGING_BUCKETS = ["belum", "d1_30", "d31_60", "d61_90", "d90"]
AGING_LABELS = {
    "belum": "Belum jatuh tempo",
    "d1_30": "1–30 hari",
    "d31_60": "31–60 hari",
    "d61_90": "61–90 hari",
    "d90": "> 90 hari",
}


def _number(coop: Cooperative, prefix: str, day: date) -> str:
    return f"{prefix}-{day.year}-{next_value(coop.id, prefix, str(day.year)):04d}"


def _money(value: object, label: str, field_name: str, *, positive: bool = False) -> int:
    if type(value) is not int or value < (1 if positive else 0) or value > MAX_MONEY:
        need = "lebih dari nol" if positive else "tidak negatif"
        raise ValidationError(f"{label} harus rupiah bulat {need}.", field=field_name)
    return value


def _check_day(coop: Cooperative, day: object) -> date:
    if not isinstance(day, date):
        raise ValidationError("Tanggal tidak valid.", field="date")
    if day > coop.today():
        raise ValidationError("Tanggal tidak boleh setelah hari ini.", field="date")
    return day


def _own(coop: Cooperative, obj, label: str):
    if obj is None or obj.cooperative_id != coop.id:
        raise NotFound(f"{label} tidak ditemukan.")
    return obj


def _drawer_shift(coop: Cooperative, user, account: str, amount: int):
    """The user's open shift when cash leaves the drawer; refuses more than the drawer holds."""
    if account != CASH or user is None:
        return None
    shift = shifts.open_shift_for(user)
    if shift is None or shift.cooperative_id != coop.id:
        return None
    have = shifts.expected_cash(shift)
    if have < amount:
        raise DomainError(
            f"Kas di laci shift Anda hanya {format_rupiah(have)}; tidak cukup untuk membayar "
            f"{format_rupiah(amount)}. Bayar lewat bank atau setor kas dulu.",
            field="account",
        )
    return shift


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
        _own(coop, supplier, "Pemasok")
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


def _item_unit(coop: Cooperative, item_id, unit_id, no: int) -> tuple[Item, ItemUnit]:
    item = db.session.get(Item, item_id) if isinstance(item_id, int) else None
    if item is None or item.cooperative_id != coop.id:
        raise ValidationError(f"Baris {no}: barang tidak dikenal.", field=f"lines-{no - 1}-item")
    unit = db.session.get(ItemUnit, unit_id) if isinstance(unit_id, int) else None
    if unit is None or unit.item_id != item.id:
        raise ValidationError(
            f"Baris {no}: satuan tidak dikenal untuk {item.name}.", field=f"lines-{no - 1}-unit"
        )
    return item, unit


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
    _own(coop, supplier, "Pemasok")
    _own(coop, outlet, "Gerai")
    day = _check_day(coop, day or coop.today())
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
        item, unit = _item_unit(coop, getattr(item, "id", item), getattr(unit, "id", unit), no)
        qty = inventory.parse_qty(qty)
        try:
            inventory.to_base(item, unit, qty)
        except DomainError as exc:
            raise ValidationError(
                f"Baris {no}: {exc.message}", field=f"lines-{no - 1}-qty"
            ) from None
        _money(unit_cost, f"Baris {no}: harga satuan", f"lines-{no - 1}-cost")
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
    order.number = _number(coop, "PO", day)
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


def _apply_to_order(order: PurchaseOrder, item: Item, base_qty: Decimal) -> None:
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


# --- goods receipts ----------------------------------------------------------------------------


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
    _own(coop, supplier, "Pemasok")
    _own(coop, outlet, "Gerai")
    day = _check_day(coop, day)
    supplier_ref = (supplier_ref or "").strip()
    if len(supplier_ref) > 60:
        raise ValidationError("Nomor surat jalan maksimal 60 karakter.", field="supplier_ref")
    if paid_cash_account not in (None, "", *PAY_ACCOUNTS):
        raise ValidationError("Pilih cara bayar: utang, kas atau bank.", field="paid")
    if order is not None:
        _own(coop, order, "Pesanan")
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
        item, unit = _item_unit(coop, ln.item_id, ln.item_unit_id, no)
        prefix = f"lines-{no - 1}-"
        try:
            qty = inventory.parse_qty(ln.qty)
            base_qty = inventory.to_base(item, unit, qty)
        except DomainError as exc:
            raise ValidationError(f"Baris {no}: {exc.message}", field=prefix + "qty") from None
        cost = _money(ln.total_cost, f"Baris {no}: harga total", prefix + "cost")
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
    receipt.number = _number(coop, "GRN", day)
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
            _apply_to_order(order, item, base_qty)
    if order is not None and all(ln.received_qty >= ln.qty for ln in order.lines):
        order.status = "received"

    credit = paid_cash_account or PAYABLE
    shift = _drawer_shift(coop, user, credit, receipt.total)
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
                number=_number(coop, "BILL", day),
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
    day = _check_day(coop, day)
    amount = _money(amount, "Jumlah bayar", "amount", positive=True)
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
    shift = _drawer_shift(coop, user, account, amount)
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


# --- purchase returns ---------------------------------------------------------------------------


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
    day = _check_day(coop, day)
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
        number=_number(coop, "RTB", day),
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
    # Stock leaves at its moving average (the inventory core's rule); what the supplier
    # credits is the received cost. Any gap between the two is an inventory difference.
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
