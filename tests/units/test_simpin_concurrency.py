"""Two counters repaying the same loan at once, in two real processes against the suite's
database: every payment is recorded once, the allocations add up, nothing is double-counted."""

from __future__ import annotations

import multiprocessing as mp
from datetime import timedelta

from sqlalchemy import func, select

from outlet_pos.core.db import run_transaction
from outlet_pos.core.ledger.services import balances
from outlet_pos.core.sales.shifts import open_shift
from outlet_pos.core.tenancy import Cooperative, Outlet
from outlet_pos.core.verify import CHECKS
from outlet_pos.extensions import db
from outlet_pos.units.simpan_pinjam import loan_products, loans, repayment
from outlet_pos.units.simpan_pinjam.models import Loan, LoanPayment
from tests.conftest import make_user
from tests.units.simpin_world import build_world

PAYMENTS = 15
AMOUNT = 70_000


def _payer(url, coop_id, user_id, shift_id, loan_id, tag, start, out):
    from outlet_pos import create_app
    from outlet_pos.core.access import User
    from outlet_pos.core.errors import DomainError
    from outlet_pos.core.sales.models import Shift

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x", "TESTING": True})
    with app.app_context():
        coop = db.session.get(Cooperative, coop_id)
        user = db.session.get(User, user_id)
        shift = db.session.get(Shift, shift_id)
        start.wait()
        done, refused = [], []
        for i in range(PAYMENTS):
            try:
                loan = db.session.get(Loan, loan_id)
                p = run_transaction(repayment.repay, coop, loan, AMOUNT, user, shift=shift,
                                    idempotency_key=f"{tag}-{i}")  # fmt: skip
                done.append(p.id)
            except DomainError as exc:
                refused.append(exc.message)
        out.put((done, refused))


def test_two_counters_repay_one_loan(app):
    with app.app_context():
        w = build_world(joined_days_ago=120)
        product = next(p for p in run_transaction(loan_products.ensure_products, w.coop)
                       if p.code == "KONSUMTIF")  # fmt: skip
        day = w.coop.today() - timedelta(days=65)
        loan = run_transaction(loans.apply, w.coop, w.member, product, 3_000_000, 6,
                               w.pengurus_a, purpose="Modal", day=day)  # fmt: skip
        run_transaction(loans.decide, w.coop, loan, True, w.pengurus_b)
        run_transaction(loans.disburse, w.coop, loan, w.kasir, via="transfer", day=day)
        kasir2 = make_user(f"kasir2-{w.coop.id}", "kasir", w.coop)
        outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == w.coop.id))
        shift2 = run_transaction(open_shift, w.coop, kasir2, outlet, 0)
        args = [(w.kasir.id, w.shift.id, "a"), (kasir2.id, shift2.id, "b")]
        coop_id, loan_id = w.coop.id, loan.id
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    ctx = mp.get_context("spawn")
    start, out = ctx.Event(), ctx.Queue()
    procs = [
        ctx.Process(target=_payer, args=(url, coop_id, uid, sid, loan_id, tag, start, out))
        for uid, sid, tag in args
    ]
    for p in procs:
        p.start()
    start.set()
    results = [out.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    done = [pid for d, _r in results for pid in d]
    assert len(done) == 2 * PAYMENTS, results
    with app.app_context():
        coop = db.session.get(Cooperative, coop_id)
        payments = list(db.session.scalars(select(LoanPayment)))
        assert len(payments) == 2 * PAYMENTS
        assert all(p.penalty + p.interest + p.principal == p.amount for p in payments)
        loan = db.session.get(Loan, loan_id)
        principal = db.session.scalar(select(func.sum(LoanPayment.principal)))
        assert loan.outstanding == 3_000_000 - principal
        assert balances(coop)["113300"] == loan.outstanding
        for label, check in CHECKS:
            assert list(check(coop)) == [], label
