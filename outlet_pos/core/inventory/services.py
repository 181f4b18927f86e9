"""The inventory core (DESIGN §2.5): the one way stock moves.

``receive`` and ``issue`` keep ``stock_level`` (on hand and value at moving average, exactly
as tests/fixtures/moving_average.json) and ``batch_level`` in step with the ``stock_move`` they
append. They flush only and return the value moved: the business action (a sale, a goods
receipt, a count) puts that value into its own one journal entry, so stock and ledger change
in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from sqlalchemy import bindparam, insert, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite

from outlet_pos.core.db import Prepared, utcnow
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.inventory.models import (
    Batch,
    BatchLevel,
    Item,
    ItemUnit,
    Location,
    StockLevel,
    StockMove,
)
from outlet_pos.extensions import db
from outlet_pos.money import allocate, round_half_up

MAX_QTY = Decimal("999999999999.999")


class InsufficientStock(DomainError):
    code = "insufficient_stock"


@dataclass(frozen=True)
class Issued:
    """One chunk of an issue: which batch (None if untracked), how much, at what cost."""

    batch_id: int | None
    qty: Decimal
    cost: int


def fmt_qty(qty: Decimal) -> str:
    """``1.5`` -> ``1,5``; whole numbers without decimals (Indonesian notation)."""
    q = qty.normalize() if qty == qty.to_integral_value() else qty
    text = f"{q:f}".rstrip("0").rstrip(".") if "." in f"{q:f}" else f"{q:f}"
    whole, _, frac = text.partition(".")
    whole = f"{int(whole):,}".replace(",", ".") if whole.lstrip("-").isdigit() else whole
    return f"{whole},{frac}" if frac else whole


def parse_qty(raw: object) -> Decimal:
    """A quantity typed at the counter: ``2``, ``1,5`` or ``1.5``; refuses junk and floats."""
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int) and not isinstance(raw, bool):
        value = Decimal(raw)
    elif isinstance(raw, str):
        text = raw.strip().replace(",", ".")
        if not text or len(text) > 20 or text.count(".") > 1 or "e" in text.lower():
            raise ValidationError("Jumlah barang tidak valid.", field="qty")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValidationError("Jumlah barang tidak valid.", field="qty") from None
    else:
        raise ValidationError("Jumlah barang tidak valid.", field="qty")
    if not value.is_finite():
        raise ValidationError("Jumlah barang tidak valid.", field="qty")
    return value


def to_base(item: Item, unit: ItemUnit, qty: Decimal) -> Decimal:
    """Quantity in ``unit`` -> base units, refusing zero, negatives and more decimals than
    the item's base unit allows (a sack of 50 kg sold as 0,5 is 25 kg: fine; 1,2345 kg: no)."""
    if qty <= 0:
        raise ValidationError("Jumlah barang harus lebih dari nol.", field="qty")
    return check_base_qty(item, qty * unit.factor)


def check_base_qty(item: Item, qty: Decimal, *, allow_zero: bool = False) -> Decimal:
    """A quantity already in base units: positive (or zero when counting), within the base
    unit's decimals."""
    if not isinstance(qty, Decimal):
        qty = parse_qty(qty)
    if qty < 0 or (qty == 0 and not allow_zero):
        raise ValidationError("Jumlah barang harus lebih dari nol.", field="qty")
    if qty > MAX_QTY:
        raise ValidationError("Jumlah barang terlalu besar.", field="qty")
    allowed = Decimal(1).scaleb(-item.decimals)
    if qty != qty.quantize(allowed):
        if item.decimals == 0:
            msg = f"{item.name} dihitung utuh per {item.base_uom}; jumlah tidak boleh pecahan."
        else:
            msg = f"{item.name}: paling banyak {item.decimals} angka di belakang koma."
        raise ValidationError(msg, field="qty")
    return qty.quantize(allowed)


def _insert_ignore(model, values: dict, keys: list[str]) -> None:
    dialect = db.session.get_bind().dialect.name
    mod = postgresql if dialect == "postgresql" else sqlite
    stmt = mod.insert(model.__table__).values(**values).on_conflict_do_nothing(index_elements=keys)
    db.session.execute(stmt)


