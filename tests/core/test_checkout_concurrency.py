"""Two cashiers in two processes at once: the last units, double submits, a crash mid-sale.

Real processes against the suite's database (SQLite file or PostgreSQL), because threads in
one process would share a pool and hide the races these tests are about.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
from datetime import date

from sqlalchemy import func, select

from outlet_pos.core.db import run_transaction
from outlet_pos.core.inventory.models import StockLevel, StockMove
from outlet_pos.core.ledger.models import JournalEntry
from outlet_pos.core.sales.models import Sale
from outlet_pos.core.sales.shifts import open_shift
from outlet_pos.core.tenancy import Cooperative, Outlet
from outlet_pos.core.verify import CHECKS
from outlet_pos.extensions import db
from tests.conftest import make_user
from tests.shop import build_shop

ATTEMPTS = 200
STOCK = 150


def _app(url):
    from outlet_pos import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x", "TESTING": True})


def _seller(url, coop_id, user_id, shift_id, item_id, key_prefix, attempts, start, out):
    from outlet_pos.core.access import User
    from outlet_pos.core.errors import DomainError
    from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout
    from outlet_pos.core.sales.models import Shift

    app = _app(url)
    with app.app_context():
        user = db.session.get(User, user_id)
        shift = db.session.get(Shift, shift_id)
        start.wait()
        sold, refused = [], []
        for i in range(attempts):
            key = f"{key_prefix}-{i}" if key_prefix != "same" else "same-key"
            try:
                sale = run_transaction(
                    checkout,
                    shift,
                    [CartLine(item_id, qty=1)],
                    [PaymentIn("tunai", 100_000)],
                    user=user,
                    idempotency_key=key,
                )
                sold.append(sale.number)
            except DomainError as exc:
                refused.append(exc.message)
        out.put((sold, refused))


def _second_cashier(coop_id):
    coop = db.session.get(Cooperative, coop_id)
    outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop_id))
    user = make_user(f"kasir-b{coop_id}", "kasir", coop)
    shift = run_transaction(open_shift, coop, user, outlet, 0)
    return user.id, shift.id


def _run_two(app, shop, second, item_key, attempts, keys):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    ctx = mp.get_context("spawn")
    start, out = ctx.Event(), ctx.Queue()
    procs = [
        ctx.Process(
            target=_seller,
            args=(url, shop.coop_id, uid, sid, shop.items[item_key], key, attempts, start, out),
        )
        for (uid, sid), key in zip([(shop.cashier_id, shop.shift_id), second], keys, strict=True)
    ]
    for p in procs:
        p.start()
    start.set()
    results = [out.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return results


def _books_hold(coop_id):
    coop = db.session.get(Cooperative, coop_id)
    for label, check in CHECKS:
        assert list(check(coop)) == [], label


def test_two_cashiers_selling_the_last_units_never_oversell(app):
    from outlet_pos.core.inventory.models import Item
    from tests.shop import stock_in

    with app.app_context():
        shop = build_shop()
        coop = db.session.get(Cooperative, shop.coop_id)
        # 20 beras in stock already; bring it to STOCK units.
        stock_in(coop, db.session.get(Item, shop.items["beras"]), STOCK - 20, 58_000 * (STOCK - 20))
        second = _second_cashier(shop.coop_id)
    results = _run_two(app, shop, second, "beras", ATTEMPTS, ["a", "b"])
    sold = [n for s, _r in results for n in s]
    refused = [m for _s, r in results for m in r]
    assert len(sold) == STOCK and len(refused) == 2 * ATTEMPTS - STOCK
    assert all("Stok tidak cukup" in m for m in refused)
    with app.app_context():
        assert (
            db.session.scalar(
                select(StockLevel.on_hand).where(StockLevel.item_id == shop.items["beras"])
            )
            == 0
        )
        assert db.session.scalar(select(func.count(Sale.id))) == STOCK
        _books_hold(shop.coop_id)


def test_one_key_submitted_from_two_processes_makes_one_sale(app):
    with app.app_context():
        shop = build_shop()
        second = _second_cashier(shop.coop_id)
    # Both processes use the same key ten times; only one sale may exist afterwards.
    results = _run_two(app, shop, second, "minyak", 10, ["same", "same"])
    numbers = {n for s, _r in results for n in s}
    refused = [m for _s, r in results for m in r]
    assert len(numbers) == 1, (numbers, refused)
    with app.app_context():
        assert db.session.scalar(select(func.count(Sale.id))) == 1
        assert (
            db.session.scalar(
                select(StockLevel.on_hand).where(StockLevel.item_id == shop.items["minyak"])
            )
            == 47
        )
        _books_hold(shop.coop_id)


def _crasher(url, user_id, shift_id, item_id):
    from outlet_pos.core.access import User
    from outlet_pos.core.sales import rules
    from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout
    from outlet_pos.core.sales.models import Shift

    class KillMidway:
        def check_line(self, line, ctx):
            return None

        def after_checkout(self, sale, ctx):
            # Stock issued, sale and journal written, nothing committed: pull the plug.
            os.kill(os.getpid(), signal.SIGKILL)

    rules.register("sembako", KillMidway())
    app = _app(url)
    with app.app_context():
        run_transaction(
            checkout,
            db.session.get(Shift, shift_id),
            [CartLine(item_id, qty=2)],
            [PaymentIn("tunai", 200_000)],
            user=db.session.get(User, user_id),
        )


def test_a_process_killed_mid_checkout_leaves_no_trace(app):
    from outlet_pos.core.access import User
    from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout
    from outlet_pos.core.sales.models import Shift

    with app.app_context():
        shop = build_shop()
        before = (
            db.session.scalar(select(func.count(StockMove.id))),
            db.session.scalar(select(func.count(JournalEntry.id))),
        )
    proc = mp.get_context("spawn").Process(
        target=_crasher,
        args=(
            app.config["SQLALCHEMY_DATABASE_URI"],
            shop.cashier_id,
            shop.shift_id,
            shop.items["beras"],
        ),
    )
    proc.start()
    proc.join(timeout=120)
    assert proc.exitcode == -signal.SIGKILL
    with app.app_context():
        assert db.session.scalar(select(func.count(Sale.id))) == 0
        assert (
            db.session.scalar(select(func.count(StockMove.id))),
            db.session.scalar(select(func.count(JournalEntry.id))),
        ) == before
        assert (
            db.session.scalar(
                select(StockLevel.on_hand).where(StockLevel.item_id == shop.items["beras"])
            )
            == 20
        )
        sale = run_transaction(
            checkout,
            db.session.get(Shift, shop.shift_id),
            [CartLine(shop.items["beras"], qty=1)],
            [PaymentIn("tunai", 64_000)],
            user=db.session.get(User, shop.cashier_id),
        )
        assert sale.number.endswith(f"{date.today():%Y%m%d}-0001") or sale.number.endswith("-0001")
        _books_hold(shop.coop_id)


def _refunder(url, user_id, shift_id, approver_id, sale_id, line_id, start, out):
    from outlet_pos.core.access import User
    from outlet_pos.core.errors import DomainError
    from outlet_pos.core.sales.models import Shift
    from outlet_pos.core.sales.refunds import refund

    app = _app(url)
    with app.app_context():
        start.wait()
        try:
            doc = run_transaction(
                refund,
                db.session.get(Sale, sale_id),
                {line_id: 2},
                "Dobel",
                user=db.session.get(User, user_id),
                shift=db.session.get(Shift, shift_id),
                approver=db.session.get(User, approver_id),
            )
            out.put(("ok", doc.total))
        except DomainError as exc:
            out.put(("refused", exc.message))


def test_two_refunds_of_one_sale_at_once_never_return_more_than_was_sold(app):
    from outlet_pos.core.access import User
    from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout
    from outlet_pos.core.sales.models import Shift

    with app.app_context():
        shop = build_shop()
        coop = db.session.get(Cooperative, shop.coop_id)
        boss = make_user("bendahara-r", "bendahara", coop)
        sale = run_transaction(
            checkout,
            db.session.get(Shift, shop.shift_id),
            [CartLine(shop.items["beras"], qty=2)],
            [PaymentIn("tunai", 128_000)],
            user=db.session.get(User, shop.cashier_id),
        )
        second = _second_cashier(shop.coop_id)
        args = [(shop.cashier_id, shop.shift_id), second]
        ids = (boss.id, sale.id, sale.lines[0].id)
    ctx = mp.get_context("spawn")
    start, out = ctx.Event(), ctx.Queue()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    procs = [
        ctx.Process(target=_refunder, args=(url, uid, sid, *ids, start, out)) for uid, sid in args
    ]
    for p in procs:
        p.start()
    start.set()
    results = sorted(out.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(timeout=60)
    assert [r[0] for r in results] == ["ok", "refused"]
    with app.app_context():
        assert (
            db.session.scalar(
                select(StockLevel.on_hand).where(StockLevel.item_id == shop.items["beras"])
            )
            == 20
        )
        _books_hold(shop.coop_id)
