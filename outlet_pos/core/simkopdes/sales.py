"""Sales (``transaksi_penjualan``) and the goods they took out (``barang_keluar_produk``).

Only sale documents are transactions; a refund is not a second sale but changes the status
of the sale it returns ("Partially Refunded", "Refunded") and its ``diperbarui_pada``. Each
sale line is one row of goods out, its quantity in the item's base unit.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Select, func, select

from outlet_pos.core.inventory.models import Item
from outlet_pos.core.sales.models import Payment, Sale, SaleLine
from outlet_pos.core.simkopdes.common import Context, Row, chunks, fetch
from outlet_pos.core.simkopdes.formats import decimal, money, per_unit, text

SALE_STATUS = {"paid": "Paid", "partially_refunded": "Partially Refunded", "refunded": "Refunded"}
METHODS = {"tunai": "Cash", "qris": "QRIS", "transfer": "Transfer", "kredit": "Credit"}


def sale_base(ctx: Context) -> Select:
    return select(
        Sale.id,
        Sale.date,
        Sale.created_at,
        Sale.member_id,
        Sale.customer_name,
        Sale.total,
        Sale.status,
    ).where(Sale.cooperative_id == ctx.coop.id, Sale.kind == "sale")


def _refunded_at(ctx: Context) -> dict[int, Any]:
    """Sale id -> when its latest refund was entered (a refund updates the sale's record).
    Refunds are few, so one query for them all (``refund_of_id`` has no index to look up
    each batch's by)."""
    cache = ctx.cache.get("refunded_at")
    if cache is None:
        cache = ctx.cache["refunded_at"] = dict(
            fetch(
                select(Sale.refund_of_id, func.max(Sale.created_at))
                .where(Sale.cooperative_id == ctx.coop.id, Sale.kind == "refund")
                .group_by(Sale.refund_of_id)
            ).all()
        )
    return cache


def _methods(ctx: Context, ids: Sequence[int]) -> dict[int, str]:
    """Sale id -> its tenders in words: ``Cash``, or ``Cash + QRIS`` for a split payment."""
    out: dict[int, list[str]] = {}
    rows = fetch(
        select(Payment.sale_id, Payment.method)
        .where(Payment.cooperative_id == ctx.coop.id, Payment.sale_id.in_(ids))
        .order_by(Payment.sale_id, Payment.id)
    ).all()
    for sale_id, method in rows:
        label = METHODS.get(method, method)
        names = out.setdefault(sale_id, [])
        if label not in names:
            names.append(label)
    return {sale_id: " + ".join(names) for sale_id, names in out.items()}


def sale_rows(ctx: Context) -> Iterator[Row]:
    names = ctx.member_names
    refunded = _refunded_at(ctx)
    stamp, business, ref, koperasi = ctx.clock.stamp, ctx.clock.business, ctx.refs, ctx.koperasi_ref
    for rows in chunks(sale_base(ctx), Sale.id):
        methods = _methods(ctx, [r[0] for r in rows])
        for sale_id, day, created, member_id, customer, total, status in rows:
            yield {
                "transaksi_sample_id": ref("transaksi", sale_id),
                "koperasi_ref": koperasi,
                "nama_pelanggan": text(names.get(member_id, "") if member_id else customer),
                "tanggal_dibuat": business(day, created),
                "total_pembayaran": money(total),
                "status_transaksi": SALE_STATUS.get(status) or text(status),
                "metode_pembayaran": methods.get(sale_id, ""),
                "dibuat_pada": stamp(created),
                "diperbarui_pada": stamp(refunded.get(sale_id, created)),
            }


def goods_out_base(ctx: Context) -> Select:
    return (
        select(SaleLine.id)
        .join(Sale, Sale.id == SaleLine.sale_id)
        .where(Sale.cooperative_id == ctx.coop.id, Sale.kind == "sale")
    )


def goods_out_rows(ctx: Context) -> Iterator[Row]:
    """Sale by sale (keyset pages of sales, then their lines), so the line query is an index
    lookup on ``sale_line.sale_id`` rather than a scan of every cooperative's lines. What a
    sale's lines share (its code, times, status) and what an item's share (code, barcode,
    name) is formatted once, not once per line."""
    items: dict[int, tuple[str, str, str]] = {}
    refunded = _refunded_at(ctx)
    for rows in chunks(sale_base(ctx), Sale.id):
        sales = {
            sale_id: (
                ctx.refs("transaksi", sale_id),
                ctx.clock.business(day, created),
                SALE_STATUS.get(status) or text(status),
                ctx.clock.stamp(created),
                ctx.clock.stamp(refunded.get(sale_id, created)),
            )
            for sale_id, day, created, _member, _customer, _total, status in rows
        }
        lines = fetch(
            select(
                SaleLine.id,
                SaleLine.sale_id,
                SaleLine.item_id,
                SaleLine.name,
                SaleLine.base_qty,
                SaleLine.total,
                Item.name,
            )
            .join(Item, Item.id == SaleLine.item_id)
            .where(SaleLine.sale_id.in_(list(sales)))
            .order_by(SaleLine.sale_id, SaleLine.line_no)
        ).all()
        for line_id, sale_id, item_id, name, qty, total, item_name in lines:
            code, when, status, created, updated = sales[sale_id]
            item = items.get(item_id)
            if item is None:
                item = items[item_id] = (
                    ctx.refs("produk", item_id),
                    text(ctx.barcodes.get(item_id, "")),
                    text(item_name),
                )
            yield {
                "__row_id": str(line_id),
                "transaksi_sample_id": code,
                "produk_sample_id": item[0],
                "koperasi_ref": ctx.koperasi_ref,
                "kode_barcode": item[1],
                "tanggal_keluar": when,
                "status": "Sales",
                "nama_produk": item[2],
                "nama_tampilan": text(name),
                "jumlah_keluar": decimal(qty),
                "harga": per_unit(total, qty),
                "total_nilai": money(total),
                "status_transaksi": status,
                "dibuat_pada": created,
                "diperbarui_pada": updated,
            }
