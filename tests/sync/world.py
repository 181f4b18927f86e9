"""Helpers for the two-installation sync tests: a registered outlet, sales, and transports
that cut the line at chosen moments."""

from __future__ import annotations

from sqlalchemy import select

from outlet_pos.core.access import User
from outlet_pos.core.db import run_transaction
from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout
from outlet_pos.core.sales.models import Shift
from outlet_pos.core.sales.refunds import refund
from outlet_pos.core.sync import compare
from outlet_pos.core.sync import outlet as sync_outlet
from outlet_pos.core.sync import server as sync_server
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.core.verify import CHECKS
from outlet_pos.extensions import db

# The server outlives a test (one per module); each test registers a new cooperative on it.
CURRENT: dict[int, int] = {}


def register(outlet, server_app, url: str) -> int:
    """A shop on the outlet, registered with the server by a fresh code; its coop id."""
    with server_app.app_context():
        coop, code = run_transaction(sync_server.issue_code, "Koperasi Desa Sinkron")
        CURRENT[id(server_app)] = coop.id
    with outlet.app_context():
        from tests.shop import build_shop

        shop = build_shop(name="Koperasi Desa Sinkron")
        coop = db.session.get(Cooperative, shop.coop_id)
        sync_outlet.register(coop, url, code)
        return shop.coop_id


def with_outlet(outlet, fn, *args):
    with outlet.app_context():
        return fn(*args)


def sell_some(coop_id: int, n: int) -> None:
    """``n`` cash sales of two lines each, and a refund of the first one's rice."""
    shift = db.session.scalar(select(Shift).where(Shift.cooperative_id == coop_id))
    user = db.session.get(User, shift.user_id)
    from outlet_pos.core.inventory.models import Item

    items = {
        i.sku: i.id for i in db.session.scalars(select(Item).where(Item.cooperative_id == coop_id))
    }
    sales = []
    from outlet_pos.core.parties import Member

    member = db.session.scalar(select(Member).where(Member.cooperative_id == coop_id))
    for i in range(n):
        sales.append(
            run_transaction(
                checkout,
                db.session.get(Shift, shift.id),
                [CartLine(items["MYK1"], qty=1), CartLine(items["GLA"], qty="1,5")],
                [PaymentIn("tunai", 50_000)],
                user=db.session.get(User, user.id),
                # Every other sale to a member: the journal's member sub-ledger must travel too.
                member=db.session.get(Member, member.id) if i % 2 else None,
            ).id
        )
    from outlet_pos.core.sales.models import Sale

    first = db.session.get(Sale, sales[0])
    approver = db.session.scalar(select(User).where(User.username == f"pengurus{coop_id}"))
    if approver is None:
        from tests.conftest import make_user

        approver = make_user(f"pengurus{coop_id}", "pengurus", db.session.get(Cooperative, coop_id))
    run_transaction(
        refund,
        first,
        {first.lines[0].id: 1},
        "Rusak",
        user=db.session.get(User, user.id),
        shift=db.session.get(Shift, shift.id),
        approver=db.session.get(User, approver.id),
    )


def server_coop_id(server_app) -> int:
    return CURRENT[id(server_app)]


def mine(server_app, column):
    """``column == this test's cooperative``: a where-clause for the shared server."""
    return column == CURRENT[id(server_app)]


def server_books(server_app):
    """(the server's copy in outlet ids, problems the server's verify finds in it)."""
    with server_app.app_context():
        coop_id = CURRENT[id(server_app)]
        theirs = compare.dump_server(coop_id)
        coop = db.session.get(Cooperative, coop_id)
        problems = [f"{label}: {p}" for label, check in CHECKS for p in check(coop)]
        db.session.rollback()
        return theirs, problems


def cut_after(n: int):
    """A line that carries ``n`` pushes and then goes dead before the next one is sent."""
    sent = {"push": 0}

    def transport(method, url, headers, body):
        if url.endswith("/push"):
            if sent["push"] >= n:
                raise sync_outlet.SyncError("Server sinkron tidak dapat dihubungi: cut")
            sent["push"] += 1
        return sync_outlet.http_transport(method, url, headers, body)

    return transport


def lose_reply_of(n: int):
    """A line that delivers push number ``n`` but loses the server's reply."""
    sent = {"push": 0}

    def transport(method, url, headers, body):
        answer = sync_outlet.http_transport(method, url, headers, body)
        if url.endswith("/push"):
            sent["push"] += 1
            if sent["push"] == n:
                raise sync_outlet.SyncError("Server sinkron tidak dapat dihubungi: reset")
        return answer

    return transport
