"""Read-only queries behind the catalog and stock pages (always scoped to one cooperative)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, or_, select

from outlet_pos.core.inventory.counting_models import StockCount, StockCountLine
from outlet_pos.core.inventory.models import (
    MOVE_KINDS,
    Batch,
    BatchLevel,
    Item,
    ItemBarcode,
    Location,
    StockLevel,
    StockMove,
)
from outlet_pos.core.tenancy import BusinessUnit, Cooperative, parse_id
from outlet_pos.extensions import db
from outlet_pos.money import round_half_up

PAGE_SIZE = 50
EXPIRY_WINDOWS = (30, 60, 90)


def unit_choices(coop: Cooperative, blank: str) -> dict[str, str]:
    units = db.session.scalars(
        select(BusinessUnit)
        .where(BusinessUnit.cooperative_id == coop.id, BusinessUnit.active.is_(True))
        .order_by(BusinessUnit.name)
    )
    return {"": blank, **{str(u.id): u.name for u in units}}


def category_choices(coop: Cooperative, blank: str) -> dict[str, str]:
    cats = db.session.scalars(
        select(Item.category)
        .where(Item.cooperative_id == coop.id, Item.category != "")
        .distinct()
        .order_by(Item.category)
    )
    return {"": blank, **{c: c for c in cats}}


def locations(coop: Cooperative, *, active_only: bool = True) -> list[Location]:
    stmt = select(Location).where(Location.cooperative_id == coop.id)
    if active_only:
        stmt = stmt.where(Location.active.is_(True))
    return list(db.session.scalars(stmt.order_by(Location.code)))


def location_choices(coop: Cooperative, blank: str | None) -> dict[str, str]:
    head = {"": blank} if blank is not None else {}
    return head | {str(loc.id): f"{loc.code} — {loc.name}" for loc in locations(coop)}


def as_id(raw: str | None) -> int | None:
    return parse_id(raw)


def find_item(coop: Cooperative, text: str) -> Item | None:
    """An item by exact SKU or barcode (the transfer and write-off forms)."""
    text = (text or "").strip()
    if not text:
        return None
    item = db.session.scalar(select(Item).where(Item.cooperative_id == coop.id, Item.sku == text))
    if item is None:
        item = db.session.scalar(
            select(Item)
            .join(ItemBarcode, ItemBarcode.item_id == Item.id)
            .where(ItemBarcode.cooperative_id == coop.id, ItemBarcode.code == text)
        )
    return item


def item_options(coop: Cooperative, limit: int = 500) -> list[Item]:
    return list(
        db.session.scalars(
            select(Item)
            .where(Item.cooperative_id == coop.id, Item.active.is_(True))
            .order_by(Item.name)
            .limit(limit)
        )
    )


# --- catalog ------------------------------------------------------------------------------------


def item_page(coop: Cooperative, *, q="", unit_id=None, category="", active="", page=1):
    stmt = select(Item).where(Item.cooperative_id == coop.id)
    q = (q or "").strip()
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(Item.name).like(like),
                func.lower(Item.sku).like(like),
                Item.id.in_(
                    select(ItemBarcode.item_id).where(
                        ItemBarcode.cooperative_id == coop.id, ItemBarcode.code == q
                    )
                ),
            )
        )
    if unit_id:
        stmt = stmt.where(Item.unit_id == unit_id)
    if category:
        stmt = stmt.where(Item.category == category)
    if active in ("0", "1"):
        stmt = stmt.where(Item.active.is_(active == "1"))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    items = db.session.scalars(
        stmt.order_by(func.lower(Item.name), Item.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    on_hand = dict(
        db.session.execute(
            select(StockLevel.item_id, func.sum(StockLevel.on_hand))
            .where(StockLevel.item_id.in_([i.id for i in items]))
            .group_by(StockLevel.item_id)
        ).all()
    )
    return items, on_hand, total, max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)


# --- stock --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StockRow:
    item: Item
    location: Location
    on_hand: Decimal
    value: int

    @property
    def average(self) -> int:
        if self.on_hand <= 0:
            return 0
        return round_half_up(self.value / self.on_hand)

    @property
    def status(self) -> str:
        if self.on_hand <= 0:
            return "out"
        if self.item.reorder_point > 0 and self.on_hand <= self.item.reorder_point:
            return "low"
        return "ok"


def stock_rows(coop: Cooperative, *, q="", location_id=None, unit_id=None, category="", status=""):
    stmt = (
        select(Item, Location, StockLevel.on_hand, StockLevel.value)
        .join(StockLevel, StockLevel.item_id == Item.id)
        .join(Location, Location.id == StockLevel.location_id)
        .where(StockLevel.cooperative_id == coop.id)
    )
    q = (q or "").strip()
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(or_(func.lower(Item.name).like(like), func.lower(Item.sku).like(like)))
    if location_id:
        stmt = stmt.where(StockLevel.location_id == location_id)
    if unit_id:
        stmt = stmt.where(Item.unit_id == unit_id)
    if category:
        stmt = stmt.where(Item.category == category)
    if status == "out":
        stmt = stmt.where(StockLevel.on_hand <= 0)
    elif status == "low":
        stmt = stmt.where(StockLevel.on_hand <= Item.reorder_point, Item.reorder_point > 0)
    else:
        stmt = stmt.where(or_(StockLevel.on_hand != 0, Item.active.is_(True)))
    rows = db.session.execute(stmt.order_by(func.lower(Item.name), Location.code)).all()
    return [StockRow(i, loc, q_, v) for i, loc, q_, v in rows]


def low_stock(coop: Cooperative, limit: int = 50) -> list[tuple[Item, Decimal]]:
    """Active items at or below their reorder point, all locations together (never-received
    items count as zero)."""
    total = func.coalesce(func.sum(StockLevel.on_hand), 0)
    rows = db.session.execute(
        select(Item, total)
        .outerjoin(StockLevel, StockLevel.item_id == Item.id)
        .where(Item.cooperative_id == coop.id, Item.active.is_(True), Item.reorder_point > 0)
        .group_by(Item.id)
        .having(total <= Item.reorder_point)
        .order_by(func.lower(Item.name))
        .limit(limit)
    ).all()
    return [(item, Decimal(qty)) for item, qty in rows]


@dataclass(frozen=True)
class ExpiringRow:
    item: Item
    batch: Batch
    location: Location
    on_hand: Decimal
    days: int  # negative: already expired

    @property
    def badge(self) -> tuple[str, str]:
        if self.days < 0:
            return "badge-red", "Kedaluwarsa"
        for window, cls in ((30, "badge-red"), (60, "badge-warn"), (90, "")):
            if self.days <= window:
                return cls, f"≤ {window} hari"
        return "", ""


def expiring(coop: Cooperative, today: date, days: int = 90, location_id=None) -> list[ExpiringRow]:
    stmt = (
        select(Item, Batch, Location, BatchLevel.on_hand)
        .join(Batch, Batch.id == BatchLevel.batch_id)
        .join(Item, Item.id == BatchLevel.item_id)
        .join(Location, Location.id == BatchLevel.location_id)
        .where(
            BatchLevel.cooperative_id == coop.id,
            BatchLevel.on_hand > 0,
            Batch.expiry.is_not(None),
            Batch.expiry <= today + timedelta(days=days),
        )
        .order_by(Batch.expiry, func.lower(Item.name))
    )
    if location_id:
        stmt = stmt.where(BatchLevel.location_id == location_id)
    return [
        ExpiringRow(i, b, loc, q, (b.expiry - today).days)
        for i, b, loc, q in db.session.execute(stmt).all()
    ]


# --- stock card ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CardRow:
    move: StockMove
    label: str
    qty_in: Decimal | None
    qty_out: Decimal | None
    value_in: int | None
    value_out: int | None
    balance_qty: Decimal
    balance_value: int


def item_locations(item: Item) -> list[Location]:
    """Locations where the item has ever moved, by code."""
    return list(
        db.session.scalars(
            select(Location)
            .where(
                Location.id.in_(
                    select(StockMove.location_id).where(StockMove.item_id == item.id).distinct()
                )
            )
            .order_by(Location.code)
        )
    )


def stock_card(item: Item, location: Location, limit: int = 2000) -> tuple[list[CardRow], bool]:
    """Every move of the item at the location with running quantity and value (kartu stok).
    Returns the rows (oldest first) and whether older moves were folded into the opening."""
    moves = db.session.scalars(
        select(StockMove)
        .where(StockMove.item_id == item.id, StockMove.location_id == location.id)
        .order_by(StockMove.id.desc())
        .limit(limit + 1)
    ).all()
    truncated = len(moves) > limit
    moves = list(reversed(moves[:limit]))
    qty, value = Decimal(0), 0
    if truncated and moves:
        qty, value = db.session.execute(
            select(
                func.coalesce(func.sum(StockMove.qty), 0),
                func.coalesce(func.sum(StockMove.value), 0),
            ).where(
                StockMove.item_id == item.id,
                StockMove.location_id == location.id,
                StockMove.id < moves[0].id,
            )
        ).one()
        qty, value = Decimal(qty), int(value)
    rows = []
    for m in moves:
        qty += m.qty
        value += m.value
        rows.append(
            CardRow(
                m,
                MOVE_KINDS.get(m.kind, m.kind),
                m.qty if m.qty > 0 else None,
                -m.qty if m.qty < 0 else None,
                m.value if m.qty > 0 else None,
                -m.value if m.qty < 0 else None,
                qty,
                value,
            )
        )
    return rows, truncated


# --- counts -------------------------------------------------------------------------------------


def count_page(coop: Cooperative, page: int = 1):
    stmt = select(StockCount).where(StockCount.cooperative_id == coop.id)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    counts = db.session.scalars(
        stmt.order_by(StockCount.id.desc()).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    sums = dict(
        db.session.execute(
            select(StockCountLine.count_id, func.count(StockCountLine.id))
            .where(StockCountLine.count_id.in_([c.id for c in counts]))
            .group_by(StockCountLine.count_id)
        ).all()
    )
    values = dict(
        db.session.execute(
            select(StockCountLine.count_id, func.sum(StockCountLine.variance_value))
            .where(StockCountLine.count_id.in_([c.id for c in counts]))
            .group_by(StockCountLine.count_id)
        ).all()
    )
    return counts, sums, values, total, max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
