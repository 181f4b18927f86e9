"""What every benchmark in bench/ shares: percentiles and timing, the ``Figure`` record a
script hands to ``bench/run``, a fresh application on a throwaway database, and the SQLite
settings the application runs with (so a side-by-side comparison uses exactly the same).

One copy on purpose: each script used to carry its own ``pct``/``timed``/``show``, and a
benchmark whose percentile rule differs from its neighbour's is not comparable with it.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The per-connection settings that decide what a commit costs. They are read back from the
# application's own engine (not copied from outlet_pos/core/db.py), so a raw sqlite3 or
# python-accounting connection gets whatever the application really runs with.
SQLITE_SETTINGS = ("journal_mode", "synchronous", "foreign_keys", "busy_timeout", "cache_size")


def pct(values: Iterable[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..1): the value that ``p`` of the samples do not exceed."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def time_calls(fn: Callable[[], object], runs: int) -> list[float]:
    """Wall time of ``runs`` calls of ``fn``, in milliseconds, one sample per call."""
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


@dataclass
class Figure:
    """One measured figure and its budget from DESIGN §4.1.

    ``judge`` says which number meets the budget: ``p50``/``p95`` of the samples, or
    ``value`` for a single measurement (kept in ``median``). ``at_least`` turns the budget
    into a floor (rates). A figure without a budget is context (a reference, a ratio's
    parts) and is neither passed nor failed.
    """

    key: str
    label: str
    unit: str
    median: float | None = None
    p95: float | None = None
    budget: float | None = None
    judge: str = "p50"
    at_least: bool = False
    note: str = ""

    @classmethod
    def of(cls, key: str, label: str, samples: list[float], unit: str = "ms", **kw) -> Figure:
        return cls(key, label, unit, statistics.median(samples), pct(samples, 0.95), **kw)

    @property
    def judged(self) -> float | None:
        return self.p95 if self.judge == "p95" else self.median

    @property
    def passed(self) -> bool | None:
        if self.budget is None or self.judged is None:
            return None
        return self.judged >= self.budget if self.at_least else self.judged <= self.budget

    def budget_text(self) -> str:
        if self.budget is None:
            return ""
        stat = "" if self.judge == "value" else f"{self.judge} "
        return f"{stat}{'≥' if self.at_least else '≤'} {fmt(self.budget, self.unit)}"

    def verdict(self) -> str:
        return {True: "pass", False: "FAIL", None: ""}[self.passed]


def fmt(value: float | None, unit: str) -> str:
    """A number with its unit, with as many decimals as its size deserves."""
    if value is None:
        return "-"
    digits = (
        0 if float(value).is_integer() else 2 if abs(value) < 10 else 1 if abs(value) < 100 else 0
    )
    number = f"{value:,.{digits}f}"
    return f"{number}{unit}" if unit in ("", "×", "%") else f"{number} {unit}"


def table(figures: list[Figure], markdown: bool = False) -> str:
    """The figures as one table: figure, budget, p50 (or value), p95, pass/fail."""
    head = ["figure", "budget", "p50 / value", "p95", "result", "notes"]
    rows = [
        [f.label, f.budget_text(), fmt(f.median, f.unit),
         fmt(f.p95, f.unit) if f.p95 is not None else "", f.verdict(), f.note]
        for f in figures
    ]  # fmt: skip
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|---|---|--:|--:|---|---|"]
        lines += ["| " + " | ".join(c.replace("|", "/") for c in r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    align = "<<>><<"
    line = "  ".join(f"{{:{a}{w}}}" for a, w in zip(align, widths, strict=True))
    out = [line.format(*head), "  ".join("-" * w for w in widths)]
    return "\n".join(x.rstrip() for x in out + [line.format(*r) for r in rows])


def arguments(doc: str | None, quick_help: str = "small sizes, for a smoke check"):
    """The options every script takes: ``--quick``, ``--json`` (where bench/run collects the
    figures) and ``--database-url``. Scripts add their own sizes."""
    parser = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help=quick_help)
    parser.add_argument("--json", default=None, help="append the figures to this file")
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default SQLite)")
    return parser


def report(figures: list[Figure], json_path: str | None) -> None:
    """Print the script's figures, and hand them to bench/run when it asked for them."""
    print()
    print(table(figures))
    if json_path:
        with open(json_path, "a", encoding="utf-8") as f:
            for fig in figures:
                f.write(json.dumps(asdict(fig)) + "\n")


def load_figures(path: Path) -> list[Figure]:
    if not path.exists():
        return []
    return [Figure(**json.loads(line)) for line in path.read_text().splitlines() if line]


def scratch_folder(prefix: str) -> str:
    """A temporary instance folder, removed at exit (a 1M-line database is hundreds of MB)."""
    folder = tempfile.mkdtemp(prefix=f"bench-{prefix}-")
    atexit.register(shutil.rmtree, folder, True)
    return folder


def bench_app(prefix: str, database_url: str | None = None, **config):
    """A fresh application on an empty, migrated database: SQLite in a scratch folder, or
    the given PostgreSQL database with its public schema dropped first (bench databases
    only!). Returns ``(app, folder)``; the caller enters ``app.app_context()``."""
    folder = scratch_folder(prefix)
    os.environ["OUTLET_POS_INSTANCE"] = folder
    from flask_migrate import upgrade
    from sqlalchemy import text

    from outlet_pos import create_app
    from outlet_pos.extensions import db

    url = database_url or f"sqlite:///{folder}/bench.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", **config})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade(directory=app.extensions["migrate"].directory)
    return app, folder


def analyze() -> None:
    """Refresh the planner's statistics after a bulk load, as a real database would have."""
    from sqlalchemy import text

    from outlet_pos.extensions import db

    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def app_sqlite_settings() -> dict[str, object]:
    """The SQLite settings of a connection from the application's engine (app context)."""
    from outlet_pos.extensions import db

    raw = db.engine.raw_connection()
    try:
        return sqlite_settings(raw.driver_connection)
    finally:
        raw.close()


def sqlite_settings(conn) -> dict[str, object]:
    return {name: conn.execute(f"PRAGMA {name}").fetchone()[0] for name in SQLITE_SETTINGS}


def apply_sqlite_settings(conn, settings: dict[str, object]) -> None:
    """Give a raw sqlite3 connection the application's settings, and prove it took them."""
    for name, value in settings.items():
        conn.execute(f"PRAGMA {name}={value}")
    got = sqlite_settings(conn)
    if got != settings:
        raise RuntimeError(f"SQLite settings differ from the application's: {got} != {settings}")
