"""Benchmark the mentor's portfolio of ten cooperatives (DESIGN §4.1: ≤ 1 s).

    .venv/bin/python bench/portfolio.py                 # SQLite
    .venv/bin/python bench/portfolio.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench

Builds ``outlet-pos demo --portfolio`` (ten cooperatives, a year of books each, a mentor
coaching all ten) into a fresh database, then times: every cooperative's figures and alerts
(the service), the portfolio page over HTTP (test client, logged in as the mentor), one
cooperative's dashboard, and the weekly digest PDF. Prints median and p95.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="bench-portfolio-")
    os.environ["OUTLET_POS_INSTANCE"] = folder
    url = args.database_url or f"sqlite:///{folder}/bench.db"
    from flask_migrate import upgrade
    from sqlalchemy import select, text

    from outlet_pos import create_app
    from outlet_pos.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    password = "bench-Portofolio-2026!"
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade(directory=app.extensions["migrate"].directory)
        from outlet_pos.core.access import User
        from outlet_pos.core.mentoring import alerts
        from outlet_pos.core.mentoring.portfolio import portfolio
        from outlet_pos.demo_portfolio import MENTOR, build_portfolio

        t = time.perf_counter()
        build_portfolio(password=password)
        took = time.perf_counter() - t
        print(f"built the portfolio demo in {took:.1f} s ({db.engine.dialect.name})")
        mentor = db.session.scalar(select(User).where(User.username == MENTOR[0]))
        thresholds = alerts.thresholds_for(mentor)
        snaps = portfolio(mentor, thresholds)
        coop_id = snaps[0].coop.id
        print(f"{len(snaps)} cooperatives; categories: "
              + ", ".join(sorted({s.health_category or '-' for s in snaps})))  # fmt: skip
        rows = [("portfolio figures + alerts, 10 cooperatives (service)",
                 lambda: (portfolio(mentor, thresholds), db.session.rollback()))]  # fmt: skip
    client = app.test_client()
    resp = client.post("/masuk", data={"username": MENTOR[0], "password": password})
    assert resp.status_code == 302, resp.status_code

    def get(url: str) -> None:
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)

    rows += [
        ("portfolio page over HTTP", lambda: get("/pendamping/portofolio")),
        ("one cooperative's dashboard over HTTP", lambda: get(f"/pendamping/koperasi/{coop_id}")),
        ("weekly digest PDF over HTTP", lambda: get("/pendamping/ringkasan-mingguan.pdf")),
    ]
    print(f"{'what':58} {'median':>9} {'p95':>9}  budget")
    with app.app_context():
        for label, fn in rows:
            fn()  # warm
            med, p95 = timed(fn, args.runs)
            budget = "1 s" if "portfolio" in label else ""
            print(f"{label:58} {med * 1000:7.0f}ms {p95 * 1000:7.0f}ms  {budget}")


if __name__ == "__main__":
    main()