def _locked(stmt):
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return stmt.execution_options(populate_existing=True)


def level_for(item: Item, location: Location) -> StockLevel:
    """The stock level row, created if missing and locked for the rest of the transaction
    (PostgreSQL row lock; SQLite writers are already serialised by BEGIN IMMEDIATE)."""
    if location.cooperative_id != item.cooperative_id:
        raise ValidationError("Lokasi tidak dikenal.")
    stmt = _locked(
        select(StockLevel).where(
            StockLevel.item_id == item.id, StockLevel.location_id == location.id
        )
    )
    level = db.session.execute(stmt).scalar_one_or_none()
    if level is None:
        # First stock of this item here: insert-or-ignore, so a concurrent first receipt
        # cannot make a second row, then lock the one row there is.
        _insert_ignore(
            StockLevel,
            {
                "cooperative_id": item.cooperative_id,
                "item_id": item.id,
                "location_id": location.id,
                "on_hand": Decimal(0),
                "value": 0,
            },
            ["cooperative_id", "item_id", "location_id"],
        )
        level = db.session.execute(stmt).scalar_one()
    return level


def _batch_level(item: Item, batch: Batch, location: Location) -> BatchLevel:
    _insert_ignore(
        BatchLevel,
        {
            "cooperative_id": item.cooperative_id,
            "item_id": item.id,
            "batch_id": batch.id,
            "location_id": location.id,
            "on_hand": Decimal(0),
        },
        ["cooperative_id", "batch_id", "location_id"],
    )
    return db.session.execute(
        _locked(
            select(BatchLevel).where(
                BatchLevel.batch_id == batch.id, BatchLevel.location_id == location.id
            )
        )
    ).scalar_one()


def get_or_create_batch(item: Item, code: str, expiry: date | None) -> Batch:
    code = (code or "").strip()
    if not code or len(code) > 40:
        raise ValidationError(f"{item.name}: nomor batch wajib diisi.", field="batch")
    batch = db.session.scalar(
        select(Batch).where(
            Batch.cooperative_id == item.cooperative_id,
            Batch.item_id == item.id,
            Batch.code == code,
        )
    )
    if batch is None:
        batch = Batch(cooperative_id=item.cooperative_id, item_id=item.id, code=code, expiry=expiry)
        db.session.add(batch)
        db.session.flush()
    elif expiry is not None and batch.expiry is not None and batch.expiry != expiry:
        raise ValidationError(
            f"Batch {code} sudah tercatat dengan kedaluwarsa {batch.expiry:%d/%m/%Y}.",
            field="expiry",
        )
    elif batch.expiry is None and expiry is not None:
        batch.expiry = expiry
    return batch


# Called with every stock move written through ``_move`` (after it is added to the session):
# a unit that must keep its own book of some items' moves (the pharmacy's narcotics and
# psychotropics register) listens here instead of the core knowing about it. Batch-tracked
# items always move through ``_move``; ``verify`` holds such a book to the stock moves.
MOVE_LISTENERS: list = []


def add_move_listener(listener) -> None:
    """Register ``listener(move, item)`` once (registering the same function again is a no-op)."""
    if listener not in MOVE_LISTENERS:
        MOVE_LISTENERS.append(listener)


def _move(item, location, qty, value, kind, source, day, batch_id=None) -> StockMove:
    move = StockMove(
        cooperative_id=item.cooperative_id,
        item_id=item.id,
        location_id=location.id,
        batch_id=batch_id,
        qty=qty,
        value=value,
        kind=kind,
        source=source[:64],
        date=day,
    )
    db.session.add(move)
    for listener in MOVE_LISTENERS:
        listener(move, item)
    return move


