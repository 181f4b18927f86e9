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


def test_a_request_reads_without_the_write_lock_and_its_action_still_writes(app):
    """A request reads in a deferred SQLite transaction (who is signed in, the cooperative,
    the form's look-ups) and takes the write lock only for its business action, so another
    counter's sale waits for the action, not the whole request. Another writer committing
    between the read and the action must not make the action fail: SQLite refuses to
    upgrade a read that has gone stale (SQLITE_BUSY at once), so ``run_transaction`` ends
    the read first, keeping what it loaded."""
    import sqlite3

    from outlet_pos.core.db import read_only, run_transaction
    from outlet_pos.core.ledger import post
    from outlet_pos.core.tenancy import Cooperative

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("sqlite"):
        return  # PostgreSQL takes row locks inside the action; nothing here to show
    with app.app_context():
        coop_id = make_coop("Koperasi Baca Dulu").id
    with app.app_context():
        with read_only():
            coop = db.session.get(Cooperative, coop_id)  # the request's read: BEGIN (deferred)
            assert coop.name == "Koperasi Baca Dulu"
            # Meanwhile another process writes and commits: the write lock was free.
            other = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=1)
            other.execute("UPDATE cooperative SET desa = 'Sukamaju' WHERE id = ?", (coop_id,))
            other.commit()
            other.close()
            entry = run_transaction(
                post, coop, date(2025, 6, 1), "Setelah baca",
                [("111100", 1_000, 0), ("411100", 0, 1_000)], source="manual",
            )  # fmt: skip
            assert entry.number.startswith("JU-")
        db.session.remove()
    with app.app_context():
        assert db.session.get(Cooperative, coop_id).desa == "Sukamaju"
        assert db.session.scalar(
            select(JournalEntry.memo).where(JournalEntry.cooperative_id == coop_id)
        ) == "Setelah baca"
