"""What the purchasing pages share: the permission, the supplier and outlet choices, the
catalog for the item datalist, resolving a typed line to an item, and placing a service's
error beside its field."""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy import func, or_, select

from outlet_pos.core.errors import DomainError
from outlet_pos.core.inventory.catalog import find_by_barcode
from outlet_pos.core.inventory.models import Item, ItemBarcode
from outlet_pos.core.purchasing import Supplier
from outlet_pos.core.tenancy import Cooperative, Outlet
from outlet_pos.core.tenancy import scoped as scoped_select
from outlet_pos.extensions import db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERM = "purchase.manage"
PAGE_SIZE = 30


def user():
    """The real user object (not the proxy): services keep it beyond the request's context."""
    return current_user._get_current_object()


def active_suppliers(coop: Cooperative) -> list[Supplier]:
    return db.session.scalars(
        scoped_select(Supplier, coop).where(Supplier.active.is_(True)).order_by(Supplier.name)
    ).all()


def outlet_choices(coop: Cooperative) -> list[tuple[str, str]]:
    rows = db.session.scalars(scoped_select(Outlet, coop).order_by(Outlet.id)).all()
    return [(str(o.id), o.name) for o in rows]


def catalog(coop: Cooperative) -> list[dict]:
    """Items for the datalist (type SKU, name or barcode), with their units and barcodes."""
    items = db.session.scalars(
        scoped_select(Item, coop).where(Item.active.is_(True)).order_by(Item.name).limit(3000)
    ).all()
    codes: dict[int, list[str]] = {}
    for item_id, code in db.session.execute(
        select(ItemBarcode.item_id, ItemBarcode.code).where(ItemBarcode.cooperative_id == coop.id)
    ):
        codes.setdefault(item_id, []).append(code)
    return [
        {
            "sku": it.sku,
            "name": it.name,
            "units": [u.name for u in it.units],
            "barcodes": codes.get(it.id, [])[:4],
            "track_batch": it.track_batch,
        }
        for it in items
    ]


def resolve_line(coop: Cooperative, sub) -> tuple[Item, object] | None:
    """The item and unit a line names: a barcode, a SKU or an exact name; errors beside it."""
    text = (sub.item.data or "").strip()
    hit = find_by_barcode(coop, text)
    if hit is not None:
        item, unit = hit
    else:
        item = db.session.scalar(
            scoped_select(Item, coop).where(
                or_(func.lower(Item.sku) == text.lower(), func.lower(Item.name) == text.lower())
            )
        )
        if item is None:
            sub.item.errors.append("Barang tidak ditemukan (ketik SKU, nama, atau barcode).")
            return None
        unit = item.base
    wanted = (sub.unit.data or "").strip().lower()
    if wanted and wanted != unit.name.lower():
        unit = next((u for u in item.units if u.name.lower() == wanted), None)
        if unit is None:
            names = ", ".join(u.name for u in item.units)
            sub.unit.errors.append(f"Satuan {item.name}: {names}.")
            return None
    return item, unit


def place_error(form, exc: DomainError, fields: tuple[str, ...]) -> None:
    """Put a service's message beside the field it names (``lines-2-batch`` too)."""
    name = exc.field or ""
    if name.startswith("lines-"):
        _, idx, sub = name.split("-", 2)
        if idx.isdigit() and int(idx) < len(form.lines.entries):
            target = getattr(form.lines.entries[int(idx)].form, sub, None)
            if target is not None:
                target.errors.append(exc.message)
                return
    if name in fields:
        getattr(form, name).errors.append(exc.message)
    else:
        form.form_errors.append(exc.message)


def used_lines(form):
    return [(i, sub.form) for i, sub in enumerate(form.lines) if not sub.form.is_blank()]
