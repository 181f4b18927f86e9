"""Stock counts (stock opname), write-offs and transfers: the stock actions that are not a sale
or a purchase (DESIGN §2.5, §3.2).

A count goes draft -> submitted -> posted (or cancelled). The sheet snapshots the system
quantity when it is printed, but the variance is fixed only at posting, against the quantity
on hand *then*: sales made while the shelf was being counted must not turn into variances.
Every action flushes only; the caller commits once (``run_transaction``). Money moves through
one ``ledger.post`` per action, stock only through ``inventory.services``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import select

from outlet_pos.core.audit import record
from outlet_pos.core.db import utcnow
from outlet_pos.core.errors import DomainError, NotFound, PermissionDenied, ValidationError
from outlet_pos.core.inventory.counting_models import StockCount, StockCountLine
from outlet_pos.core.inventory.models import (
    Batch,
    BatchLevel,
    Item,
    Location,
    StockLevel,
    StockMove,
)
from outlet_pos.core.inventory.services import (
    check_base_qty,
    fmt_qty,
    inventory_ledger_lines,
    issue,
    level_for,
    parse_qty,
    receive,
    transfer,
)
from outlet_pos.core.ledger import post
from outlet_pos.core.ledger.models import JournalEntry
from outlet_pos.core.sales.sequences import next_value
from outlet_pos.core.tenancy import Cooperative, Outlet
from outlet_pos.extensions import db
from outlet_pos.money import round_half_up

VARIANCE_ACCOUNT = "617100"  # Selisih/rusak/kedaluwarsa persediaan
OPEN_STATUSES = ("draft", "submitted")
MAX_REASON = 300


@dataclass(frozen=True)
class Variance:
    """What posting a line would do now: counted minus the current on hand, and its value."""

    line: StockCountLine
    on_hand: Decimal
    qty: Decimal
    value: int  # signed: negative is a loss


# --- helpers ------------------------------------------------------------------------------------


def _check_location(coop: Cooperative, location: Location) -> None:
    if location is None or location.cooperative_id != coop.id:
        raise NotFound("Lokasi tidak ditemukan.")


def _check_item(coop: Cooperative, item: Item) -> None:
    if item is None or item.cooperative_id != coop.id:
        raise NotFound("Barang tidak ditemukan.")


def _coop_of(count: StockCount) -> Cooperative:
    return db.session.get(Cooperative, count.cooperative_id)


def counted_qty(item: Item, raw: object) -> Decimal:
    """A counted quantity in base units: zero allowed, never negative, no more decimals than
    the item's base unit has (3 kg of rice, 2,5 kg of sugar, never 1,5 bottles)."""
    qty = parse_qty(raw)
    if qty < 0:
        raise ValidationError(f"{item.name}: jumlah hitung tidak boleh negatif.", field="qty")
    return check_base_qty(item, qty, allow_zero=True)


def _on_hand(line: StockCountLine, location_id: int) -> Decimal:
    if line.batch_id is not None:
        qty = db.session.scalar(
            select(BatchLevel.on_hand).where(
                BatchLevel.batch_id == line.batch_id, BatchLevel.location_id == location_id
            )
        )
    else:
        qty = db.session.scalar(
            select(StockLevel.on_hand).where(
                StockLevel.item_id == line.item_id, StockLevel.location_id == location_id
            )
        )
    return qty if qty is not None else Decimal(0)


def last_receive_cost(item: Item, location: Location, qty: Decimal) -> int:
    """What ``qty`` would cost at the item's last receipt (this location first, then any), for
    a gain found on a shelf the books say is empty; Rp0 if it was never received."""
    stmt = (
        select(StockMove.qty, StockMove.value)
        .where(StockMove.item_id == item.id, StockMove.kind == "receive", StockMove.qty > 0)
        .order_by(StockMove.id.desc())
        .limit(1)
    )
    row = db.session.execute(stmt.where(StockMove.location_id == location.id)).first()
    row = row or db.session.execute(stmt).first()
    if row is None:
        return 0
    return round_half_up(Fraction(row.value) * Fraction(qty) / Fraction(row.qty))


def gain_cost(level: StockLevel, item: Item, location: Location, qty: Decimal) -> int:
    """A gain enters at the current average cost, so the average does not move."""
    if level.on_hand > 0:
        return round_half_up(Fraction(level.value) * Fraction(qty) / Fraction(level.on_hand))
    return last_receive_cost(item, location, qty)


def _estimate(level_value: int, level_qty: Decimal, item, location, qty: Decimal) -> int:
    if level_qty > 0:
        if -qty == level_qty:
            return -level_value
        return round_half_up(Fraction(level_value) * Fraction(qty) / Fraction(level_qty))
    return last_receive_cost(item, location, qty) if qty > 0 else 0


