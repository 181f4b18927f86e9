"""Two processes posting at once: numbers stay gapless and unique, the chain stays whole.

Runs on whichever database the suite targets (SQLite file or PostgreSQL), with real
processes, because threads in one process would share a connection pool and hide races.
"""

from __future__ import annotations

import multiprocessing as mp
from datetime import date

from sqlalchemy import select

from outlet_pos.core.ledger.models import JournalEntry
from outlet_pos.core.verify import CHECKS
from outlet_pos.extensions import db
from tests.conftest import make_coop

PER_PROCESS = 40


def _worker(url: str, coop_id: int, tag: str, start, out) -> None:
    from outlet_pos import create_app
    from outlet_pos.core.db import run_transaction
    from outlet_pos.core.ledger import post
    from outlet_pos.core.tenancy import Cooperative

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x", "TESTING": True})
    with app.app_context():
        coop = db.session.get(Cooperative, coop_id)
        start.wait()
        numbers = []
        for i in range(PER_PROCESS):
            entry = run_transaction(
                post,
                coop,
                date(2025, 6, 1),
                f"{tag} {i}",
                [("111100", 1_000 + i, 0), ("411100", 0, 1_000 + i)],
                source="manual",
                idempotency_key=f"{tag}-{i}",
            )
            numbers.append(entry.seq)
        out.put(numbers)


def test_two_processes_posting_at_once_keep_numbers_gapless(app):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with app.app_context():
        coop_id = make_coop().id
    ctx = mp.get_context("spawn")
    start, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(url, coop_id, t, start, out)) for t in "AB"]
    for p in procs:
        p.start()
    start.set()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    seqs = sorted(results[0] + results[1])
    assert seqs == list(range(1, 2 * PER_PROCESS + 1))
    with app.app_context():
        from outlet_pos.core.tenancy import Cooperative

        coop = db.session.get(Cooperative, coop_id)
        stored = db.session.scalars(
            select(JournalEntry.seq).where(JournalEntry.cooperative_id == coop_id)
        ).all()
        assert sorted(stored) == seqs
        for label, check in CHECKS:
            assert list(check(coop)) == [], label
