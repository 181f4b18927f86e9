"""Two counters redeeming one farmer's last quota at once, in two real processes against the
suite's database (SQLite file or PostgreSQL): never more than the allocation is redeemed."""

from __future__ import annotations

import multiprocessing as mp
from decimal import Decimal

from sqlalchemy import func, select

from outlet_pos.core.db import run_transaction
from outlet_pos.core.sales.shifts import open_shift
from outlet_pos.core.tenancy import Cooperative, Outlet
from outlet_pos.core.verify import CHECKS
from outlet_pos.extensions import db
from outlet_pos.units.pupuk.models import Allocation, Redemption
from tests.conftest import make_user
from tests.units.pupuk_world import QUOTA, SALE_DAY, build_kiosk

TRIES = 10
KG = 15  # 2 x 10 x 15 kg asked for, 150 kg allocated: exactly ten succeed


def _seller(url, user_id, shift_id, item_id, start, out):
    from outlet_pos import create_app
    from outlet_pos.core.access import User
    from outlet_pos.core.errors import DomainError
    from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout
    from outlet_pos.core.sales.models import Shift

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x", "TESTING": True})
    with app.app_context():
        user = db.session.get(User, user_id)
        shift = db.session.get(Shift, shift_id)
        start.wait()
        ok, refused = 0, []
        for _ in range(TRIES):
            try:
                run_transaction(
                    checkout, shift, [CartLine(item_id, qty=KG)],
                    [PaymentIn("tunai", 100_000)], user=user,
                    extra={"farmer_nik": QUOTA["farmer_nik"]}, day=SALE_DAY,
                )  # fmt: skip
                ok += 1
            except DomainError as exc:
                refused.append(exc.message)
        out.put((ok, refused))


def test_two_counters_cannot_both_take_the_last_quota(app):
    with app.app_context():
        k = build_kiosk()
        outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == k.coop.id))
        second = make_user(f"kasir2tani{k.coop.id}", "kasir", k.coop)
        shift2 = run_transaction(open_shift, k.coop, second, outlet, 0)
        args = [(k.cashier.id, k.shift.id), (second.id, shift2.id)]
        item_id, coop_id = k.items["urea"], k.coop.id
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    ctx = mp.get_context("spawn")
    start, out = ctx.Event(), ctx.Queue()
    procs = [
        ctx.Process(target=_seller, args=(url, uid, sid, item_id, start, out)) for uid, sid in args
    ]
    for p in procs:
        p.start()
    start.set()
    results = [out.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert sum(ok for ok, _ in results) == 10
    refused = [m for _, r in results for m in r]
    assert len(refused) == 10 and all("kuota habis" in m for m in refused), refused
    with app.app_context():
        alloc = db.session.scalar(
            select(Allocation).where(Allocation.fertilizer_type == "urea",
                                     Allocation.season == QUOTA["season"])
        )  # fmt: skip
        assert alloc.redeemed_kg == Decimal(150)
        assert db.session.scalar(select(func.sum(Redemption.kg))) == Decimal(150)
        coop = db.session.get(Cooperative, coop_id)
        for label, check in CHECKS:
            assert list(check(coop)) == [], label