# --- the count sheet ----------------------------------------------------------------------------


def _count_number(coop: Cooperative, location: Location, day) -> str:
    outlet = db.session.get(Outlet, location.outlet_id)
    seq = next_value(coop.id, f"stock_count:{outlet.id}", day.isoformat())
    return f"SO-{outlet.code}-{day:%Y%m%d}-{seq}"


def create_count(
    coop: Cooperative,
    location: Location,
    user,
    *,
    items: list[int] | None = None,
    note: str = "",
) -> StockCount:
    """Open a count sheet for ``location``: one line per item in stock there (per batch for
    batch-tracked items) with the system quantity as it stands now.

    ``items`` (ids) limits the sheet to those items, and then also lists them when the books
    say none are there, so stock the system has lost track of can be counted back in.
    """
    _check_location(coop, location)
    if not location.active:
        raise ValidationError("Lokasi tidak aktif.", field="location")
    note = (note or "").strip()
    if len(note) > 300:
        raise ValidationError("Catatan maksimal 300 karakter.", field="note")
    busy = db.session.scalar(
        select(StockCount.number).where(
            StockCount.cooperative_id == coop.id,
            StockCount.location_id == location.id,
            StockCount.status.in_(OPEN_STATUSES),
        )
    )
    if busy:
        raise ValidationError(
            f"Stok opname {busy} di lokasi ini belum selesai; posting atau batalkan dulu.",
            field="location",
        )
    wanted: set[int] | None = None
    if items is not None:
        wanted = {int(i) for i in items}
        if not wanted:
            raise ValidationError("Pilih barang yang akan dihitung.", field="items")
        found = set(
            db.session.scalars(
                select(Item.id).where(Item.cooperative_id == coop.id, Item.id.in_(wanted))
            )
        )
        if found != wanted:
            raise NotFound("Barang tidak ditemukan.")

    plain = db.session.execute(
        select(Item, StockLevel.on_hand)
        .outerjoin(
            StockLevel,
            (StockLevel.item_id == Item.id) & (StockLevel.location_id == location.id),
        )
        .where(Item.cooperative_id == coop.id, Item.track_batch.is_(False))
        .order_by(Item.name, Item.id)
    ).all()
    batched = db.session.execute(
        select(Item, Batch, BatchLevel.on_hand)
        .join(BatchLevel, BatchLevel.item_id == Item.id)
        .join(Batch, Batch.id == BatchLevel.batch_id)
        .where(
            Item.cooperative_id == coop.id,
            Item.track_batch.is_(True),
            BatchLevel.location_id == location.id,
        )
        .order_by(Item.name, Item.id, Batch.expiry.is_(None), Batch.expiry, Batch.id)
    ).all()
    rows: list[tuple[Item, int | None, Decimal]] = []
    for item, on_hand in plain:
        on_hand = on_hand or Decimal(0)
        if (wanted is None and on_hand > 0) or (wanted is not None and item.id in wanted):
            rows.append((item, None, on_hand))
    for item, batch, on_hand in batched:
        if (wanted is None and on_hand > 0) or (wanted is not None and item.id in wanted):
            rows.append((item, batch.id, on_hand))
    rows.sort(key=lambda r: (r[0].name.lower(), r[0].id, r[1] or 0))
    if not rows:
        raise ValidationError("Tidak ada barang di lokasi ini untuk dihitung.", field="location")

    day = coop.today()
    count = StockCount(
        cooperative_id=coop.id,
        location_id=location.id,
        number=_count_number(coop, location, day),
        date=day,
        status="draft",
        note=note,
        created_by_id=getattr(user, "id", None),
    )
    db.session.add(count)
    db.session.flush()
    for item, batch_id, on_hand in rows:
        count.lines.append(
            StockCountLine(
                cooperative_id=coop.id,
                item_id=item.id,
                batch_id=batch_id,
                system_qty=on_hand,
            )
        )
    db.session.flush()
    record(
        "stock.count.create",
        user=user,
        cooperative=coop,
        target=count.number,
        detail={"location": location.code, "lines": len(rows)},
    )
    return count


def record_counts(count: StockCount, counts: dict[int, object], user) -> int:
    """Write counted quantities (``{line_id: qty}``; ``None`` or "" clears a line) on a draft.
    Returns how many lines were set. The first bad quantity refuses everything; its field
    is ``line-<id>`` so a page can show it beside that line."""
    if count.status != "draft":
        raise DomainError("Hasil hitung hanya dapat diubah selama stok opname masih draf.")
    by_id = {line.id: line for line in count.lines}
    parsed: dict[int, Decimal | None] = {}
    for raw_id, raw in counts.items():
        line = by_id.get(int(raw_id))
        if line is None:
            raise NotFound("Baris stok opname tidak ditemukan.")
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            parsed[line.id] = None
            continue
        try:
            parsed[line.id] = counted_qty(line.item, raw)
        except DomainError as exc:
            raise ValidationError(exc.message, field=f"line-{line.id}") from None
    for line_id, qty in parsed.items():
        by_id[line_id].counted_qty = qty
    db.session.flush()
    return sum(1 for q in parsed.values() if q is not None)


