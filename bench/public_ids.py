"""Why public ids are time-ordered (UUID v7, ``core.db.time_ordered_uuid``): one committed
insert into a 1,000,000-row table with a unique index on the id, random uuid4 vs uuid7, with
the application's SQLite settings (WAL, synchronous=FULL, 32 MB cache).

    .venv/bin/python bench/public_ids.py [--rows 1000000] [--inserts 2000]

Measured 2026-12-07 on the 2-core machine: uuid4 p50 0.177 ms / p95 0.404 ms, uuid7 p50
0.163 ms / p95 0.285 ms: a random id lands on a cold leaf page of the index, a time-ordered
one on the hot right edge.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from outlet_pos.core.db import time_ordered_uuid  # noqa: E402


def measure(gen, rows: int, inserts: int, folder: str) -> list[float]:
    conn = sqlite3.connect(f"{folder}/ids.db", isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "cache_size=-32000"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute("DROP TABLE IF EXISTS t")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, public_id TEXT UNIQUE, v INT)")
    conn.execute("BEGIN")
    fill = ((gen(), i) for i in range(rows))
    conn.executemany("INSERT INTO t (public_id, v) VALUES (?, ?)", fill)
    conn.execute("COMMIT")
    lat = []
    for i in range(inserts):
        t = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (public_id, v) VALUES (?, ?)", (gen(), i))
        conn.execute("COMMIT")
        lat.append((time.perf_counter() - t) * 1000)
    conn.close()
    return lat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--inserts", type=int, default=2_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-ids-") as folder:
        for name, gen in (("uuid4", lambda: str(uuid.uuid4())), ("uuid7", time_ordered_uuid)):
            lat = sorted(measure(gen, args.rows, args.inserts, folder))
            p95 = lat[int(len(lat) * 0.95)]
            print(f"{name}: p50 {statistics.median(lat):.3f} ms, p95 {p95:.3f} ms "
                  f"({args.inserts} committed inserts into {args.rows:,} rows)")  # fmt: skip
            os.remove(f"{folder}/ids.db")


if __name__ == "__main__":
    main()
