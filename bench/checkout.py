"""Benchmark the counter (DESIGN §4.1): checkout service call, the same rows written with raw
sqlite3, product search over 20,000 items, and the receipt PDF.

    .venv/bin/python bench/checkout.py [--quick] [--only checkout|search|receipt]
    .venv/bin/python bench/checkout.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench

Each checkout is a 5-line cash sale in its own committed transaction, as at the counter.
The checkouts and the raw sqlite3 writes run interleaved in small blocks, so both see the
same load on a shared machine (the ratio compares like with like); the raw connection gets
the application's own SQLite settings, read back from its engine.
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import time
from datetime import date
from decimal import Decimal

from _common import Figure, app_sqlite_settings, apply_sqlite_settings, arguments, bench_app, report


def setup(n_items: int):
    from outlet_pos.core.db import run_transaction
    from outlet_pos.core.inventory.catalog import UnitSpec, default_location, save_item
    from outlet_pos.core.inventory.services import receive
    from outlet_pos.core.onboarding import (
        create_cooperative,
        create_user,
        grant_role,
        save_outlet,
        save_unit,
    )
    from outlet_pos.core.sales.shifts import open_shift
    from outlet_pos.extensions import db

    def base():
        coop = create_cooperative({"name": "Koperasi Bench", "timezone": "WIB"})
        outlet = save_outlet(coop, "B1", "Gerai Bench")
        unit = save_unit(coop, "sembako", "Sembako", "sembako", outlet.id)
        user = create_user("kasirbench", "Kasir Bench", "Bench-Kasir-2026!")
        grant_role(user, coop, "kasir")
        return coop, outlet, unit, user

    coop, outlet, unit, user = run_transaction(base)
    words = ["Beras", "Gula", "Minyak", "Teh", "Kopi", "Sabun", "Mi", "Susu", "Tepung", "Garam"]

    def items(start, stop):
        loc = default_location(coop, outlet, unit)
        out = []
        for i in range(start, stop):
            item = save_item(
                coop,
                unit=unit,
                sku=f"SKU{i:05d}",
                name=f"{words[i % 10]} merek {i} kemasan {i % 7 + 1}",
                base_uom="pcs",
                units=[
                    UnitSpec("pcs", Decimal(1), 1000 + i % 500, 1100 + i % 500, [f"899{i:010d}"])
                ],
            )
            if i < 50:
                receive(
                    loc,
                    item,
                    Decimal(100_000),
                    100_000 * (800 + i),
                    day=date(2026, 1, 1),
                    source="bench",
                )
            out.append(item.id)
        return out

    ids = run_transaction(items, 0, 50)

    def bulk(start, stop):
        # The rest of the catalog by bulk insert: it is only searched, never sold here.
        from sqlalchemy import insert

        from outlet_pos.core.inventory.models import Item, ItemBarcode, ItemUnit

        rows = [
            {
                "cooperative_id": coop.id,
                "unit_id": unit.id,
                "sku": f"SKU{i:05d}",
                "name": f"{words[i % 10]} merek {i} kemasan {i % 7 + 1}",
                "category": "",
                "base_uom": "pcs",
                "decimals": 0,
                "taxable": True,
                "track_batch": False,
                "reorder_point": Decimal(0),
                "inventory_account": "114100",
                "active": True,
            }
            for i in range(start, stop)
        ]
        new_ids = db.session.scalars(insert(Item).returning(Item.id), rows).all()
        unit_ids = db.session.scalars(
            insert(ItemUnit).returning(ItemUnit.id),
            [
                {
                    "cooperative_id": coop.id,
                    "item_id": iid,
                    "name": "pcs",
                    "factor": Decimal(1),
                    "price_member": 1000,
                    "price_general": 1100,
                }
                for iid in new_ids
            ],
        ).all()
        db.session.execute(
            insert(ItemBarcode),
            [
                {
                    "cooperative_id": coop.id,
                    "item_id": iid,
                    "item_unit_id": uid,
                    "code": f"899{start + k:010d}",
                }
                for k, (iid, uid) in enumerate(zip(new_ids, unit_ids, strict=True))
            ],
        )
        return list(new_ids)

    for start in range(50, n_items, 5000):
        ids += run_transaction(bulk, start, min(start + 5000, n_items))
    shift = run_transaction(open_shift, coop, user, outlet, 0)
    return coop, user, shift, ids


def bench_checkout(coop, user, shift, ids, n: int, start: int = 0) -> list[float]:
    from outlet_pos.core.db import run_transaction
    from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout

    lat = []
    for i in range(start, start + n):
        lines = [CartLine(ids[(i + k) % 50], qty=1 + k % 2) for k in range(5)]
        t = time.perf_counter()
        run_transaction(checkout, shift, lines, [PaymentIn("tunai", 100_000)], user=user)
        lat.append((time.perf_counter() - t) * 1000)
    return lat


def count_statements(coop, user, shift, ids) -> int:
    """SQL statements one 5-line cash sale sends (BEGIN and COMMIT included; an executemany
    counts once): the number the counter's speed follows most closely. ``Prepared``
    statements bypass the engine's events, so they are counted through their own hook."""
    from sqlalchemy import event

    from outlet_pos.core.db import PREPARED_LISTENERS, run_transaction
    from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout
    from outlet_pos.extensions import db

    seen: list[str] = []

    def _count(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    lines = [CartLine(ids[k], qty=1) for k in range(5)]

    def _count_prepared(statement: str, _many: bool) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", _count)
    PREPARED_LISTENERS.append(_count_prepared)
    try:
        run_transaction(checkout, shift, lines, [PaymentIn("tunai", 100_000)], user=user)
    finally:
        event.remove(db.engine, "before_cursor_execute", _count)
        PREPARED_LISTENERS.remove(_count_prepared)
    return len(seen) + 1  # + COMMIT, which the DBAPI sends without a cursor


def raw_sqlite(path: str, settings: dict):
    """The same rows a 5-line cash sale writes, with raw sqlite3 and the application's
    settings (WAL, synchronous=FULL, ...):
    sequence and head updates, sale, 5 lines, payment, 5 moves + 5 level updates, entry and
    4 journal lines. Returns ``run(n) -> latencies`` and ``close()``; the connection stays
    open between blocks, as the service's pooled one does."""
    conn = sqlite3.connect(path, isolation_level=None)
    apply_sqlite_settings(conn, settings)
    coop, outlet, shift, user = 1, 1, 1, 1
    items = [r[0] for r in conn.execute("SELECT item_id FROM stock_level LIMIT 5")]
    units = {r[0]: r[1] for r in conn.execute("SELECT item_id, id FROM item_unit")}
    bunit = conn.execute("SELECT id FROM business_unit LIMIT 1").fetchone()[0]
    accounts = {c: i for c, i in conn.execute("SELECT code, id FROM account")}
    done = [0]

    def run(n: int) -> list[float]:
        lat = []
        for i in range(done[0], done[0] + n):
            lat.append(_raw_sale(conn, i, coop, outlet, shift, user, items, units, bunit, accounts))
        done[0] += n
        return lat

    return run, conn.close


def _raw_sale(conn, i, coop, outlet, shift, user, items, units, bunit, accounts) -> float:
    # Journal seq is negative so it never meets the numbers checkout takes (max + 1) when the
    # two run interleaved on one database; the rows are otherwise the same shape.
    t = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE doc_sequence SET last_value = last_value + 1 WHERE id = 1")
    cur = conn.execute(
        "INSERT INTO sale (public_id, cooperative_id, outlet_id, shift_id, kind, number, "
        "date, created_at, cashier_id, customer_name, price_tier, subtotal, "
        "discount_amount, total, tax_amount, dpp_amount, paid_amount, change_amount, "
        "status, reason, reprints) VALUES (?, ?, ?, ?, 'sale', ?, '2026-06-01', "
        "'2026-06-01 10:00', ?, '', 'general', 5000, 0, 5000, 0, 0, 100000, 95000, "
        "'paid', '', 0)",
        (f"raw-{i}", coop, outlet, shift, f"RAW-{i}", user),
    )
    sale = cur.lastrowid
    for k, item in enumerate(items):
        conn.execute(
            "INSERT INTO sale_line (cooperative_id, sale_id, line_no, item_id, "
            "item_unit_id, business_unit_id, name, unit_name, qty, base_qty, list_price, "
            "unit_price, discount_amount, total, tax_amount, cost, refunded_qty) VALUES "
            "(?, ?, ?, ?, ?, ?, 'x', 'pcs', 1, 1, 1000, 1000, 0, 1000, 0, 800, 0)",
            (coop, sale, k + 1, item, units[item], bunit),
        )
        conn.execute(
            "UPDATE stock_level SET on_hand = on_hand - 1, value = value - 800 WHERE item_id = ?",
            (item,),
        )
        conn.execute(
            "INSERT INTO stock_move (cooperative_id, item_id, location_id, qty, value, "
            "kind, source, date, created_at) VALUES (?, ?, 1, -1, -800, 'sale', 'raw', "
            "'2026-06-01', '2026-06-01 10:00')",
            (coop, item),
        )
    conn.execute(
        "INSERT INTO payment (cooperative_id, sale_id, method, amount, reference)"
        " VALUES (?, ?, 'tunai', 100000, '')",
        (coop, sale),
    )
    cur = conn.execute(
        "INSERT INTO journal_entry (public_id, cooperative_id, year, seq, number, date, "
        "memo, source, source_ref, created_at, prev_hash, hash) VALUES (?, ?, 2026, ?, ?, "
        "'2026-06-01', 'raw', 'sale', '', '2026-06-01 10:00', ?, ?)",
        (f"rawe-{i}", coop, -1 - i, f"RAW-{i}", "0" * 64, "0" * 64),
    )
    entry = cur.lastrowid
    for no, (code, d, c) in enumerate(
        [("111100", 5000, 0), ("411200", 0, 5000), ("511100", 4000, 0), ("114100", 0, 4000)], 1
    ):
        conn.execute(
            "INSERT INTO journal_line (cooperative_id, entry_id, line_no, account_id, "
            "entry_date, debit, credit, memo) VALUES (?, ?, ?, ?, '2026-06-01', ?, ?, '')",
            (coop, entry, no, accounts[code], d, c),
        )
    conn.execute("UPDATE cooperative SET ledger_head_hash = ? WHERE id = 1", ("0" * 64,))
    conn.execute("COMMIT")
    return (time.perf_counter() - t) * 1000


def bench_search(coop, n: int) -> list[float]:
    from outlet_pos.core.inventory.catalog import find_by_barcode, search_items

    queries = ["beras", "merek 1234", "SKU0199", "kopi merek 77", "8990000012345", "sabun"]
    lat = []
    for i in range(n):
        q = queries[i % len(queries)]
        t = time.perf_counter()
        if q.isdigit():
            find_by_barcode(coop, q)
        search_items(coop, q)
        lat.append((time.perf_counter() - t) * 1000)
    return lat


def bench_receipt(n: int) -> list[float]:
    from outlet_pos.core.documents import ReceiptData, ReceiptLine, ReceiptPayment, render_receipt

    data = ReceiptData(
        coop_name="Koperasi Desa Merah Putih Sukamaju",
        coop_address="Jl. Poros Desa 17",
        npwp="0123456789012000",
        is_pkp=True,
        outlet_name="Gerai Sukamaju",
        unit_name="Sembako",
        cashier="Dewi",
        printed_local="30 Nov 2026 10:00 WITA",
        number="GR01-20261130-0001",
        public_id="6f1c1f3e-1b7a-4a55-9c1c-0a0b0c0d0e0f",
        lines=[
            ReceiptLine(f"Barang {k}", "2 pcs", 12_500, 0, 25_000, k % 2 == 0) for k in range(5)
        ],
        subtotal=125_000,
        receipt_discount=0,
        total=125_000,
        tax=12_387,
        dpp=112_613,
        payments=[ReceiptPayment("Tunai", 150_000)],
        change=25_000,
    )
    lat = []
    for _ in range(n):
        t = time.perf_counter()
        render_receipt(data, 80)
        lat.append((time.perf_counter() - t) * 1000)
    return lat


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--sales", type=int, default=None, help="default 500 (--quick 100)")
    parser.add_argument("--items", type=int, default=None, help="default 20,000 (--quick 2,000)")
    parser.add_argument("--only", choices=["checkout", "search", "receipt"], default=None)
    args = parser.parse_args()
    sales = args.sales or (100 if args.quick else 500)
    n_items = args.items or (2_000 if args.quick else 20_000)
    wanted = {args.only} if args.only else {"checkout", "search", "receipt"}
    figures: list[Figure] = []
    if wanted & {"checkout", "search"}:
        figures += counter(args.database_url, sales, n_items if "search" in wanted else 50, wanted)
    if "receipt" in wanted:
        figures.append(Figure.of("receipt", "receipt PDF (80 mm, 5 lines)",
                                 bench_receipt(100), budget=30))  # fmt: skip
    report(figures, args.json)


def counter(url: str | None, sales: int, n_items: int, wanted: set[str]) -> list[Figure]:
    from outlet_pos.extensions import db

    app, folder = bench_app("checkout", url)
    figures: list[Figure] = []
    with app.app_context():
        t = time.perf_counter()
        coop, user, shift, ids = setup(n_items)
        engine = db.engine.dialect.name
        print(f"database: {engine}; catalog of {len(ids):,} items built in "
              f"{time.perf_counter() - t:.0f} s")  # fmt: skip
        if "checkout" in wanted:
            figures += checkouts(coop, user, shift, ids, sales, folder, engine)
        if "search" in wanted:
            figures.append(Figure.of("search", f"product search, {len(ids):,} items ({engine})",
                                     bench_search(coop, 300), budget=30, judge="p95"))  # fmt: skip
    return figures


def checkouts(coop, user, shift, ids, sales: int, folder: str, engine: str) -> list[Figure]:
    """Checkouts and the raw sqlite3 writes interleaved in blocks of 25."""
    load = os.getloadavg()[0]
    bench_checkout(coop, user, shift, ids, 20)  # warm up
    raw_run = raw_close = None
    if engine == "sqlite":
        raw_run, raw_close = raw_sqlite(f"{folder}/bench.db", app_sqlite_settings())
        raw_run(20)  # warm up
    svc: list[float] = []
    raw: list[float] = []
    for start in range(20, 20 + sales, 25):
        n = min(25, 20 + sales - start)
        svc += bench_checkout(coop, user, shift, ids, n, start)
        if raw_run is not None:
            raw += raw_run(n)
    note = f"load {load:.1f}->{os.getloadavg()[0]:.1f}"
    figures = [Figure.of("checkout", f"checkout 5-line sale, service call ({engine}, {sales})",
                         svc, budget=5, note=note)]  # fmt: skip
    if raw_close is not None:
        raw_close()
        ratio = statistics.median(svc) / statistics.median(raw)
        figures += [
            Figure.of("checkout", "  raw sqlite3 writing the same rows", raw),
            Figure("checkout", "  checkout / raw sqlite3 (p50)", "×", ratio, budget=3,
                   judge="value"),
            # The ratio moves with the disk (an fsync of 3 ms makes it small, of 0.2 ms
            # large); the difference is the application's own work, whatever the disk.
            Figure("checkout", "  checkout − raw sqlite3 (p50): the application's work", "ms",
                   statistics.median(svc) - statistics.median(raw), judge="value"),
        ]  # fmt: skip
    stmts = count_statements(coop, user, shift, ids)
    figures.append(Figure("checkout", "  SQL statements per sale", "", stmts, judge="value"))
    return figures


if __name__ == "__main__":
    main()
