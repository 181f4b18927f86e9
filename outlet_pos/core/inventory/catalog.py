"""The catalog: items with their units of measure, prices and barcodes, and locations.

Used by the item pages, the CSV/Excel import and the demo, so each builds items the same way.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import bindparam, column, func, or_, select, table, union
from sqlalchemy.engine import Engine

from outlet_pos.core.audit import record
from outlet_pos.core.errors import NotFound, ValidationError
from outlet_pos.core.inventory.models import Item, ItemBarcode, ItemUnit, Location
from outlet_pos.core.tenancy import BusinessUnit, Cooperative, Outlet
from outlet_pos.extensions import db

INVENTORY_ACCOUNTS = {"114100": "Persediaan", "114200": "Persediaan pupuk bersubsidi"}


@dataclass
class UnitSpec:
    """A unit of measure as a form or import row gives it."""

    name: str
    factor: Decimal
    price_member: int
    price_general: int
    barcodes: list[str] = field(default_factory=list)


# Guards a unit adds on items it owns facts about (the pharmacy: a drug stays a batch-tracked
# item of an apotek unit, priced under its HET). Called by ``save_item`` before it changes an
# existing item, as ``guard(coop, item, unit=..., track_batch=..., units=...)``; a guard
# raises ``ValidationError`` to refuse. The core knows the hook, never the units.
ItemGuard = Callable[..., None]
_ITEM_GUARDS: list[ItemGuard] = []


def add_item_guard(guard: ItemGuard) -> None:
    """Register ``guard`` once (re-registering the same function is a no-op)."""
    if guard not in _ITEM_GUARDS:
        _ITEM_GUARDS.append(guard)


def _check_unit(spec: UnitSpec, item_name: str) -> None:
    name = (spec.name or "").strip()
    if not name or len(name) > 20:
        raise ValidationError("Nama satuan wajib diisi (maksimal 20 karakter).", field="units")
    if not isinstance(spec.factor, Decimal) or spec.factor <= 0:
        raise ValidationError(f"Isi satuan {name} harus lebih dari nol.", field="units")
    for price in (spec.price_member, spec.price_general):
        if type(price) is not int or price < 0 or price > 10**12:
            raise ValidationError(
                f"Harga {item_name} per {name} harus rupiah bulat tidak negatif.", field="price"
            )


def save_item(
    coop: Cooperative,
    *,
    unit: BusinessUnit,
    sku: str,
    name: str,
    base_uom: str,
    units: list[UnitSpec],
    category: str = "",
    decimals: int = 0,
    taxable: bool = True,
    track_batch: bool = False,
    reorder_point: Decimal = Decimal(0),
    inventory_account: str = "114100",
    active: bool = True,
    item: Item | None = None,
    user=None,
) -> Item:
    """Create or update an item with all its units and barcodes (flush only).

    The first unit must be the base unit (factor 1). Barcodes are unique per cooperative.
    """
    sku, name = (sku or "").strip(), (name or "").strip()
    if not sku or len(sku) > 40:
        raise ValidationError("SKU wajib diisi (maksimal 40 karakter).", field="sku")
    if not name or len(name) > 200:
        raise ValidationError("Nama barang wajib diisi (maksimal 200 karakter).", field="name")
    if unit.cooperative_id != coop.id:
        raise NotFound("Unit usaha tidak ditemukan.")
    if not 0 <= decimals <= 3:
        raise ValidationError("Desimal satuan dasar 0 sampai 3.", field="decimals")
    if inventory_account not in INVENTORY_ACCOUNTS:
        raise ValidationError("Akun persediaan tidak dikenal.", field="inventory_account")
    if not units or units[0].factor != 1:
        raise ValidationError("Satuan pertama harus satuan dasar dengan isi 1.", field="units")
    names = [u.name.strip().lower() for u in units]
    if len(set(names)) != len(names):
        raise ValidationError("Nama satuan tidak boleh kembar.", field="units")
    for spec in units:
        _check_unit(spec, name)
    clash = db.session.scalar(
        select(Item.id).where(Item.cooperative_id == coop.id, Item.sku == sku)
    )
    if clash and (item is None or clash != item.id):
        raise ValidationError(f"SKU {sku} sudah dipakai.", field="sku")
    codes = [c.strip() for spec in units for c in spec.barcodes if c.strip()]
    if len(set(codes)) != len(codes):
        raise ValidationError("Barcode tidak boleh kembar.", field="barcodes")
    for code in codes:
        if len(code) > 40 or not code.isascii():
            raise ValidationError(f"Barcode {code[:40]} tidak valid.", field="barcodes")
        owner = db.session.scalar(
            select(ItemBarcode.item_id).where(
                ItemBarcode.cooperative_id == coop.id, ItemBarcode.code == code
            )
        )
        if owner and (item is None or owner != item.id):
            raise ValidationError(f"Barcode {code} sudah dipakai barang lain.", field="barcodes")

    creating = item is None
    if not creating:
        for guard in _ITEM_GUARDS:
            guard(coop, item, unit=unit, track_batch=track_batch, units=units)
    if creating:
        item = Item(cooperative_id=coop.id)
        db.session.add(item)
    elif _has_stock_history(item):
        # Stock already valued under this unit, account and batch scheme: changing them
        # would strand value on the old account or make stock unsellable.
        frozen = {
            "base_uom": (item.base_uom, base_uom.strip(), "Satuan dasar"),
            "unit": (item.unit_id, unit.id, "Unit usaha"),
            "inventory_account": (item.inventory_account, inventory_account, "Akun persediaan"),
            "track_batch": (item.track_batch, track_batch, "Pelacakan batch"),
            "decimals": (item.decimals, decimals, "Desimal satuan dasar"),
        }
        for fld, (old, new, label) in frozen.items():
            if old != new:
                raise ValidationError(
                    f"{label} tidak dapat diubah setelah ada mutasi stok.", field=fld
                )
    item.unit_id = unit.id
    item.sku, item.name, item.category = sku, name, (category or "").strip()[:80]
    item.base_uom, item.decimals = base_uom.strip()[:20], decimals
    item.taxable, item.track_batch = taxable, track_batch
    item.reorder_point, item.inventory_account, item.active = (
        reorder_point,
        inventory_account,
        active,
    )
    db.session.flush()
    existing = {u.name.lower(): u for u in item.units}
    prices_before = {k: [u.price_member, u.price_general] for k, u in existing.items()}
    keep = set()
    for spec in units:
        row = existing.get(spec.name.strip().lower())
        if row is None:
            row = ItemUnit(cooperative_id=coop.id, item_id=item.id, name=spec.name.strip())
            item.units.append(row)
        elif row.factor != spec.factor and _has_stock_history(item):
            raise ValidationError(
                f"Isi satuan {row.name} tidak dapat diubah setelah ada mutasi stok.",
                field="units",
            )
        row.factor, row.price_member, row.price_general = (
            spec.factor,
            spec.price_member,
            spec.price_general,
        )
        keep.add(row.name.lower())
    for key, row in existing.items():
        if key not in keep:
            item.units.remove(row)
    db.session.flush()
    for bc in db.session.scalars(select(ItemBarcode).where(ItemBarcode.item_id == item.id)):
        db.session.delete(bc)
    db.session.flush()
    by_name = {u.name.lower(): u for u in item.units}
    for spec in units:
        for code in spec.barcodes:
            if code.strip():
                db.session.add(
                    ItemBarcode(
                        cooperative_id=coop.id,
                        item_id=item.id,
                        item_unit_id=by_name[spec.name.strip().lower()].id,
                        code=code.strip(),
                    )
                )
    db.session.flush()
    record(
        "item.create" if creating else "item.update",
        user=user,
        cooperative=coop,
        target=sku,
        detail={"name": name},
    )
    # A list price changed on the item's form is audited like one changed by an import.
    changed = {
        u.name: {"old": prices_before[u.name.lower()], "new": [u.price_member, u.price_general]}
        for u in item.units
        if prices_before.get(u.name.lower(), [u.price_member, u.price_general])
        != [u.price_member, u.price_general]
    }
    if changed:
        record("item.price_change", user=user, cooperative=coop, target=sku,
               detail={"units": changed})  # fmt: skip
    return item


def _has_stock_history(item: Item) -> bool:
    from outlet_pos.core.inventory.models import StockMove

    return bool(db.session.scalar(select(StockMove.id).where(StockMove.item_id == item.id)))


def find_by_barcode(coop: Cooperative, code: str) -> tuple[Item, ItemUnit] | None:
    row = db.session.execute(
        select(ItemBarcode).where(
            ItemBarcode.cooperative_id == coop.id, ItemBarcode.code == (code or "").strip()
        )
    ).scalar_one_or_none()
    return (row.item, row.item_unit) if row else None


# Search indexes made by migration 0004_search, outside the models: FTS5 (trigram) on SQLite,
# pg_trgm GIN indexes on PostgreSQL. The schema-compare test leaves these names out.
SEARCH_TABLE = "item_search"
SEARCH_INDEXES = ("ix_item_name_trgm", "ix_item_sku_trgm")
_FTS = table(SEARCH_TABLE, column(SEARCH_TABLE), column("rowid"))
_fts_engines: weakref.WeakSet[Engine] = weakref.WeakSet()


def _has_fts() -> bool:
    """Whether this SQLite database has the trigram index (remembered once seen: it is made
    by a migration and never goes away while the app runs)."""
    engine = db.engine
    if engine in _fts_engines:
        return True
    found = db.session.connection().exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (SEARCH_TABLE,)
    )
    if found.scalar():
        _fts_engines.add(engine)
        return True
    return False


def _matching(coop: Cooperative, text: str):
    """Name or SKU containing ``text`` (any case), or a barcode equal to it, answered from
    the search index where there is one.

    SQLite: the FTS5 trigram table finds rows holding the text as a substring, exactly what
    ``lower(name) LIKE '%text%'`` finds, without reading every item; it needs 3+ characters
    and takes ``%``/``_`` literally, so shorter or wildcard text keeps the LIKE scan. The
    matches and the barcode hit are one UNION, so SQLite starts from them, not from the
    cooperative's every item. PostgreSQL: the scan's own expressions, ``lower(name)``
    and ``lower(sku)``, carry pg_trgm GIN indexes, used where the planner finds them cheaper.
    """
    barcode = select(ItemBarcode.item_id).where(
        ItemBarcode.cooperative_id == coop.id, ItemBarcode.code == text
    )
    like = f"%{text.lower()}%"
    sqlite = db.engine.dialect.name == "sqlite"
    if sqlite and len(text) >= 3 and not set(text) & {"%", "_"} and _has_fts():
        phrase = '"' + text.replace('"', '""') + '"'
        found = select(_FTS.c.rowid).where(_FTS.c[SEARCH_TABLE].match(phrase))
        return Item.id.in_(union(found, barcode))
    return or_(
        func.lower(Item.name).like(like), func.lower(Item.sku).like(like), Item.id.in_(barcode)
    )


def search_items(coop: Cooperative, text: str, limit: int = 20) -> list[Item]:
    """Items whose name, SKU or barcode matches, active first; the counter's type-ahead."""
    text = (text or "").strip()[:60]
    if not text:
        return []
    stmt = (
        select(Item)
        .where(Item.cooperative_id == coop.id, Item.active.is_(True), _matching(coop, text))
        .order_by(func.lower(Item.name))
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def save_location(
    coop: Cooperative,
    outlet: Outlet,
    code: str,
    name: str,
    unit: BusinessUnit | None = None,
    location: Location | None = None,
) -> Location:
    code, name = (code or "").strip().upper(), (name or "").strip()
    if not code or not name or len(code) > 30 or len(name) > 100:
        raise ValidationError("Kode dan nama lokasi wajib diisi.", field="code")
    if outlet.cooperative_id != coop.id or (unit is not None and unit.cooperative_id != coop.id):
        raise NotFound("Gerai atau unit tidak ditemukan.")
    clash = db.session.scalar(
        select(Location.id).where(Location.cooperative_id == coop.id, Location.code == code)
    )
    if clash and (location is None or clash != location.id):
        raise ValidationError(f"Kode lokasi {code} sudah dipakai.", field="code")
    location = location or Location(cooperative_id=coop.id)
    location.outlet_id, location.unit_id = outlet.id, unit.id if unit else None
    location.code, location.name = code, name
    db.session.add(location)
    db.session.flush()
    return location


def default_location(coop: Cooperative, outlet: Outlet, unit: BusinessUnit | None) -> Location:
    """The shelf the counter sells from: the location of the unit at this outlet, else the
    outlet's general store."""
    rows = db.session.scalars(
        select(Location)
        .where(
            Location.cooperative_id == coop.id,
            Location.outlet_id == outlet.id,
            Location.active.is_(True),
        )
        .order_by(Location.id)
    ).all()
    for loc in rows:
        if unit is not None and loc.unit_id == unit.id:
            return loc
    for loc in rows:
        if loc.unit_id is None:
            return loc
    if rows:
        return rows[0]
    return save_location(coop, outlet, f"{outlet.code}-TOKO", f"Toko {outlet.name}")


_SHELVES = (
    select(Location.id, Location.unit_id)
    .where(
        Location.cooperative_id == bindparam("coop"),
        Location.outlet_id == bindparam("outlet"),
        Location.active.is_(True),
    )
    .order_by(Location.id)
)


def shelf_locations(coop_id: int, outlet_id: int) -> Callable[[int | None], int | None]:
    """unit id -> id of the shelf the counter sells from, by the rule of ``default_location``
    (the unit's location at the outlet, else the general store, else the first), read with
    one prebuilt query for the whole cart; None when the outlet has no location yet (then
    ``default_location`` creates the general store)."""
    rows = db.session.connection().execute(_SHELVES, {"coop": coop_id, "outlet": outlet_id}).all()
    general = next((loc_id for loc_id, unit in rows if unit is None), None)
    fallback = general if general is not None else (rows[0][0] if rows else None)
    by_unit: dict[int, int] = {}
    for loc_id, unit in rows:
        if unit is not None:
            by_unit.setdefault(unit, loc_id)
    return lambda unit_id: by_unit.get(unit_id, fallback)


def outside_search_index(name, type_, _parent_names) -> bool:
    """Alembic ``include_name`` filter: the product search index lives outside the models
    (migration 0004_search: the FTS5 table and its shadow tables on SQLite, the pg_trgm
    indexes on PostgreSQL), so autogenerate and the schema test must not see it."""
    if type_ == "table":
        return not (name == SEARCH_TABLE or name.startswith(f"{SEARCH_TABLE}_"))
    if type_ == "index":
        return name not in SEARCH_INDEXES
    return True
