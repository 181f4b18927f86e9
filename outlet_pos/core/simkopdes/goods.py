"""Products (``produk_koperasi``), stock on hand (``inventaris_produk``) and goods in
(``barang_masuk_produk``).

Goods in are read from the stock moves, not only from supplier receipts: every movement of
kind "receive" or "opening" (a supplier's delivery, fish or livestock bought from members, an
opening balance) is stock that came into the cooperative. Quantities are in the item's base
unit (``produk_koperasi.unit``), so a sack of 50 kg counts as 50.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Select, func, select

from outlet_pos.core.inventory.models import Item, ItemUnit, StockLevel, StockMove
from outlet_pos.core.purchasing.models import GoodsReceipt, Supplier
from outlet_pos.core.simkopdes.common import Context, Row, chunks
from outlet_pos.core.simkopdes.formats import decimal, money, per_unit, text
from outlet_pos.extensions import db

IN_KINDS = ("receive", "opening")


def product_base(ctx: Context) -> Select:
    return select(Item.id, Item.name, Item.base_uom, Item.created_at).where(
        Item.cooperative_id == ctx.coop.id
    )


def product_rows(ctx: Context) -> Iterator[Row]:
    for rows in chunks(product_base(ctx), Item.id):
        for item in rows:
            yield {
                "produk_sample_id": ctx.refs("produk", item.id),
                "koperasi_ref": ctx.koperasi_ref,
                "kode_barcode": text(ctx.barcodes.get(item.id, "")),
                "nama_produk": text(item.name),
                "unit": text(item.base_uom),
                "dibuat_pada": ctx.clock.stamp(item.created_at),
            }


def inventory_base(ctx: Context) -> Select:
    """One row per item that has a stock record, with its on-hand summed over locations."""
    return (
        select(Item.id, Item.name, Item.created_at, func.sum(StockLevel.on_hand).label("stock"))
        .join(StockLevel, StockLevel.item_id == Item.id)
        .where(Item.cooperative_id == ctx.coop.id)
        .group_by(Item.id, Item.name, Item.created_at)
    )


def inventory_rows(ctx: Context) -> Iterator[Row]:
    for rows in chunks(inventory_base(ctx), Item.id):
        ids = [r.id for r in rows]
        last_move = dict(
            db.session.execute(
                select(StockMove.item_id, func.max(StockMove.created_at))
                .where(StockMove.cooperative_id == ctx.coop.id, StockMove.item_id.in_(ids))
                .group_by(StockMove.item_id)
            ).all()
        )
        for item in rows:
            yield {
                "inventaris_ref": ctx.refs("inventaris", item.id),
                "produk_sample_id": ctx.refs("produk", item.id),
                "koperasi_ref": ctx.koperasi_ref,
                "nama_produk": text(item.name),
                "stok": decimal(item.stock),
                "dibuat_pada": ctx.clock.stamp(item.created_at),
                "diperbarui_pada": ctx.clock.stamp(last_move.get(item.id)),
                "kode_barcode": text(ctx.barcodes.get(item.id, "")),
            }


def goods_in_base(ctx: Context) -> Select:
    return (
        select(
            StockMove.id,
            StockMove.item_id,
            StockMove.qty,
            StockMove.value,
            StockMove.kind,
            StockMove.source,
            StockMove.date,
            StockMove.created_at,
            Item.name,
        )
        .join(Item, Item.id == StockMove.item_id)
        .where(
            StockMove.cooperative_id == ctx.coop.id,
            StockMove.kind.in_(IN_KINDS),
            StockMove.qty > 0,
        )
    )


def _suppliers_by_receipt(ctx: Context) -> dict[str, str]:
    return dict(
        db.session.execute(
            select(GoodsReceipt.number, Supplier.name)
            .join(Supplier, Supplier.id == GoodsReceipt.supplier_id)
            .where(GoodsReceipt.cooperative_id == ctx.coop.id)
        ).all()
    )


def _general_prices(ctx: Context) -> dict[int, int]:
    """Item id -> today's non-member price of its base unit (the selling price of record)."""
    return dict(
        db.session.execute(
            select(ItemUnit.item_id, ItemUnit.price_general).where(
                ItemUnit.cooperative_id == ctx.coop.id, ItemUnit.factor == 1
            )
        ).all()
    )


def describe_source(kind: str, source: str, suppliers: dict[str, str]) -> str:
    """Where the goods came from, in words, from the move's source tag."""
    if kind == "opening":
        return "Saldo awal persediaan"
    tag, _, ref = source.partition(":")
    if tag == "purchase":
        supplier = suppliers.get(ref)
        return f"Penerimaan {ref} dari {supplier}" if supplier else f"Penerimaan {ref}"
    if tag == "fish":
        return f"Pembelian ikan dari anggota {ref}"
    if tag == "ternak":
        return f"Pembelian ternak {ref}"
    return f"Penerimaan barang {source}".strip()


def goods_in_rows(ctx: Context) -> Iterator[Row]:
    suppliers = _suppliers_by_receipt(ctx)
    prices = _general_prices(ctx)
    for rows in chunks(goods_in_base(ctx), StockMove.id):
        for m in rows:
            yield {
                "barang_masuk_ref": ctx.refs("barang_masuk", m.id),
                "produk_sample_id": ctx.refs("produk", m.item_id),
                "koperasi_ref": ctx.koperasi_ref,
                "kode_barcode": text(ctx.barcodes.get(m.item_id, "")),
                "nama_produk": text(m.name),
                "nama_tampilan": text(m.name),
                "jumlah_masuk": decimal(m.qty),
                "harga_beli": per_unit(m.value, m.qty),
                "harga_jual": money(prices.get(m.item_id)),
                "total_biaya": money(m.value),
                "keterangan": text(describe_source(m.kind, m.source, suppliers)),
                "status": "Approved",
                "tanggal_masuk": ctx.clock.business(m.date, m.created_at),
                "dibuat_pada": ctx.clock.stamp(m.created_at),
                "diperbarui_pada": ctx.clock.stamp(m.created_at),
            }