def receive(
    location: Location,
    item: Item,
    qty: Decimal,
    total_cost: int,
    *,
    day: date,
    source: str,
    kind: str = "receive",
    batch: str | None = None,
    expiry: date | None = None,
) -> StockMove:
    """Add ``qty`` base units worth ``total_cost`` rupiah; the average cost follows."""
    if type(total_cost) is not int or total_cost < 0:
        raise ValidationError("Nilai barang harus rupiah bulat tidak negatif.", field="cost")
    qty = check_base_qty(item, qty)
    batch_row = None
    if item.track_batch:
        batch_row = get_or_create_batch(item, batch or "", expiry)
    elif batch:
        raise ValidationError(f"{item.name} tidak dilacak per batch.", field="batch")
    level = level_for(item, location)
    level.on_hand += qty
    level.value += total_cost
    if batch_row is not None:
        _batch_level(item, batch_row, location).on_hand += qty
    return _move(
        item, location, qty, total_cost, kind, source, day, batch_row.id if batch_row else None
    )


def issue_cost(level: StockLevel, qty: Decimal) -> int:
    """Cost of taking ``qty`` out at moving average; the last unit takes all that is left,
    so the inventory account always equals the sum of stock values exactly."""
    if qty == level.on_hand:
        return level.value
    return _average_cost(level.value, level.on_hand, qty)


def _average_cost(value: int, on_hand: Decimal, qty: Decimal) -> int:
    """value * qty / on_hand, rounded half up; exact (the Decimals as integer ratios, one
    Fraction instead of three and two operations: it runs for every line of every sale)."""
    q_num, q_den = qty.as_integer_ratio()
    h_num, h_den = on_hand.as_integer_ratio()
    return round_half_up(Fraction(value * q_num * h_den, q_den * h_num))


def issue(
    location: Location,
    item: Item,
    qty: Decimal,
    *,
    day: date,
    source: str,
    kind: str = "sale",
    batch_id: int | None = None,
    allow_expired: bool = False,
    total_cost: int | None = None,
) -> list[Issued]:
    """Take ``qty`` base units out, first-expiry-first-out for batch-tracked items.

    Refuses more than is on hand ("stok tidak cukup") and expired batches unless writing
    off. Returns the chunks taken with their cost.

    ``total_cost`` (integer rupiah for the whole ``qty``) makes the stock leave at that value
    instead of the moving average: goods sent back to a supplier leave at the cost they came
    in at, so the supplier's credit and the inventory credit are the same figure. What stays
    keeps the rest of the value, so its average is recomputed exactly (value / on hand).
    The override is only honoured when it leaves a sound level behind; otherwise the issue
    falls back to the moving average, and the caller, which sees the cost actually taken in
    the returned chunks, books any difference (a purchase return: to 617100):

    - taking everything that is on hand: all of the value leaves, whatever was asked (a zero
      quantity must not keep a value);
    - a cost above the value on hand: the remainder would be negative.

    Falling back rather than raising keeps a legitimate return possible when the shelf's
    average has drifted far from the received cost.
    """
    qty = check_base_qty(item, qty)
    if total_cost is not None and (type(total_cost) is not int or total_cost < 0):
        raise ValidationError("Nilai barang harus rupiah bulat tidak negatif.", field="cost")
    level = level_for(item, location)
    if qty > level.on_hand:
        raise InsufficientStock(
            f"Stok tidak cukup: {item.name} tersisa {fmt_qty(level.on_hand)} {item.base_uom}.",
            field="qty",
        )
    plan: list[tuple[BatchLevel | None, Decimal]] = []
    if item.track_batch:
        stmt = (
            select(BatchLevel)
            .join(Batch, Batch.id == BatchLevel.batch_id)
            .where(
                BatchLevel.item_id == item.id,
                BatchLevel.location_id == location.id,
                BatchLevel.on_hand > 0,
            )
            .order_by(Batch.expiry.is_(None), Batch.expiry, Batch.id)
        )
        if batch_id is not None:
            stmt = stmt.where(BatchLevel.batch_id == batch_id)
        rows = db.session.execute(_locked(stmt)).scalars().all()
        usable = [
            b for b in rows if allow_expired or b.batch.expiry is None or b.batch.expiry >= day
        ]
        if not usable and rows:
            raise DomainError(
                f"{item.name}: batch {rows[0].batch.code} sudah kedaluwarsa "
                f"({rows[0].batch.expiry:%d/%m/%Y}) dan tidak boleh dijual.",
                field="batch",
            )
        left = qty
        for bl in usable:
            take = min(bl.on_hand, left)
            plan.append((bl, take))
            left -= take
            if not left:
                break
        if left:
            raise InsufficientStock(
                f"Stok tidak cukup: {item.name} yang belum kedaluwarsa tersisa "
                f"{fmt_qty(qty - left)} {item.base_uom}.",
                field="qty",
            )
    else:
        if batch_id is not None:
            raise ValidationError(f"{item.name} tidak dilacak per batch.", field="batch")
        plan.append((None, qty))
    overrides: list[int] | None = None
    if total_cost is not None and qty < level.on_hand and total_cost <= level.value:
        # Shared over the batches by quantity, so the chunks add up to the asked cost exactly.
        overrides = allocate(total_cost, [take for _bl, take in plan])
    out = []
    for idx, (bl, take) in enumerate(plan):
        cost = overrides[idx] if overrides is not None else issue_cost(level, take)
        level.on_hand -= take
        level.value -= cost
        if bl is not None:
            bl.on_hand -= take
        _move(item, location, -take, -cost, kind, source, day, bl.batch_id if bl else None)
        out.append(Issued(bl.batch_id if bl else None, take, cost))
    # No flush here: the next query autoflushes and the commit flushes the rest, so a
    # five-line sale pays for one flush instead of five.
    return out


