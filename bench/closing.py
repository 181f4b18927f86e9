"""Benchmark the treasurer's statements, the year-end close and SHU (DESIGN §4.1).

    .venv/bin/python bench/closing.py [--quick]          # SQLite, 2,000 members, 500,000 sales
    .venv/bin/python bench/closing.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench

A year of synthetic sales is bulk-inserted (each sale: cash, revenue to a member carrying the
member and the unit, cost of goods, inventory — four lines), after members' simpanan pokok
and wajib. At half the sales the ledger holds ~1,000,000 lines: the trial balance and the
statements are timed there, with every month open (the worst case: they read every line).
Then the rest of the sales go in, January-November are closed (as a treasurer keeps the
books), the statements are timed again, and the year-end close followed by the SHU
simulation is timed (rolled back and repeated). Budgets: statements over 1M lines <= 1 s;
year-end close + SHU for 2,000 members and 500,000 sales <= 10 s.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

from _common import Figure, analyze, arguments, bench_app, report, time_calls

YEAR = 2025


class Books:
    """Bulk writer of synthetic, balanced journal entries for one cooperative (not
    hash-chained: this database is for timing only)."""

    def __init__(self, coop_id: int):
        from sqlalchemy import func, select

        from outlet_pos.core.ledger.models import Account, JournalEntry
        from outlet_pos.core.tenancy import BusinessUnit
        from outlet_pos.extensions import db

        self.coop_id = coop_id
        self.acc = {
            a.code: a.id
            for a in db.session.scalars(select(Account).where(Account.cooperative_id == coop_id))
        }
        self.units = db.session.scalars(
            select(BusinessUnit.id).where(BusinessUnit.cooperative_id == coop_id)
        ).all()
        self.member_ids: list[int] = []
        self.entry_id = (db.session.scalar(select(func.max(JournalEntry.id))) or 0) + 1
        self.seq = 1
        self.lines_total = 0
        self.entries: list[dict] = []
        self.lines: list[dict] = []

    def add_members(self, members: int) -> None:
        """Members joined last year, each paying pokok and this year's wajib."""
        from sqlalchemy import select, text

        from outlet_pos.core.parties import Member
        from outlet_pos.extensions import db

        db.session.execute(
            text(
                "INSERT INTO member (cooperative_id, member_number, nik, name, sex, address,"
                " desa, phone, occupation, join_date, status, credit_limit, heir_name,"
                " heir_relation, leave_note, created_at) VALUES (:c, :n, :nik, :name, 'L', '',"
                " '', '', '', :d, 'aktif', 0, '', '', '', CURRENT_TIMESTAMP)"
            ),
            [
                {"c": self.coop_id, "n": f"A-{i:05d}", "nik": f"3201011205{i:06d}",
                 "name": f"Anggota {i}", "d": date(YEAR - 1, 1, 1)}
                for i in range(1, members + 1)
            ],
        )  # fmt: skip
        self.member_ids = db.session.scalars(
            select(Member.id).where(Member.cooperative_id == self.coop_id)
        ).all()
        day0 = date(YEAR, 1, 1)
        for i, mid in enumerate(self.member_ids):
            wajib = 20_000 + 1_000 * (i % 7)
            self.entry(day0, "savings", [("111100", 100_000 + wajib, 0, None, None),
                                         ("311100", 0, 100_000, None, mid),
                                         ("311200", 0, wajib, None, mid)])  # fmt: skip
        self.flush()

    def add_sales(self, start: int, stop: int) -> None:
        """Sales number ``start`` to ``stop`` of the year's, spread over its days."""
        day0 = date(YEAR, 1, 1)
        for k in range(start, stop):
            day = day0 + timedelta(days=k % 365)
            amount = 10_000 + (k * 7919) % 490_000
            cost = amount * 4 // 5
            unit = self.units[k % len(self.units)]
            member = self.member_ids[k % len(self.member_ids)] if k % 3 else None
            revenue = "411100" if member else "411200"
            self.entry(day, "sale", [("111100", amount, 0, None, None),
                                     (revenue, 0, amount, unit, member),
                                     ("511100", cost, 0, unit, None),
                                     ("114100", 0, cost, unit, None)])  # fmt: skip
        self.flush()
        self.finish()

    def entry(self, day: date, source: str, rows) -> None:
        self.entries.append(
            {"id": self.entry_id, "p": f"bench-{self.entry_id}", "c": self.coop_id, "y": YEAR,
             "s": self.seq, "n": f"JU-{YEAR}-{self.seq:07d}", "d": day, "src": source,
             "h": "0" * 64}
        )  # fmt: skip
        for no, (code, dr, cr, unit, member) in enumerate(rows, start=1):
            self.lines.append(
                {"c": self.coop_id, "e": self.entry_id, "l": no, "a": self.acc[code], "d": day,
                 "dr": dr, "cr": cr, "u": unit, "m": member}
            )  # fmt: skip
        self.lines_total += len(rows)
        self.entry_id += 1
        self.seq += 1
        if len(self.lines) >= 40_000:
            self.flush()

    def flush(self) -> None:
        from sqlalchemy import text

        from outlet_pos.extensions import db

        if not self.entries:
            return
        db.session.execute(
            text(
                "INSERT INTO journal_entry (id, public_id, cooperative_id, year, seq, number, "
                "date, memo, source, source_ref, created_at, prev_hash, hash) VALUES (:id, "
                ":p, :c, :y, :s, :n, :d, 'bench', :src, '', CURRENT_TIMESTAMP, :h, :h)"
            ),
            self.entries,
        )
        db.session.execute(
            text(
                "INSERT INTO journal_line (cooperative_id, entry_id, line_no, account_id, "
                "entry_date, debit, credit, unit_id, member_id, memo) VALUES "
                "(:c, :e, :l, :a, :d, :dr, :cr, :u, :m, '')"
            ),
            self.lines,
        )
        db.session.commit()
        self.entries.clear()
        self.lines.clear()

    def finish(self) -> None:
        from sqlalchemy import text

        from outlet_pos.extensions import db

        if db.engine.dialect.name == "postgresql":
            db.session.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('journal_entry', 'id'),"
                    " (SELECT max(id) FROM journal_entry))"
                )
            )
        analyze()