def submit_count(count: StockCount, user) -> StockCount:
    """Draft -> submitted, once every line has been counted."""
    if count.status != "draft":
        raise DomainError("Hanya stok opname draf yang dapat diajukan.")
    if not count.lines:
        raise ValidationError("Stok opname ini tidak memiliki baris.")
    missing = sum(1 for line in count.lines if line.counted_qty is None)
    if missing:
        raise ValidationError(f"Masih ada {missing} baris yang belum dihitung.")
    count.status = "submitted"
    db.session.flush()
    record("stock.count.submit", user=user, cooperative=_coop_of(count), target=count.number)
    return count


def preview_variances(count: StockCount) -> list[Variance]:
    """The variances posting would make now (read only): counted - current on hand, valued at
    the current average cost. After posting, the stored variances are the truth."""
    location = db.session.get(Location, count.location_id)
    levels = {
        lvl.item_id: lvl
        for lvl in db.session.scalars(
            select(StockLevel).where(StockLevel.location_id == count.location_id)
        )
    }
    out = []
    for line in count.lines:
        on_hand = _on_hand(line, count.location_id)
        qty = (line.counted_qty - on_hand) if line.counted_qty is not None else Decimal(0)
        lvl = levels.get(line.item_id)
        value = 0
        if qty:
            level_value, level_qty = (lvl.value, lvl.on_hand) if lvl else (0, Decimal(0))
            value = _estimate(level_value, level_qty, line.item, location, qty)
        out.append(Variance(line, on_hand, qty, value))
    return out


def approve_and_post(count: StockCount, approver) -> StockCount:
    """Post a submitted count: stock set to the counted quantities and ONE journal entry,
    losses Dr Selisih persediaan / Cr Persediaan, gains the reverse, per business unit.

    Only someone holding ``stock.approve`` (a pengurus) may post. Losses leave through
    ``issue(kind="count")`` (expired batches too: they are on the shelf), gains enter through
    ``receive(kind="count")`` at the current average cost.
    """
    coop = _coop_of(count)
    if approver is None or not approver.can("stock.approve", coop):
        raise PermissionDenied("Stok opname hanya dapat disetujui oleh pengurus.")
    if count.status != "submitted":
        raise DomainError("Hanya stok opname yang sudah diajukan yang dapat diposting.")
    if any(line.counted_qty is None for line in count.lines):
        raise ValidationError("Masih ada baris yang belum dihitung.")
    location = db.session.get(Location, count.location_id)
    day = coop.today()
    source = f"count:{count.number}"
    losses: list[tuple[Item, int]] = []
    gains: list[tuple[Item, int]] = []
    # A fixed order (item, then batch) so two postings lock stock rows in the same order.
    for line in sorted(count.lines, key=lambda ln: (ln.item_id, ln.batch_id or 0, ln.id)):
        item = line.item
        level = level_for(item, location)  # locks the level for the rest of the transaction
        variance = line.counted_qty - _on_hand(line, location.id)
        value = 0
        if variance < 0:
            chunks = issue(
                location,
                item,
                -variance,
                day=day,
                source=source,
                kind="count",
                batch_id=line.batch_id,
                allow_expired=True,
            )
            value = -sum(c.cost for c in chunks)
            losses.append((item, -value))
        elif variance > 0:
            value = gain_cost(level, item, location, variance)
            batch = db.session.get(Batch, line.batch_id) if line.batch_id else None
            if item.track_batch and batch is None:
                raise ValidationError(f"{item.name}: selisih lebih perlu nomor batch.")
            receive(
                location,
                item,
                variance,
                value,
                day=day,
                source=source,
                kind="count",
                batch=batch.code if batch else None,
                expiry=batch.expiry if batch else None,
            )
            gains.append((item, value))
        line.variance_qty = variance
        line.variance_value = value
    lines = inventory_ledger_lines(losses, debit_account=VARIANCE_ACCOUNT)
    lines += inventory_ledger_lines(gains, debit_account=VARIANCE_ACCOUNT, inventory_side="debit")
    entry = None
    if lines:
        entry = post(
            coop,
            day,
            f"Stok opname {count.number} — {location.name}",
            lines,
            source="stock",
            source_ref=count.number,
            user=approver,
        )
    count.status = "posted"
    count.approved_by_id = approver.id
    count.approved_at = utcnow()
    count.entry_id = entry.id if entry is not None else None
    db.session.flush()
    record(
        "stock.count.post",
        user=approver,
        cooperative=coop,
        target=count.number,
        detail={
            "loss": sum(v for _, v in losses),
            "gain": sum(v for _, v in gains),
            "lines": len(count.lines),
            "entry": entry.number if entry is not None else None,
        },
    )
    return count


