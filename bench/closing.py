"""Benchmark the treasurer's statements, the year-end close and SHU (DESIGN §4.1).

    .venv/bin/python bench/closing.py                    # SQLite, 500,000 sales, 2,000 members
    .venv/bin/python bench/closing.py --sales 250000     # 1,000,000 journal lines
    .venv/bin/python bench/closing.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench

A year of synthetic sales is bulk-inserted (each sale: cash, revenue to a member carrying the
member and the unit, cost of goods, inventory — four lines), plus members' simpanan pokok and
wajib. Then it times each statement over the whole ledger, and the year-end close followed by
the SHU simulation (rolled back and repeated). Budgets: statements over 1M lines <= 1 s;
year-end close + SHU for 2,000 members and 500,000 sales <= 10 s.
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

YEAR = 2025


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def timed(fn, runs: int) -> tuple[float, float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return statistics.median(out), pct(out, 0.95)


def build(coop_id: int, members: int, sales: int) -> int:
    """Members with pokok + wajib, and ``sales`` four-line sale entries over the year."""
    from sqlalchemy import func, select, text

    from outlet_pos.core.ledger.models import Account, JournalEntry
    from outlet_pos.core.parties import Member
    from outlet_pos.core.tenancy import BusinessUnit
    from outlet_pos.extensions import db

    acc = {
        a.code: a.id
        for a in db.session.scalars(select(Account).where(Account.cooperative_id == coop_id))
    }
    units = db.session.scalars(
        select(BusinessUnit.id).where(BusinessUnit.cooperative_id == coop_id)
    ).all()
    db.session.execute(
        text(
            "INSERT INTO member (cooperative_id, member_number, nik, name, sex, address, desa,"
            " phone, occupation, join_date, status, credit_limit, heir_name, heir_relation,"
            " leave_note, created_at) VALUES (:c, :n, :nik, :name, 'L', '', '', '', '', :d,"
            " 'aktif', 0, '', '', '', CURRENT_TIMESTAMP)"
        ),
        [
            {
                "c": coop_id,
                "n": f"A-{i:05d}",
                "nik": f"3201011205{i:06d}",
                "name": f"Anggota {i}",
                "d": date(YEAR - 1, 1, 1),
            }
            for i in range(1, members + 1)
        ],
    )
    member_ids = db.session.scalars(select(Member.id).where(Member.cooperative_id == coop_id)).all()
    entry_id = (db.session.scalar(select(func.max(JournalEntry.id))) or 0) + 1
    seq = 1
    lines_total = 0

    def flush(entries, lines):
        db.session.execute(
            text(
                "INSERT INTO journal_entry (id, public_id, cooperative_id, year, seq, number, "
                "date, memo, source, source_ref, created_at, prev_hash, hash) VALUES (:id, "
                ":p, :c, :y, :s, :n, :d, 'bench', :src, '', CURRENT_TIMESTAMP, :h, :h)"
            ),
            entries,
        )
        db.session.execute(
            text(
                "INSERT INTO journal_line (cooperative_id, entry_id, line_no, account_id, "
                "entry_date, debit, credit, unit_id, member_id, memo) VALUES "
                "(:c, :e, :l, :a, :d, :dr, :cr, :u, :m, '')"
            ),
            lines,
        )
        db.session.commit()

    entries, lines = [], []

    def entry(day, source, rows):
        nonlocal entry_id, seq, lines_total
        entries.append(
            {
                "id": entry_id,
                "p": f"bench-{entry_id}",
                "c": coop_id,
                "y": YEAR,
                "s": seq,
                "n": f"JU-{YEAR}-{seq:07d}",
                "d": day,
                "src": source,
                "h": "0" * 64,
            }
        )
        for no, (code, dr, cr, unit, member) in enumerate(rows, start=1):
            lines.append(
                {
                    "c": coop_id,
                    "e": entry_id,
                    "l": no,
                    "a": acc[code],
                    "d": day,
                    "dr": dr,
                    "cr": cr,
                    "u": unit,
                    "m": member,
                }
            )
        lines_total += len(rows)
        entry_id += 1
        seq += 1
        if len(lines) >= 40_000:
            flush(entries, lines)
            entries.clear()
            lines.clear()

    day0 = date(YEAR, 1, 1)
    for i, mid in enumerate(member_ids):
        wajib = 20_000 + 1_000 * (i % 7)
        entry(day0, "savings", [("111100", 100_000 + wajib, 0, None, None),
                                ("311100", 0, 100_000, None, mid),
                                ("311200", 0, wajib, None, mid)])  # fmt: skip
    for k in range(sales):
        day = day0 + timedelta(days=k % 365)
        amount = 10_000 + (k * 7919) % 490_000
        cost = amount * 4 // 5
        unit = units[k % len(units)]
        member = member_ids[k % len(member_ids)] if k % 3 else None
        revenue = "411100" if member else "411200"
        entry(day, "sale", [("111100", amount, 0, None, None),
                            (revenue, 0, amount, unit, member),
                            ("511100", cost, 0, unit, None),
                            ("114100", 0, cost, unit, None)])  # fmt: skip
    if entries:
        flush(entries, lines)
    if db.engine.dialect.name == "postgresql":
        db.session.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('journal_entry', 'id'),"
                " (SELECT max(id) FROM journal_entry))"
            )
        )
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    return lines_total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sales", type=int, default=500_000)
    parser.add_argument("--members", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="bench-closing-")
    os.environ["OUTLET_POS_INSTANCE"] = folder
    url = args.database_url or f"sqlite:///{folder}/bench.db"
    from flask_migrate import upgrade
    from sqlalchemy import text

    from outlet_pos import create_app
    from outlet_pos.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade(directory=app.extensions["migrate"].directory)
        from outlet_pos.core.closing.year_end import close_year, fiscal_bounds
        from outlet_pos.core.db import run_transaction
        from outlet_pos.core.onboarding import create_cooperative, save_outlet, save_unit
        from outlet_pos.core.shu.compute import simulate
        from outlet_pos.core.statements.financial import (
            balance_sheet,
            cash_flow,
            equity_changes,
            income_statement,
        )

        def setup():
            coop = create_cooperative({"name": "Koperasi Bench", "timezone": "WIB"})
            outlet = save_outlet(coop, "GR01", "Gerai")
            for code, kind in (("sembako", "sembako"), ("pupuk", "pupuk"), ("apotek", "apotek")):
                save_unit(coop, code, code.title(), kind, outlet.id)
            return coop

        coop = run_transaction(setup)
        t = time.perf_counter()
        lines = build(coop.id, args.members, args.sales)
        took = time.perf_counter() - t
        print(f"built {lines:,} journal lines in {took:.0f} s ({db.engine.dialect.name})")
        first, last = date(YEAR, 1, 1), date(YEAR, 12, 31)
        figures = [
            ("neraca (posisi keuangan)", lambda: balance_sheet(coop, last)),
            ("perhitungan hasil usaha per unit", lambda: income_statement(coop, first, last)),
            ("arus kas", lambda: cash_flow(coop, first, last)),
            ("perubahan ekuitas", lambda: equity_changes(coop, first, last)),
        ]

        def statements(title: str) -> None:
            print(f"-- {title}")
            print(f"{'figure':42} {'median':>9} {'p95':>9}  budget")
            for label, fn in figures:
                med, p95 = timed(fn, args.runs)
                print(f"{label:42} {med:8.3f}s {p95:8.3f}s  1 s")

        statements("every month open (worst case: statements read every line)")
        from outlet_pos.core.ledger.periods import close_month

        t = time.perf_counter()
        for month in range(1, 12):
            run_transaction(close_month, coop, YEAR, month, None)
        took = (time.perf_counter() - t) / 11
        print(f"close_month (writes the month's snapshot): {took:.3f} s per month")
        statements("January-November closed, December open (as a treasurer keeps the books)")

        def close_and_share():
            result = close_year(coop, YEAR, None)
            sim = simulate(coop, YEAR, result.shu, *fiscal_bounds(coop, YEAR))
            assert sum(b.jasa_usaha for b in sim.members) == sim.pools["jasa_usaha"]
            db.session.rollback()

        med, p95 = timed(close_and_share, max(1, args.runs // 2))
        label = f"close_year + SHU ({args.members:,} members, {args.sales:,} sales)"
        print(f"{label:42} {med:8.3f}s {p95:8.3f}s  10 s")


if __name__ == "__main__":
    main()
