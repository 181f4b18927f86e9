"""Benchmark the ledger (DESIGN §4.1): post() throughput and latency as the ledger grows to
1,000,000 lines, and the trial balance over all of them.

    .venv/bin/python bench/ledger.py                       # SQLite (WAL, synchronous=FULL)
    .venv/bin/python bench/ledger.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench

Each post() is its own committed transaction, as at the counter. The ledger is grown to the
target size with bulk inserts of synthetic balanced entries between the two measurements.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def measure_posts(coop, n: int, start_seq: int) -> tuple[float, list[float]]:
    from outlet_pos.core.db import run_transaction
    from outlet_pos.core.ledger import post

    lat = []
    t0 = time.perf_counter()
    for i in range(n):
        t = time.perf_counter()
        run_transaction(
            post,
            coop,
            date(2026, 6, 1),
            f"bench {start_seq + i}",
            [("111100", 1_000 + i, 0), ("411100", 0, 1_000 + i)],
            source="manual",
        )
        lat.append((time.perf_counter() - t) * 1000)
    return n / (time.perf_counter() - t0), lat


def measure_batched(coop, n: int, per_tx: int = 100) -> float:
    """post() cost without the per-commit fsync: ``per_tx`` entries per transaction."""
    from outlet_pos.core.db import run_transaction
    from outlet_pos.core.ledger import post

    def batch(k: int) -> None:
        for i in range(per_tx):
            post(
                coop,
                date(2026, 6, 2),
                f"batch {k}-{i}",
                [("111100", 500 + i, 0), ("411100", 0, 500 + i)],
                source="manual",
            )

    t0 = time.perf_counter()
    for k in range(n // per_tx):
        run_transaction(batch, k)
    return n / (time.perf_counter() - t0)


def raw_commit_rate(folder: str, n: int = 1_000) -> float:
    """The floor set by the disk: raw sqlite3 writing 1 entry row + 2 line rows per commit,
    WAL and synchronous=FULL, as the application does."""
    import sqlite3

    conn = sqlite3.connect(f"{folder}/raw.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE e (id INTEGER PRIMARY KEY, n TEXT, d TEXT, h TEXT)")
    conn.execute("CREATE TABLE l (id INTEGER PRIMARY KEY, e INT, a INT, dr INT, cr INT)")
    t0 = time.perf_counter()
    for i in range(n):
        conn.execute("BEGIN IMMEDIATE")
        cur = conn.execute("INSERT INTO e (n, d, h) VALUES (?, '2026-06-01', ?)", (i, "0" * 64))
        conn.executemany(
            "INSERT INTO l (e, a, dr, cr) VALUES (?, ?, ?, ?)",
            [(cur.lastrowid, 1, i, 0), (cur.lastrowid, 2, 0, i)],
        )
        conn.execute("COMMIT")
    return n / (time.perf_counter() - t0)


def grow(coop_id: int, lines_target: int) -> None:
    """Append synthetic balanced entries with raw inserts until the ledger has the target
    number of lines. (They are not hash-chained: this database is for timing only.)"""
    from sqlalchemy import func, select, text

    from outlet_pos.core.ledger.models import Account, JournalEntry, JournalLine
    from outlet_pos.extensions import db

    accounts = db.session.scalars(
        select(Account.id).where(Account.cooperative_id == coop_id, Account.is_header.is_(False))
    ).all()
    have = db.session.scalar(select(func.count(JournalLine.id)))
    entry_id = (db.session.scalar(select(func.max(JournalEntry.id))) or 0) + 1
    seq = (
        db.session.scalar(select(func.max(JournalEntry.seq)).where(JournalEntry.year == 2025)) or 0
    ) + 1
    day0 = date(2025, 1, 1)
    batch = 20_000
    while have < lines_target:
        entries, lines = [], []
        for _ in range(batch // 2):
            day = day0 + timedelta(days=entry_id % 365)
            amount = 1_000 + entry_id % 97_000
            entries.append(
                {
                    "id": entry_id,
                    "public_id": f"bench-{entry_id}",
                    "c": coop_id,
                    "y": 2025,
                    "s": seq,
                    "n": f"JU-2025-{seq:06d}",
                    "d": day,
                    "h": "0" * 64,
                }
            )
            a, b = accounts[entry_id % len(accounts)], accounts[(entry_id * 7 + 3) % len(accounts)]
            lines.append(
                {"c": coop_id, "e": entry_id, "l": 1, "a": a, "d": day, "dr": amount, "cr": 0}
            )
            lines.append(
                {"c": coop_id, "e": entry_id, "l": 2, "a": b, "d": day, "dr": 0, "cr": amount}
            )
            entry_id += 1
            seq += 1
        db.session.execute(
            text(
                "INSERT INTO journal_entry (id, public_id, cooperative_id, year, seq, number, "
                "date, memo, source, source_ref, created_at, prev_hash, hash) VALUES (:id, "
                ":public_id, :c, :y, :s, :n, :d, 'bench', 'manual', '', CURRENT_TIMESTAMP, :h, :h)"
            ),
            entries,
        )
        db.session.execute(
            text(
                "INSERT INTO journal_line (cooperative_id, entry_id, line_no, account_id, "
                "entry_date, debit, credit, memo) VALUES (:c, :e, :l, :a, :d, :dr, :cr, '')"
            ),
            lines,
        )
        db.session.commit()
        have += len(lines)
    if db.engine.dialect.name == "postgresql":
        db.session.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('journal_entry', 'id'), "
                "(SELECT max(id) FROM journal_entry))"
            )
        )
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--posts", type=int, default=2_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="bench-ledger-")
    os.environ["OUTLET_POS_INSTANCE"] = tmp
    url = args.database_url or f"sqlite:///{tmp}/bench.db"
    from flask_migrate import upgrade
    from sqlalchemy import func, select, text

    from outlet_pos import create_app
    from outlet_pos.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(directory=app.extensions["migrate"].directory)
        from outlet_pos.core.db import run_transaction
        from outlet_pos.core.ledger.models import JournalLine
        from outlet_pos.core.onboarding import create_cooperative
        from outlet_pos.workspaces.bendahara.queries import trial_balance

        coop = run_transaction(create_cooperative, {"name": "Koperasi Bench", "timezone": "WIB"})
        print(f"database: {db.engine.dialect.name}  ({url.split('@')[-1]})")
        if db.engine.dialect.name == "sqlite":
            print(f"raw sqlite3, 3 rows per commit (disk floor): {raw_commit_rate(tmp):8.0f} /s")
        rate, lat = measure_posts(coop, args.posts, 0)
        print(
            f"post() 2-line entry, empty ledger:   {rate:8.0f} entries/s   "
            f"p50 {statistics.median(lat):.2f} ms  p95 {pct(lat, 0.95):.2f} ms"
        )
        print(f"post() 100 entries per transaction: {measure_batched(coop, 2_000):8.0f} entries/s")
        t = time.perf_counter()
        grow(coop.id, args.lines)
        n = db.session.scalar(select(func.count(JournalLine.id)))
        print(f"grew ledger to {n:,} lines in {time.perf_counter() - t:.1f} s")
        rate, lat = measure_posts(coop, args.posts, args.posts)
        print(
            f"post() 2-line entry, {n:,} lines: {rate:8.0f} entries/s   "
            f"p50 {statistics.median(lat):.2f} ms  p95 {pct(lat, 0.95):.2f} ms"
        )
        times = []
        for _ in range(5):
            db.session.rollback()
            t = time.perf_counter()
            tb = trial_balance(coop, date(2025, 1, 1), date(2026, 12, 31))
            times.append(time.perf_counter() - t)
        assert tb.balanced
        print(
            f"trial balance over {n:,} lines:   median {statistics.median(times) * 1000:.0f} ms"
            f"   max {max(times) * 1000:.0f} ms   ({len(tb.rows)} accounts)"
        )


if __name__ == "__main__":
    main()