@dataclass(frozen=True)
class IssueLine:
    """One line of a multi-line issue (a sale's cart). ``item`` is an ORM Item or any object
    with its columns (a sale reads them with one Core query); ``qty`` is in base units."""

    item: Item
    location_id: int
    qty: Decimal
    batch_id: int | None = None


class _Q:
    """Prebuilt statements of ``issue_many``, the counter's stock path: built once, run as
    ``Prepared`` (straight on the DBAPI cursor), no ORM unit of work per line."""

    _lv = StockLevel.__table__
    levels = Prepared(
        select(_lv.c.id, _lv.c.item_id, _lv.c.location_id, _lv.c.on_hand, _lv.c.value)
        .where(
            # The plain IN lets SQLite seek the (item, location) index by item; with the
            # row-value IN alone it scans the whole index, every sale, as the catalog grows.
            _lv.c.item_id.in_(bindparam("items", expanding=True)),
            tuple_(_lv.c.item_id, _lv.c.location_id).in_(bindparam("pairs", expanding=True)),
        )
        # The fixed order every stock lock is taken in: two carts never wait on each other
        # in a circle. FOR UPDATE on PostgreSQL; SQLite compiles none (BEGIN IMMEDIATE).
        .order_by(_lv.c.item_id, _lv.c.location_id)
        .with_for_update()
    )
    set_level = Prepared(
        update(_lv)
        .where(_lv.c.id == bindparam("level_id"))
        .values(on_hand=bindparam("new_on_hand"), value=bindparam("new_value"))
    )
    insert_moves = Prepared(insert(StockMove.__table__))


