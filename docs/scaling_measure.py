"""Measure what docs/scaling.md extrapolates from: bytes per row and per sale, and (on
PostgreSQL) the WAL one checkout writes.

    # 1. the demo cooperative (90 days of sales, purchases, savings, loans, clinic, ...)
    export OUTLET_POS_INSTANCE=$(mktemp -d)
    export OUTLET_POS_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/outlet_pos_sizes
    .venv/bin/outlet-pos demo --no-serve          # (leave the URL unset for SQLite)
    # 2. sizes, then WAL per checkout over --sales more sales on the demo's counter
    .venv/bin/python docs/scaling_measure.py --database-url "$OUTLET_POS_DATABASE_URL"

Sizes are what the database reports: PostgreSQL ``pg_table_size`` (heap, TOAST, maps) and
``pg_indexes_size``; SQLite the ``dbstat`` page sizes of each table and its indexes. A sale's
footprint counts the rows a sale writes (its lines, payments, journal entry and lines, stock
moves) at each table's average bytes per row. The checkouts it adds are ordinary sales of
the demo's best-stocked items: run it on a throwaway copy.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

# The rows one sale writes, as (table, SQL counting them per sale in the demo's books).
PER_SALE = {
    "sale": "SELECT 1.0",
    "sale_line": "SELECT count(*) * 1.0 / (SELECT count(*) FROM sale) FROM sale_line",
    "payment": "SELECT count(*) * 1.0 / (SELECT count(*) FROM sale) FROM payment",
    "journal_entry": "SELECT count(*) * 1.0 / (SELECT count(*) FROM sale) "
    "FROM journal_entry WHERE source LIKE 'sale%'",
    "journal_line": "SELECT count(*) * 1.0 / (SELECT count(*) FROM sale) FROM journal_line l "
    "JOIN journal_entry e ON e.id = l.entry_id WHERE e.source LIKE 'sale%'",
    "stock_move": "SELECT count(*) * 1.0 / (SELECT count(*) FROM sale) "
    "FROM stock_move WHERE kind = 'sale'",
}


# Every table and index of the schema, in bytes (what a sale adds to the database).
TOTAL = (
    "(SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n "
    "ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = current_schema())"
)


def sizes(conn) -> dict[str, tuple[int, int, int]]:
    """table -> (rows, table bytes, index bytes), for every table with rows."""
    out = {}
    if conn.dialect.name == "postgresql":
        rows = conn.execute(
            text(
                "SELECT c.relname, pg_table_size(c.oid), pg_indexes_size(c.oid) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind = 'r' AND n.nspname = current_schema()"
            )
        ).all()
    else:
        owner = {
            name: table
            for name, table in conn.exec_driver_sql(
                "SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')"
            ).all()
        }
        acc: dict[str, list[int]] = {}
        for name, size in conn.exec_driver_sql(
            "SELECT name, sum(pgsize) FROM dbstat GROUP BY name"
        ):
            table = owner.get(name, name)
            slot = acc.setdefault(table, [0, 0])
            slot[0 if name == table else 1] += size
        rows = [(t, a, b) for t, (a, b) in acc.items()]
    for name, table_bytes, index_bytes in rows:
        if name.startswith(("sqlite_", "item_search")) or name == "alembic_version":
            continue
        count = conn.exec_driver_sql(f'SELECT count(*) FROM "{name}"').scalar()
        if count:
            out[name] = (count, int(table_bytes), int(index_bytes))
    return out


def print_sizes(conn) -> None:
    found = sizes(conn)
    total = sum(t + i for _, t, i in found.values())
    print(f"\n{conn.dialect.name}: {len(found)} tables with rows, {total / 1e6:.1f} MB in all")
    print(f"{'table':<22}{'rows':>9}{'table B':>11}{'index B':>11}{'B/row':>8}{'idx B/row':>10}")
    for name, (n, t, i) in sorted(found.items(), key=lambda kv: -(kv[1][1] + kv[1][2]))[:16]:
        print(f"{name:<22}{n:>9}{t:>11}{i:>11}{t / n:>8.0f}{i / n:>10.0f}")
    sales = found.get("sale", (0, 0, 0))[0]
    if not sales:
        return
    print(f"\nper sale ({sales} sales in the books):")
    per_sale = 0.0
    for name, sql in PER_SALE.items():
        n, t, i = found[name]
        k = float(conn.execute(text(sql)).scalar())
        per_sale += k * (t + i) / n
        print(f"  {name:<15}{k:>6.2f} rows x {(t + i) / n:>5.0f} B = {k * (t + i) / n:>6.0f} B")
    print(f"  {'all':<15}{per_sale:>31.0f} B  (everything / sales: {total / sales:.0f} B)")


def checkout_wal(app, n_sales: int) -> None:
    """WAL bytes per checkout: once right after a CHECKPOINT (every page a sale touches is
    written whole the first time: the worst case) and once more straight after (steady)."""
    from sqlalchemy import select

    from outlet_pos.core.access import Membership, User
    from outlet_pos.core.db import run_transaction
    from outlet_pos.core.inventory.models import Item, StockLevel
    from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout
    from outlet_pos.core.sales.shifts import open_shift, open_shift_for
    from outlet_pos.core.tenancy import BusinessUnit, Cooperative, Outlet
    from outlet_pos.extensions import db

    with app.app_context():
        coop = db.session.scalar(select(Cooperative).order_by(Cooperative.id))
        kasir = db.session.scalar(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.cooperative_id == coop.id, Membership.role == "kasir")
        )
        outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))
        shift = open_shift_for(kasir, coop=coop) or run_transaction(
            open_shift, coop, kasir, outlet, 500_000
        )
        # Plain groceries: no unit rule (farmer NIK, prescription) stands in the way.
        items = db.session.scalars(
            select(StockLevel.item_id)
            .join(Item, Item.id == StockLevel.item_id)
            .join(BusinessUnit, BusinessUnit.id == Item.unit_id)
            .where(
                StockLevel.cooperative_id == coop.id,
                # Sold by the 100 g, two batches: the demo's shelves hold tens of kilograms.
                StockLevel.on_hand >= Decimal("0.25") * n_sales,
                Item.decimals >= 1,
                BusinessUnit.kind == "sembako",
                Item.track_batch.is_(False),
            )
            .order_by(StockLevel.on_hand.desc())
            .limit(3)
        ).all()
        if len(items) < 2:
            print("not enough stock for the WAL measurement")
            return
        lines = [CartLine(item_id, qty=Decimal("0.1")) for item_id in items]

        def scalar(sql: str, **params):
            return db.session.execute(text(sql), params).scalar()

        def batch() -> tuple[float, float, float]:
            """WAL and database bytes per sale over one batch, and the median checkout."""
            start = scalar("SELECT pg_current_wal_insert_lsn()")
            before = scalar(f"SELECT {TOTAL}")
            db.session.commit()
            times = []
            for _ in range(n_sales):
                t = time.perf_counter()
                run_transaction(
                    checkout,
                    db.session.merge(shift),
                    lines,
                    [PaymentIn("tunai", 10_000_000)],
                    user=db.session.merge(kasir),
                    idempotency_key=str(uuid.uuid4()),
                )
                times.append((time.perf_counter() - t) * 1000)
            wal = scalar("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), :s)", s=start)
            grown = scalar(f"SELECT {TOTAL}") - before
            db.session.commit()
            return float(wal) / n_sales, float(grown) / n_sales, statistics.median(times)

        db.session.execute(text("CHECKPOINT"))
        db.session.commit()
        cold = batch()
        warm = batch()
        print(f"\n{len(lines)}-line cash sales, {n_sales} per batch:")
        print(f"{'':<22}{'WAL B/sale':>11}{'DB growth B/sale':>18}{'checkout ms':>13}")
        for label, (wal, grown, ms) in (("after a CHECKPOINT", cold), ("straight after", warm)):
            print(f"{label:<22}{wal:>11,.0f}{grown:>18,.0f}{ms:>13.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--sales", type=int, default=300, help="checkouts per WAL batch")
    parser.add_argument(
        "--pg-options", default="", help='server settings, e.g. "-c wal_compression=lz4"'
    )
    args = parser.parse_args()
    from outlet_pos import create_app

    with tempfile.TemporaryDirectory() as tmp:
        import os

        os.environ.setdefault("OUTLET_POS_INSTANCE", tmp)
        config = {"SQLALCHEMY_DATABASE_URI": args.database_url, "SECRET_KEY": "x", "TESTING": True}
        if args.pg_options:
            config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"options": args.pg_options}}
        app = create_app(config)
        from outlet_pos.extensions import db

        with app.app_context(), db.engine.connect() as conn:
            print_sizes(conn)
        if args.database_url.startswith("postgresql") and args.sales:
            checkout_wal(app, args.sales)


if __name__ == "__main__":
    main()