def cancel_count(count: StockCount, user, reason: str = "") -> StockCount:
    """Draft or submitted -> cancelled; nothing was posted, so nothing is undone."""
    if count.status not in OPEN_STATUSES:
        raise DomainError("Stok opname yang sudah diposting atau dibatalkan tidak dapat diubah.")
    reason = (reason or "").strip()[:MAX_REASON]
    count.status = "cancelled"
    db.session.flush()
    record(
        "stock.count.cancel",
        user=user,
        cooperative=_coop_of(count),
        target=count.number,
        detail={"reason": reason},
    )
    return count


# --- write-off and transfer ---------------------------------------------------------------------


def _check_batch(item: Item, batch_id: int | None) -> Batch | None:
    if batch_id is None:
        return None
    batch = db.session.get(Batch, batch_id)
    if batch is None or batch.item_id != item.id:
        raise NotFound("Batch tidak ditemukan.")
    return batch


def write_off(
    coop: Cooperative,
    location: Location,
    item: Item,
    qty: object,
    reason: str,
    user,
    *,
    batch_id: int | None = None,
    permission: str = "stock.manage",
) -> JournalEntry:
    """Take damaged or expired goods off the books: the stock leaves through
    ``issue(kind="write_off")`` (expired batches allowed) and its cost goes
    Dr Selisih/rusak/kedaluwarsa persediaan / Cr Persediaan in one entry. A unit whose own
    staff write off its goods (the pharmacy's apoteker) names the permission that allows it."""
    _check_location(coop, location)
    _check_item(coop, item)
    if user is not None and not user.can(permission, coop):
        raise PermissionDenied("Anda tidak berhak menghapus stok.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Alasan penghapusan wajib diisi.", field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationError(f"Alasan maksimal {MAX_REASON} karakter.", field="reason")
    # Without a batch, first-expiry-first-out picks the batches: expired ones go first.
    batch = _check_batch(item, batch_id)
    base_qty = check_base_qty(item, parse_qty(qty))
    day = coop.today()
    chunks = issue(
        location,
        item,
        base_qty,
        day=day,
        source=f"write_off:{item.sku}",
        kind="write_off",
        batch_id=batch_id,
        allow_expired=True,
    )
    cost = sum(c.cost for c in chunks)
    if cost <= 0:
        raise ValidationError(
            f"{item.name} bernilai Rp0 di buku; koreksi jumlahnya lewat stok opname.", field="qty"
        )
    what = f"{fmt_qty(base_qty)} {item.base_uom} {item.name}"
    if batch is not None:
        what += f" (batch {batch.code})"
    entry = post(
        coop,
        day,
        f"Penghapusan persediaan {what}: {reason}"[:500],
        inventory_ledger_lines([(item, cost)], debit_account=VARIANCE_ACCOUNT),
        source="stock",
        source_ref=item.sku,
        user=user,
    )
    record(
        "stock.write_off",
        user=user,
        cooperative=coop,
        target=item.sku,
        detail={
            "qty": str(base_qty),
            "value": cost,
            "reason": reason,
            "location": location.code,
            "batch": batch.code if batch else None,
            "entry": entry.number,
        },
    )
    return entry


def transfer_stock(
    coop: Cooperative,
    source_location: Location,
    target_location: Location,
    item: Item,
    qty: object,
    user,
    *,
    note: str = "",
) -> int:
    """Move stock between two locations of the cooperative at its average cost (batches travel
    with it); audited. No journal: the item's account and business unit do not change.
    Returns the value moved."""
    _check_location(coop, source_location)
    _check_location(coop, target_location)
    _check_item(coop, item)
    if user is not None and not user.can("stock.manage", coop):
        raise PermissionDenied("Anda tidak berhak memindahkan stok.")
    if not target_location.active:
        raise ValidationError("Lokasi tujuan tidak aktif.", field="target")
    base_qty = check_base_qty(item, parse_qty(qty))
    source = f"transfer:{source_location.code}>{target_location.code}"
    value = transfer(
        source_location, target_location, item, base_qty, day=coop.today(), source=source
    )
    record(
        "stock.transfer",
        user=user,
        cooperative=coop,
        target=item.sku,
        detail={
            "qty": str(base_qty),
            "value": value,
            "from": source_location.code,
            "to": target_location.code,
            "note": (note or "").strip()[:MAX_REASON],
        },
    )
    return value
