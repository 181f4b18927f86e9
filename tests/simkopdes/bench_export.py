"""Benchmark the SIMKOPDES export of a large cooperative (not collected by pytest).

    .venv/bin/python tests/simkopdes/bench_export.py                  # SQLite, 100,000 sales
    .venv/bin/python tests/simkopdes/bench_export.py --sales 500000
    .venv/bin/python tests/simkopdes/bench_export.py --database-url postgresql+psycopg://...

Members, items, sales of three lines with one payment each, pokok and twelve wajib payments
per member and a receipt per item are bulk-inserted (the export only reads, so the rows need
not come through the services). Then it times the page's row counts and the whole ZIP, and
prints rows per second, the bundle's size and the process's peak memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def build(coop, members: int, items: int, sales: int) -> None:
    from sqlalchemy import insert, select

    from outlet_pos.core.access import User
    from outlet_pos.core.inventory.models import Item, ItemUnit, Location, StockMove
    from outlet_pos.core.parties import Member
    from outlet_pos.core.sales.models import Payment, Sale, SaleLine
    from outlet_pos.core.tenancy import BusinessUnit, Outlet
    from outlet_pos.extensions import db
    from outlet_pos.units.simpan_pinjam.models import SavingsAccount, SavingsProduct, SavingsTxn

    cid = coop.id
    outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == cid))
    unit = db.session.scalar(select(BusinessUnit).where(BusinessUnit.cooperative_id == cid))
    user = User(username="bench", full_name="Bench")
    user.set_password("Kunci-Uji-Ekspor-2025")
    loc = Location(cooperative_id=cid, outlet_id=outlet.id, unit_id=unit.id, code="L", name="L")
    db.session.add_all([user, loc])
    db.session.flush()
    now = datetime(2025, 6, 1, 3, 0, 0)
    db.session.execute(
        insert(Item),
        [
            dict(cooperative_id=cid, unit_id=unit.id, sku=f"S{i}", name=f"Barang {i}",
                 base_uom="pcs", created_at=now)
            for i in range(items)
        ],
    )  # fmt: skip
    item_ids = db.session.scalars(select(Item.id).where(Item.cooperative_id == cid)).all()
    db.session.execute(
        insert(ItemUnit),
        [
            dict(cooperative_id=cid, item_id=i, name="pcs", factor=Decimal(1),
                 price_member=9_000, price_general=10_000)
            for i in item_ids
        ],
    )  # fmt: skip
    unit_of = dict(
        db.session.execute(
            select(ItemUnit.item_id, ItemUnit.id).where(ItemUnit.cooperative_id == cid)
        ).all()
    )
    db.session.execute(
        insert(StockMove),
        [
            dict(cooperative_id=cid, item_id=i, location_id=loc.id, qty=Decimal(1000),
                 value=8_000_000, kind="receive", source=f"purchase:GRN-{i}",
                 date=date(2025, 1, 2), created_at=now)
            for i in item_ids
        ],
    )  # fmt: skip
    db.session.execute(
        insert(Member),
        [
            dict(cooperative_id=cid, member_number=f"A-{m:05d}", nik=f"3201011205{m:06d}",
                 name=f"Anggota {m}", sex="L", join_date=date(2024, 1, 1), phone="081234567890",
                 created_at=now)
            for m in range(members)
        ],
    )  # fmt: skip
    member_ids = db.session.scalars(select(Member.id).where(Member.cooperative_id == cid)).all()
    product = SavingsProduct(cooperative_id=cid, code="W", name="Wajib", kind="wajib")
    db.session.add(product)
    db.session.flush()
    db.session.execute(
        insert(SavingsAccount),
        [
            dict(cooperative_id=cid, member_id=m, product_id=product.id, number=f"W-{m}",
                 kind="wajib", balance=0, opened_on=date(2024, 1, 1))
            for m in member_ids
        ],
    )  # fmt: skip
    accounts = db.session.scalars(
        select(SavingsAccount.id).where(SavingsAccount.cooperative_id == cid)
    ).all()
    db.session.execute(
        insert(SavingsTxn),
        [
            dict(cooperative_id=cid, account_id=a, day=date(2025, month, 5), kind="setor",
                 amount=20_000, balance_after=20_000 * month, period=f"2025-{month:02d}",
                 created_at=now)
            for a in accounts
            for month in range(1, 13)
        ],
    )  # fmt: skip
    start = datetime(2025, 1, 1, 1, 0, 0)
    for first in range(0, sales, 10_000):
        batch = range(first, min(sales, first + 10_000))
        db.session.execute(
            insert(Sale),
            [
                dict(public_id=str(uuid.uuid4()), cooperative_id=cid, outlet_id=outlet.id,
                     number=f"GR01-{n:08d}", date=(start + timedelta(minutes=n)).date(),
                     created_at=start + timedelta(minutes=n), cashier_id=user.id,
                     member_id=member_ids[n % len(member_ids)] if n % 3 else None,
                     subtotal=30_000, total=30_000, paid_amount=30_000)
                for n in batch
            ],
        )  # fmt: skip
        ids = db.session.scalars(
            select(Sale.id).where(Sale.cooperative_id == cid, Sale.number >= f"GR01-{first:08d}")
            .order_by(Sale.id).limit(len(batch))
        ).all()  # fmt: skip
        db.session.execute(
            insert(SaleLine),
            [
                dict(cooperative_id=cid, sale_id=s, line_no=k + 1,
                     item_id=item_ids[(s + k) % len(item_ids)],
                     item_unit_id=unit_of[item_ids[(s + k) % len(item_ids)]],
                     business_unit_id=unit.id, name="Barang", unit_name="pcs", qty=Decimal(1),
                     base_qty=Decimal(1), list_price=10_000, unit_price=10_000, total=10_000)
                for s in ids
                for k in range(3)
            ],
        )  # fmt: skip
        db.session.execute(
            insert(Payment),
            [dict(cooperative_id=cid, sale_id=s, method="tunai", amount=30_000) for s in ids],
        )
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sales", type=int, default=100_000)
    parser.add_argument("--members", type=int, default=2_000)
    parser.add_argument("--items", type=int, default=2_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="simkopdes-bench-"))
    os.environ["OUTLET_POS_INSTANCE"] = str(tmp)
    from flask_migrate import upgrade
    from sqlalchemy import text

    from outlet_pos import create_app
    from outlet_pos.core.db import read_only, run_transaction
    from outlet_pos.core.onboarding import create_cooperative, save_outlet, save_unit
    from outlet_pos.core.simkopdes import export
    from outlet_pos.extensions import db

    url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(directory=app.extensions["migrate"].directory)

        def setup():
            coop = create_cooperative({"name": "Koperasi Bench", "timezone": "WIB"})
            outlet = save_outlet(coop, "GR01", "Gerai")
            save_unit(coop, "sembako", "Sembako", "sembako", outlet.id)
            return coop

        coop = run_transaction(setup)
        t = time.perf_counter()
        build(coop, args.members, args.items, args.sales)
        print(
            f"built {args.sales:,} sales in {time.perf_counter() - t:.1f} s ({url.split(':')[0]})"
        )
        with read_only():
            t = time.perf_counter()
            counts = export.row_counts(coop)
            print(f"page row counts: {time.perf_counter() - t:.2f} s")
            t, cpu = time.perf_counter(), time.process_time()
            with (tmp / "bundle.zip").open("wb") as fh:
                manifest = export.write_zip(coop, fh)
            took, cpu = time.perf_counter() - t, time.process_time() - cpu
        assert manifest == counts
        rows = sum(manifest.values())
        size = (tmp / "bundle.zip").stat().st_size
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"zip: {rows:,} rows in {took:.1f} s ({rows / took:,.0f} rows/s; this process's "
            f"CPU {cpu:.1f} s, so {rows / cpu:,.0f} rows/s on an idle core), "
            f"{size / 1e6:.1f} MB, peak RSS {peak:.0f} MB"
        )
        for name in ("barang_keluar_produk", "transaksi_penjualan", "simpanan_anggota"):
            print(f"  {name}: {manifest[name]:,}")
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
