"""Two faults the soak found on PostgreSQL, each pinned by two real processes against the
suite's database that are made to meet at the moment that went wrong (a barrier: each waits at
most a few seconds for the other). SQLite serialises writers, so there they simply run.

1. Two counters taking one member's first sukarela deposit at once both opened the account;
   the second failed on its unique number (HTTP 500). Now the second finds the first's account.
2. Two transactions that had each inserted a row of the cooperative (a new savings account, a
   sale's lines: the foreign-key check share-locks the cooperative row) then posted, each
   waiting for the other's lock on that row: a deadlock, retried, and under steady counter
   traffic retried until it failed (HTTP 500). Now posting does not conflict with that lock.
"""

from __future__ import annotations

import multiprocessing as mp

from sqlalchemy import select

from outlet_pos.core.db import run_transaction
from outlet_pos.extensions import db
from outlet_pos.units.simpan_pinjam.members import register_member
from outlet_pos.units.simpan_pinjam.models import SavingsAccount
from tests.conftest import make_user
from tests.units.simpin_world import build_world, member_data

AMOUNT = 10_000


def _depositor(url, coop_id, user_id, member_ids, tag, meet_at, start, meet, out):
    """Deposit into each member's sukarela (opening it), meeting the other process just before
    ``meet_at`` ("product_for": opening the account; "post": posting the entry). Every error,
    even one ``run_transaction`` retries, is reported."""
    import threading

    from outlet_pos import create_app
    from outlet_pos.core.access import User
    from outlet_pos.core.parties import Member
    from outlet_pos.core.tenancy import Cooperative
    from outlet_pos.units.simpan_pinjam import savings

    errors: list[str] = []
    real = getattr(savings, meet_at)

    def after_meeting(*args, **kwargs):
        try:
            meet.wait(timeout=3)
        except threading.BrokenBarrierError:
            pass
        try:
            return real(*args, **kwargs)
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
            raise

    if url.startswith("postgresql"):
        setattr(savings, meet_at, after_meeting)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x", "TESTING": True})
    with app.app_context():
        start.wait()
        done = []
        for member_id in member_ids:

            def first_deposit(member_id=member_id):
                coop = db.session.get(Cooperative, coop_id)
                account = savings.account_for(coop, db.session.get(Member, member_id), "sukarela")
                user = db.session.get(User, user_id)
                key = f"{tag}-{member_id}"
                txn = savings.deposit(
                    coop, account, AMOUNT, user, via="transfer", idempotency_key=key
                )
                return txn.id

            try:
                done.append(run_transaction(first_deposit))
            except Exception as exc:  # noqa: BLE001 - any failure is what the test reports
                errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
        out.put((done, errors))


def _race(app, meet_at: str, shared: bool) -> list[int]:
    """Two cashiers deposit at once: into the same 3 new members (``shared``) or 2 each of
    their own; returns the members."""
    with app.app_context():
        w = build_world()
        members = [
            run_transaction(
                register_member, w.coop, member_data(f"Anggota {i}"), w.kasir, pay_pokok=False
            ).id
            for i in range(3 if shared else 4)
        ]
        kasir2 = make_user(f"kasir2-{w.coop.id}", "kasir", w.coop)
        coop_id = w.coop.id
        plan = [(w.kasir.id, "a", members if shared else members[:2]),
                (kasir2.id, "b", members if shared else members[2:])]  # fmt: skip
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    ctx = mp.get_context("spawn")
    start, meet, out = ctx.Event(), ctx.Barrier(2), ctx.Queue()
    procs = [
        ctx.Process(
            target=_depositor, args=(url, coop_id, uid, mine, tag, meet_at, start, meet, out)
        )
        for uid, tag, mine in plan
    ]
    for p in procs:
        p.start()
    start.set()
    results = [out.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert [e for _d, errors in results for e in errors] == []
    assert sum(len(d) for d, _e in results) == sum(len(mine) for _u, _t, mine in plan)
    return members


def test_two_counters_opening_one_members_sukarela_at_once_both_deposit(app):
    members = _race(app, "product_for", shared=True)
    with app.app_context():
        accounts = db.session.scalars(
            select(SavingsAccount).where(
                SavingsAccount.member_id.in_(members), SavingsAccount.kind == "sukarela"
            )
        ).all()
        assert sorted(a.member_id for a in accounts) == sorted(members)  # one account each
        assert {a.balance for a in accounts} == {2 * AMOUNT}


def test_two_transactions_that_inserted_rows_then_post_at_once_do_not_deadlock(app):
    members = _race(app, "post", shared=False)
    with app.app_context():
        balances = db.session.scalars(
            select(SavingsAccount.balance).where(
                SavingsAccount.member_id.in_(members), SavingsAccount.kind == "sukarela"
            )
        ).all()
        assert balances == [AMOUNT] * len(members)
