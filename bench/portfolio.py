"""Benchmark the mentor's portfolio of ten cooperatives (DESIGN §4.1: ≤ 1 s).

    .venv/bin/python bench/portfolio.py [--quick]        # SQLite
    .venv/bin/python bench/portfolio.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench

Builds ``outlet-pos demo --portfolio`` (ten cooperatives, a year of books each, a mentor
coaching all ten) into a fresh database, then times: every cooperative's figures and alerts
(the service), the portfolio page over HTTP (test client, logged in as the mentor), one
cooperative's dashboard, and the weekly digest PDF. --quick builds two cooperatives
instead of ten (building takes over a minute) and times fewer runs.
"""

from __future__ import annotations

import time

from _common import Figure, arguments, bench_app, report, time_calls


def main() -> None:
    parser = arguments(__doc__, "2 cooperatives and 5 runs of each instead of 10 and 20")
    parser.add_argument("--runs", type=int, default=None)
    args = parser.parse_args()
    runs = args.runs or (5 if args.quick else 20)
    from sqlalchemy import select

    from outlet_pos.extensions import db

    app, _folder = bench_app(
        "portfolio", args.database_url, TESTING=True, WTF_CSRF_ENABLED=False,
        RATELIMIT_ENABLED=False,
    )  # fmt: skip
    password = "bench-Portofolio-2026!"
    with app.app_context():
        from outlet_pos.core.access import User
        from outlet_pos.core.mentoring import alerts
        from outlet_pos.core.mentoring.portfolio import portfolio
        from outlet_pos.demo_portfolio import MENTOR, build_portfolio

        engine = db.engine.dialect.name
        t = time.perf_counter()
        build_portfolio(password=password, count=2 if args.quick else 10)
        print(f"built the portfolio demo in {time.perf_counter() - t:.1f} s ({engine})")
        mentor = db.session.scalar(select(User).where(User.username == MENTOR[0]))
        thresholds = alerts.thresholds_for(mentor)
        snaps = portfolio(mentor, thresholds)
        coop_id = snaps[0].coop.id
        n = len(snaps)
        print(f"{n} cooperatives; categories: "
              + ", ".join(sorted({s.health_category or "-" for s in snaps})))  # fmt: skip
        rows = [(f"mentor portfolio, {n} cooperatives: service ({engine})", 1,
                 lambda: (portfolio(mentor, thresholds), db.session.rollback()))]  # fmt: skip
    client = app.test_client()
    resp = client.post("/masuk", data={"username": MENTOR[0], "password": password})
    assert resp.status_code == 302, resp.status_code

    def get(url: str) -> None:
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)

    rows += [
        (f"mentor portfolio, {n} cooperatives: page over HTTP", 1,
         lambda: get("/pendamping/portofolio")),
        ("  one cooperative's dashboard over HTTP", None,
         lambda: get(f"/pendamping/koperasi/{coop_id}")),
        ("  weekly digest PDF over HTTP", None, lambda: get("/pendamping/ringkasan-mingguan.pdf")),
    ]  # fmt: skip
    figures = []
    with app.app_context():
        for label, budget, fn in rows:
            fn()  # warm
            samples = [ms / 1000 for ms in time_calls(fn, runs)]
            figures.append(Figure.of("portfolio", label, samples, "s", budget=budget))
    report(figures, args.json)


if __name__ == "__main__":
    main()