def issue_many(
    lines: list[IssueLine], *, day: date, source: str, kind: str = "sale"
) -> list[list[Issued]]:
    """Issue several lines as ``issue`` would one by one (same checks, costs and messages),
    with a handful of statements instead of four per line.

    All the stock levels of the lines are locked by ONE ``SELECT ... FOR UPDATE`` in
    (item, location) order, so two cashiers selling the same goods queue instead of
    deadlocking; lines are then applied in item order (a short item is reported as the
    one-by-one issue would report it), the levels updated and the moves inserted with one
    executemany each. Batch-tracked items keep their FEFO path through ``issue`` (their
    levels are already locked here). Returns the chunks per line, in the order of ``lines``.
    """
    # Core statements do not autoflush: write any pending ORM change first, so the levels
    # read here are the transaction's own.
    db.session.flush()
    conn = db.session.connection()
    pairs = sorted({(ln.item.id, ln.location_id) for ln in lines})
    levels = {
        (row.item_id, row.location_id): [row.id, row.on_hand, row.value]
        for row in _Q.levels.rows(
            conn, {"items": sorted({item for item, _loc in pairs}), "pairs": pairs}
        )
    }
    out: list[list[Issued]] = [[] for _ in lines]
    moves: list[dict] = []
    touched: set[tuple[int, int]] = set()
    now = utcnow()
    for idx in sorted(range(len(lines)), key=lambda i: (lines[i].item.id, i)):
        line = lines[idx]
        item = line.item
        if item.track_batch:
            location = db.session.get(Location, line.location_id)
            orm_item = item if isinstance(item, Item) else db.session.get(Item, item.id)
            out[idx] = issue(
                location, orm_item, line.qty, day=day, source=source, kind=kind,
                batch_id=line.batch_id,
            )  # fmt: skip
            continue
        if line.batch_id is not None:
            raise ValidationError(f"{item.name} tidak dilacak per batch.", field="batch")
        qty = check_base_qty(item, line.qty)
        level = levels.get((item.id, line.location_id))
        on_hand = level[1] if level else Decimal(0)
        if qty > on_hand:
            raise InsufficientStock(
                f"Stok tidak cukup: {item.name} tersisa {fmt_qty(on_hand)} {item.base_uom}.",
                field="qty",
            )
        cost = level[2] if qty == on_hand else _average_cost(level[2], on_hand, qty)
        level[1] -= qty
        level[2] -= cost
        touched.add((item.id, line.location_id))
        moves.append(
            {
                "cooperative_id": item.cooperative_id,
                "item_id": item.id,
                "location_id": line.location_id,
                "batch_id": None,
                "qty": -qty,
                "value": -cost,
                "kind": kind,
                "source": source[:64],
                "date": day,
                "created_at": now,
            }
        )
        out[idx] = [Issued(None, qty, cost)]
    if touched:
        rows = [levels[key] for key in sorted(touched)]
        _Q.set_level.many(
            conn, [{"level_id": lid, "new_on_hand": q, "new_value": v} for lid, q, v in rows]
        )
        _Q.insert_moves.many(conn, moves)
        # An ORM copy of a level loaded earlier in this transaction would now be stale.
        mapper = StockLevel.__mapper__
        for lid, _q, _v in rows:
            cached = db.session.identity_map.get(mapper.identity_key_from_primary_key((lid,)))
            if cached is not None:
                db.session.expire(cached)
    return out


def transfer(
    source_loc: Location,
    target_loc: Location,
    item: Item,
    qty: Decimal,
    *,
    day: date,
    source: str,
) -> int:
    """Move stock between locations at its average cost; batches travel with it. Returns the
    value moved (no ledger effect: the item's unit, and so its account, does not change)."""
    if source_loc.id == target_loc.id:
        raise ValidationError("Lokasi asal dan tujuan sama.", field="target")
    total = 0
    for chunk in issue(
        source_loc, item, qty, day=day, source=source, kind="transfer_out", allow_expired=True
    ):
        batch = db.session.get(Batch, chunk.batch_id) if chunk.batch_id else None
        receive(
            target_loc,
            item,
            chunk.qty,
            chunk.cost,
            day=day,
            source=source,
            kind="transfer_in",
            batch=batch.code if batch else None,
            expiry=batch.expiry if batch else None,
        )
        total += chunk.cost
    return total


def inventory_ledger_lines(
    costs: list[tuple[Item, int]], *, debit_account: str, inventory_side: str = "credit"
) -> list[tuple]:
    """Ledger lines moving ``costs`` between an account (HPP, selisih persediaan) and each
    item's inventory account, grouped per account and business unit. ``inventory_side`` is
    "credit" when stock goes out, "debit" when it comes in."""
    grouped: dict[tuple[str, int], int] = {}
    for item, cost in costs:
        if cost:
            key = (item.inventory_account, item.unit_id)
            grouped[key] = grouped.get(key, 0) + cost
    lines: list[tuple] = []
    for (account, unit_id), amount in sorted(grouped.items()):
        if inventory_side == "credit":
            lines += [(debit_account, amount, 0, unit_id), (account, 0, amount, unit_id)]
        else:
            lines += [(account, amount, 0, unit_id), (debit_account, 0, amount, unit_id)]
    return lines