def main() -> None:
    parser = arguments(__doc__, "200 members and 20,000 sales instead of 2,000 and 500,000")
    parser.add_argument("--sales", type=int, default=None)
    parser.add_argument("--members", type=int, default=None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", choices=["reports", "closing"], default=None)
    args = parser.parse_args()
    sales = args.sales or (20_000 if args.quick else 500_000)
    members = args.members or (200 if args.quick else 2_000)
    app, _folder = bench_app("closing", args.database_url, TESTING=True)
    with app.app_context():
        report(run(sales, members, args.runs, args.only), args.json)


def run(sales: int, members: int, runs: int, only: str | None) -> list[Figure]:
    from outlet_pos.core.closing.year_end import close_year, fiscal_bounds
    from outlet_pos.core.db import run_transaction
    from outlet_pos.core.ledger.periods import close_month
    from outlet_pos.core.onboarding import create_cooperative, save_outlet, save_unit
    from outlet_pos.core.shu.compute import simulate
    from outlet_pos.core.statements import financial as fs
    from outlet_pos.extensions import db
    from outlet_pos.workspaces.bendahara.queries import trial_balance

    def setup():
        coop = create_cooperative({"name": "Koperasi Bench", "timezone": "WIB"})
        outlet = save_outlet(coop, "GR01", "Gerai")
        for code, kind in (("sembako", "sembako"), ("pupuk", "pupuk"), ("apotek", "apotek")):
            save_unit(coop, code, code.title(), kind, outlet.id)
        return coop

    coop = run_transaction(setup)
    engine = db.engine.dialect.name
    first, last = date(YEAR, 1, 1), date(YEAR, 12, 31)
    # (name, function, judged): §4.1 budgets the trial balance and the income statement
    # over 1M lines; the other statements are shown beside them as context.
    statements = [
        ("trial balance", lambda: trial_balance(coop, first, last), True),
        ("income statement (PHU per unit)", lambda: fs.income_statement(coop, first, last), True),
        ("balance sheet", lambda: fs.balance_sheet(coop, last), False),
        ("cash flow", lambda: fs.cash_flow(coop, first, last), False),
        ("changes in equity", lambda: fs.equity_changes(coop, first, last), False),
    ]

    def timed_statements(lines: int, judged: bool, note: str) -> list[Figure]:
        out = []
        for name, fn, budgeted in statements:
            fn()  # warm: the first read of a fresh database pays for the disk
            db.session.rollback()
            samples = [
                s / 1000 for s in time_calls(lambda f=fn: (f(), db.session.rollback()), runs)
            ]
            label = f"{name}, {lines:,} lines ({engine})"
            if judged and budgeted:
                out.append(Figure.of("reports", label, samples, "s", budget=1, note=note))
            else:
                out.append(Figure.of("reports", "  " + label, samples, "s", note=note))
        return out

    books = Books(coop.id)
    t = time.perf_counter()
    books.add_members(members)
    half = sales // 2
    books.add_sales(0, half)
    print(f"built {books.lines_total:,} journal lines in {time.perf_counter() - t:.0f} s")
    figures: list[Figure] = []
    if only in (None, "reports"):
        figures += timed_statements(books.lines_total, True, "every month open")
    if only == "reports":
        return figures
    t = time.perf_counter()
    books.add_sales(half, sales)
    print(f"built {books.lines_total:,} journal lines in {time.perf_counter() - t:.0f} s")
    t = time.perf_counter()
    for month in range(1, 12):
        run_transaction(close_month, coop, YEAR, month, None)
    per_month = (time.perf_counter() - t) / 11
    figures.append(
        Figure(
            "closing",
            f"  close_month, {books.lines_total:,} lines",
            "s",
            per_month,
            judge="value",
            note="writes the month's snapshot",
        )
    )
    if only is None:
        figures += timed_statements(books.lines_total, False, "Jan-Nov closed")

    def close_and_share():
        result = close_year(coop, YEAR, None)
        sim = simulate(coop, YEAR, result.shu, *fiscal_bounds(coop, YEAR))
        assert sum(b.jasa_usaha for b in sim.members) == sim.pools["jasa_usaha"]
        db.session.rollback()

    samples = [s / 1000 for s in time_calls(close_and_share, max(1, runs // 2))]
    figures.append(Figure.of("closing", f"year-end close + SHU, {len(books.member_ids):,} "
                             f"members, {sales:,} sales ({engine})", samples, "s",
                             budget=10))  # fmt: skip
    return figures


if __name__ == "__main__":
    main()
