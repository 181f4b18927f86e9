"""Catalog endpoints: search items by text or barcode, read one item with its units, prices,
barcodes and stock. The search is the counter's (``inventory.catalog.search_items`` and
``find_by_barcode``), so a phone finds what the cashier's screen finds."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select

from outlet_pos.api.common import PAGE_PROPERTIES, PAGING, QTY_OUT, in_coop, page, qty_text
from outlet_pos.api.schema import (
    amount,
    array,
    component,
    ident,
    integer,
    nullable,
    obj,
    string,
    text,
)
from outlet_pos.api.spec import Operation, Param, endpoint
from outlet_pos.core.inventory.catalog import find_by_barcode, search_items
from outlet_pos.core.inventory.models import Item, ItemBarcode, ItemUnit, StockLevel
from outlet_pos.core.tenancy import BusinessUnit
from outlet_pos.extensions import db

UNIT = component(
    "ItemUnit",
    obj(
        {
            "id": ident(),
            "name": string(),
            "factor": {**QTY_OUT, "description": "Isi satuan ini dalam satuan dasar."},
            "price_member": amount(description="Harga anggota, rupiah."),
            "price_general": amount(description="Harga umum, rupiah."),
            "barcodes": array(string()),
        },
        ["id", "name", "factor", "price_member", "price_general", "barcodes"],
    ),
)
ITEM = component(
    "Item",
    obj(
        {
            "id": ident(),
            "sku": string(),
            "name": string(),
            "category": string(),
            "base_uom": string(),
            "decimals": integer(0, 3),
            "taxable": {"type": "boolean"},
            "track_batch": {"type": "boolean"},
            "active": {"type": "boolean"},
            "business_unit": obj(
                {"id": ident(), "code": string(), "name": string(), "kind": string()},
                ["id", "code", "name", "kind"],
            ),
            "stock_on_hand": {**QTY_OUT, "description": "Stok di semua lokasi, satuan dasar."},
            "units": array(UNIT, 1),
        },
        [
            "id",
            "sku",
            "name",
            "category",
            "base_uom",
            "decimals",
            "taxable",
            "track_batch",
            "active",
            "business_unit",
            "stock_on_hand",
            "units",
        ],
    ),
)
ITEM_LIST = obj(
    {
        "items": array(ITEM),
        **PAGE_PROPERTIES,
        "matched_unit_id": nullable(
            ident(description="Satuan yang dimiliki barcode (hanya pada pencarian barcode).")
        ),
    },
    ["items", "limit", "offset", "next_offset", "matched_unit_id"],
)


def item_rows(coop, items: list[Item]) -> list[dict]:
    """Items as the API shows them, read in four queries for the whole page."""
    if not items:
        return []
    ids = [i.id for i in items]
    units: dict[int, list[ItemUnit]] = defaultdict(list)
    for u in db.session.scalars(
        select(ItemUnit).where(ItemUnit.item_id.in_(ids)).order_by(ItemUnit.factor, ItemUnit.id)
    ):
        units[u.item_id].append(u)
    codes: dict[int, list[str]] = defaultdict(list)
    for unit_id, code in db.session.execute(
        select(ItemBarcode.item_unit_id, ItemBarcode.code)
        .where(ItemBarcode.cooperative_id == coop.id, ItemBarcode.item_id.in_(ids))
        .order_by(ItemBarcode.id)
    ):
        codes[unit_id].append(code)
    stock = dict(
        db.session.execute(
            select(StockLevel.item_id, func.sum(StockLevel.on_hand))
            .where(StockLevel.cooperative_id == coop.id, StockLevel.item_id.in_(ids))
            .group_by(StockLevel.item_id)
        ).all()
    )
    bunits = {
        bu.id: bu
        for bu in db.session.scalars(
            select(BusinessUnit).where(BusinessUnit.id.in_({i.unit_id for i in items}))
        )
    }
    out = []
    for item in items:
        bu = bunits[item.unit_id]
        out.append(
            {
                "id": item.id,
                "sku": item.sku,
                "name": item.name,
                "category": item.category or "",
                "base_uom": item.base_uom,
                "decimals": item.decimals,
                "taxable": bool(item.taxable),
                "track_batch": bool(item.track_batch),
                "active": bool(item.active),
                "business_unit": {"id": bu.id, "code": bu.code, "name": bu.name, "kind": bu.kind},
                "stock_on_hand": qty_text(stock.get(item.id)),
                "units": [
                    {
                        "id": u.id,
                        "name": u.name,
                        "factor": qty_text(u.factor, 6),
                        "price_member": u.price_member,
                        "price_general": u.price_general,
                        "barcodes": codes.get(u.id, []),
                    }
                    for u in units[item.id]
                ],
            }
        )
    return out


@endpoint(
    "/items",
    Operation(
        "GET",
        "Cari barang",
        "Katalog",
        {200: ("Satu halaman barang aktif, urut nama.", ITEM_LIST)},
        description=(
            "Tanpa q dan barcode: semua barang aktif. Dengan q: nama, SKU atau barcode yang "
            "memuat teks itu. Dengan barcode: barang yang barcode-nya persis itu (q diabaikan), "
            "dan matched_unit_id menyebut satuannya."
        ),
        scope="catalog:read",
        permission="catalog.view",
        params=(
            Param("q", text(60, 1), "Teks yang dicari di nama, SKU atau barcode."),
            Param(
                "barcode",
                {"type": "string", "minLength": 1, "maxLength": 40, "pattern": "^[!-~]+$"},
                "Barcode persis (hasil pindai).",
            ),
            *PAGING,
        ),
    ),
)
def list_items(call):
    coop, args = call.caller.coop, call.args
    wanted = args["offset"] + args["limit"] + 1
    matched = None
    if args["barcode"]:
        hit = find_by_barcode(coop, args["barcode"])
        items = [hit[0]] if hit is not None and hit[0].active else []
        matched = hit[1].id if items else None
    elif args["q"]:
        items = search_items(coop, args["q"], wanted)
    else:
        items = list(
            db.session.scalars(
                select(Item)
                .where(Item.cooperative_id == coop.id, Item.active.is_(True))
                .order_by(func.lower(Item.name), Item.id)
                .limit(wanted)
            )
        )
    rows, paging = page(items, args)
    return {"items": item_rows(coop, rows), **paging, "matched_unit_id": matched}


@endpoint(
    "/items/<int:item_id>",
    Operation(
        "GET",
        "Satu barang",
        "Katalog",
        {200: ("Barang dengan satuan, harga, barcode dan stoknya.", ITEM)},
        description="Barang nonaktif juga dapat dibaca (active: false).",
        scope="catalog:read",
        permission="catalog.view",
    ),
)
def get_item(call, item_id: int):
    coop = call.caller.coop
    item = in_coop(Item, item_id, coop, label="Barang")
    return item_rows(coop, [item])[0]
