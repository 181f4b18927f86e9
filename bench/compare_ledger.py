"""Side by side (DESIGN §4.1): 10,000 two-line journal entries and then a trial balance, once
through outlet_pos's ``ledger.post()`` and once through python-accounting 2.0 (the "popular
Python double-entry library" DESIGN quotes at ~105 entries/s), on the same entries and the
same SQLite settings.

    .venv/bin/python bench/compare_ledger.py [--quick] [--entries 10000]

Same data: entry ``i`` has the same date, the same two accounts (Kas, Bank, two revenue
accounts, an expense) and the same whole-rupiah amount on both sides; each entry is its own
committed transaction, as at the counter. Same settings: the library's connections get the
SQLite settings read back from outlet_pos's own engine (WAL, synchronous=FULL, ...), checked
after they are set. Both trial balances must come out at the same totals as the data.

Each side runs in its own process: python-accounting registers its event listeners on
SQLAlchemy's ``Session`` class itself, so once imported its entity filter runs on every
session in the process, ours included. The library is not a project dependency:
``bench/run`` installs it into the venv with ``--no-deps`` (it needs python-dateutil and
six at run time; mysqlclient and psycopg2 only for those databases).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as clock

from _common import Figure, apply_sqlite_settings, arguments, bench_app, report, scratch_folder

# (debit account, credit account, amount divisor): Kas stays a debit balance so the trial
# balance totals are the same whether a report sums per account or per account type.
PAIRS = [
    ("111100", "411100", 1),  # cash sale to a member
    ("111100", "411200", 1),  # cash sale to a non-member
    ("612100", "111100", 4),  # electricity paid in cash
    ("112100", "111100", 4),  # cash banked
]
NOON = clock(12)  # the library refuses a date at the very start of its reporting period
PA_ACCOUNTS = {  # our code -> (name, python-accounting account type)
    "111100": ("Kas", "BANK"),
    "112100": ("Bank", "BANK"),
    "411100": ("Penjualan anggota", "OPERATING_REVENUE"),
    "411200": ("Penjualan non-anggota", "OPERATING_REVENUE"),
    "612100": ("Listrik dan air", "OPERATING_EXPENSE"),
}


def entries(n: int) -> list[tuple[date, str, str, int]]:
    """``n`` entries dated from 2 January of this year up to today: python-accounting books
    into the reporting period of the current calendar year, and its trial balance counts an
    entry dated on the period's first day twice (in the opening balance and in the period),
    so no entry is dated 1 January."""
    first = date(date.today().year, 1, 2)
    span = max(1, (date.today() - first).days + 1)
    out = []
    for i in range(n):
        debit, credit, divisor = PAIRS[i % len(PAIRS)]
        amount = (1_000 + (i * 7919) % 490_000) // divisor
        out.append((first + timedelta(days=i * span // n), debit, credit, amount))
    return out


def expected_debit_total(rows) -> int:
    balance: dict[str, int] = {}
    for _day, debit, credit, amount in rows:
        balance[debit] = balance.get(debit, 0) + amount
        balance[credit] = balance.get(credit, 0) - amount
    return sum(b for b in balance.values() if b > 0)


def block_rates(lat: list[float]) -> tuple[int, float, float]:
    """Entries per second over the first and the last block of posts (1,000, or a fifth of
    a shorter run): whether a side slows down as its ledger grows."""
    size = max(1, min(1_000, len(lat) // 5))
    return size, size / sum(lat[:size]), size / sum(lat[-size:])


def outlet_side(n: int) -> dict:
    from _common import app_sqlite_settings

    app, _folder = bench_app("compare")
    with app.app_context():
        from outlet_pos.core.db import run_transaction
        from outlet_pos.core.ledger import post
        from outlet_pos.core.onboarding import create_cooperative
        from outlet_pos.extensions import db
        from outlet_pos.workspaces.bendahara.queries import trial_balance

        coop = run_transaction(create_cooperative, {"name": "Koperasi Banding", "timezone": "WIB"})
        rows = entries(n)
        lat = []
        t0 = time.perf_counter()
        for i, (day, debit, credit, amount) in enumerate(rows):
            t = time.perf_counter()
            run_transaction(
                post,
                coop,
                day,
                f"entri {i}",
                [(debit, amount, 0), (credit, 0, amount)],
                source="manual",
            )
            lat.append(time.perf_counter() - t)
        posting = time.perf_counter() - t0
        tb_times = []
        for _ in range(5):
            db.session.rollback()
            t = time.perf_counter()
            tb = trial_balance(coop, rows[0][0], date.today())
            tb_times.append(time.perf_counter() - t)
        assert tb.balanced
        return {
            "posting": posting,
            "lat": lat,
            "tb": tb_times,
            "debit_total": tb.total_closing_debit,
            "settings": app_sqlite_settings(),
        }


def library_side(n: int, settings: dict) -> dict:
    from python_accounting.database.session import get_session
    from python_accounting.models import Account, Base, Currency, Entity, LineItem
    from python_accounting.reports import TrialBalance
    from python_accounting.transactions import JournalEntry
    from sqlalchemy import create_engine, event

    folder = scratch_folder("python-accounting")
    engine = create_engine(f"sqlite:///{folder}/pa.db")

    @event.listens_for(engine, "connect")
    def _settings(dbapi_connection, _record) -> None:
        apply_sqlite_settings(dbapi_connection, settings)

    Base.metadata.create_all(engine)
    with get_session(engine) as session:
        entity = Entity(name="Koperasi Banding")
        session.add(entity)
        session.commit()
        currency = Currency(name="Rupiah", code="IDR", entity_id=entity.id)
        session.add(currency)
        session.commit()
        accounts = {
            code: Account(
                name=name,
                account_type=Account.AccountType[kind],
                currency_id=currency.id,
                entity_id=entity.id,
            )
            for code, (name, kind) in PA_ACCOUNTS.items()
        }
        session.add_all(accounts.values())
        session.commit()
        ids = {code: acc.id for code, acc in accounts.items()}
        lat = []
        t0 = time.perf_counter()
        for i, (day, debit, credit, amount) in enumerate(entries(n)):
            t = time.perf_counter()
            # The library's journal entry credits its main account and debits the line item.
            entry = JournalEntry(
                narration=f"entri {i}",
                account_id=ids[credit],
                transaction_date=datetime.combine(day, NOON),
                entity_id=entity.id,
            )
            line = LineItem(
                narration=f"entri {i}", account_id=ids[debit], amount=amount, entity_id=entity.id
            )
            session.add(line)
            session.flush()
            entry.line_items.add(line)
            session.add(entry)
            entry.post(session)  # commits
            lat.append(time.perf_counter() - t)
        posting = time.perf_counter() - t0
        tb_times = []
        for _ in range(5):
            t = time.perf_counter()
            tb = TrialBalance(session)
            tb_times.append(time.perf_counter() - t)
        debit = tb.result_amounts["DEBIT"]
        assert debit == tb.result_amounts["CREDIT"]
        return {"posting": posting, "lat": lat, "tb": tb_times, "debit_total": int(debit)}


def run_side(side: str, n: int, settings: dict | None = None) -> dict:
    cmd = [sys.executable, __file__, "--side", side, "--entries", str(n)]
    if settings:
        cmd += ["--settings", json.dumps(settings)]
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(next(line for line in reversed(out.splitlines()) if line.startswith("{")))


def main() -> None:
    parser = arguments(__doc__, "500 entries instead of 10,000")
    parser.add_argument("--entries", type=int, default=None)
    parser.add_argument("--side", choices=["outlet_pos", "python-accounting"], default=None)
    parser.add_argument("--settings", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    n = args.entries or (500 if args.quick else 10_000)
    if args.side == "outlet_pos":
        print(json.dumps(outlet_side(n)))
        return
    if args.side == "python-accounting":
        print(json.dumps(library_side(n, json.loads(args.settings))))
        return
    if args.database_url:
        print("the comparison runs on SQLite (the library's side has no PostgreSQL driver here)")
    print(f"outlet_pos: posting {n:,} entries ...", flush=True)
    ours = run_side("outlet_pos", n)
    print(f"python-accounting: posting {n:,} entries ...", flush=True)
    theirs = run_side("python-accounting", n, ours["settings"])
    want = expected_debit_total(entries(n))
    if not ours["debit_total"] == theirs["debit_total"] == want:
        raise SystemExit(
            f"trial balances differ: {ours['debit_total']}, "
            f"{theirs['debit_total']}, expected {want}"
        )
    figures = []
    for name, side in (("outlet_pos ledger.post()", ours), ("python-accounting 2.0", theirs)):
        size, first, last = block_rates(side["lat"])
        figures.append(
            Figure(
                "compare",
                f"{n:,} 2-line entries: {name}",
                "/s",
                n / side["posting"],
                judge="value",
                note=f"first {size:,} {first:.0f}/s, last {size:,} {last:.0f}/s",
            )
        )
    for name, side in (("outlet_pos", ours), ("python-accounting 2.0", theirs)):
        figures.append(
            Figure.of(
                "compare",
                f"  trial balance after them: {name}",
                side["tb"],
                "s",
                note=f"debit total Rp{side['debit_total']:,}",
            )
        )
    total = [s["posting"] + min(s["tb"]) for s in (ours, theirs)]
    figures.append(
        Figure(
            "compare",
            "  python-accounting time / outlet_pos time",
            "×",
            total[1] / total[0],
            judge="value",
            note=f"post all + trial balance: {total[0]:.0f} s vs {total[1]:.0f} s",
        )
    )
    report(figures, args.json)


if __name__ == "__main__":
    main()
