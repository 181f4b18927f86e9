"""Performers of the sensitive audit actions: each does its actions in cooperative A of the
security worlds, through the services the views call, each step in its own transaction as a
request would, and returns {action: id of the user its audit row must name}."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from outlet_pos.core.access import Membership, User
from outlet_pos.core.db import run_transaction as tx
from outlet_pos.core.tenancy import BusinessUnit, Cooperative, Outlet
from outlet_pos.extensions import db
from tests.conftest import TEST_PASSWORD

# Actions about a user account rather than one cooperative's books: no cooperative on the row.
USER_LEVEL = {"user.create", "user.update", "user.unlock", "password.change"}
PERFORMERS: dict[str, Callable[[Context], dict[str, int]]] = {}


class Context:
    """Cooperative A, its people by role and the route walk's sample ids."""

    def __init__(self, ws) -> None:
        self.ws, self.w, self.s = ws, ws.world_a, ws.world_a["samples"]

    @property
    def coop(self) -> Cooperative:
        return db.session.get(Cooperative, self.ws.a)

    def user(self, role: str) -> User:
        return db.session.get(User, self.ws.users[role])

    def get(self, model, key: str):
        return db.session.get(model, self.w.get(key) or self.s[key])

    def shift_of(self, role: str):
        """The open shift of ``role`` in A, opened with a float if there is none."""
        from outlet_pos.core.sales.shifts import open_shift, open_shift_for

        user = self.user(role)
        shift = open_shift_for(user)
        if shift is None:
            outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == self.ws.a))
            shift = tx(open_shift, self.coop, user, outlet, 1_000_000)
        return shift


def performs(*actions: str):
    """Register ``fn`` for ``actions``; it returns the actor's id, or {action: actor id}."""

    def register(fn):
        def run(c: Context) -> dict[str, int]:
            actor = fn(c)
            return actor if isinstance(actor, dict) else dict.fromkeys(actions, actor)

        for action in actions:
            PERFORMERS[action] = run
        return run

    return register


@performs("sale.refund")
def _refund(c: Context) -> int:
    from outlet_pos.core.sales.models import Sale
    from outlet_pos.core.sales.refunds import refund

    sale = c.get(Sale, "sale")
    kasir, boss = c.user("kasir"), c.user("pengurus")
    tx(
        refund,
        sale,
        {sale.lines[0].id: 1},
        "Rusak",
        user=kasir,
        shift=c.shift_of("kasir"),
        approver=boss,
    )
    return kasir.id


def _sell(c: Context, **line) -> None:
    from outlet_pos.core.sales.checkout import CartLine, PaymentIn, checkout

    tx(
        checkout,
        c.shift_of("kasir"),
        [CartLine(c.w["item"], qty=1, **line)],
        [PaymentIn("tunai", 10_000)],
        user=c.user("kasir"),
        approver=c.user("pengurus"),
    )


@performs("sale.price_override")
def _price_override(c: Context) -> int:
    _sell(c, price=4_000)
    return c.user("pengurus").id


@performs("sale.discount_override")
def _discount_override(c: Context) -> int:
    _sell(c, discount=2_500)  # 45% of Rp5.500: above the cashier's own limit
    return c.user("pengurus").id


@performs("approval.granted", "approval.failed")
def _approval(c: Context) -> int:
    from outlet_pos.workspaces.kasir import services

    kasir, coop = c.user("kasir"), c.coop
    tx(services.verify_approver, coop, kasir, "r-pengurus", "bukan-sandinya-9", "pos.refund", "x")
    approval = tx(
        services.verify_approver, coop, kasir, "r-pengurus", TEST_PASSWORD, "pos.refund", "diskon"
    )
    # The counter writes the granted row once the approved sale or refund went through.
    tx(services.audit_approval, coop, approval.user, kasir, "diskon", "S-UJI")
    return {"approval.failed": kasir.id, "approval.granted": approval.user.id}


@performs("item.price_change")
def _price_change(c: Context) -> int:
    from outlet_pos.core.inventory.catalog import UnitSpec, save_item
    from outlet_pos.core.inventory.models import Item

    item, user = c.get(Item, "item"), c.user("bendahara")
    tx(
        save_item,
        c.coop,
        unit=db.session.get(BusinessUnit, item.unit_id),
        sku=item.sku,
        name=item.name,
        base_uom=item.base_uom,
        units=[UnitSpec("pcs", Decimal(1), 5_200, 5_700)],
        item=item,
        user=user,
    )
    return user.id


@performs("shift.close")
def _shift_close(c: Context) -> int:
    from outlet_pos.core.sales.shifts import close_shift, expected_cash

    shift, user = c.shift_of("bendahara"), c.user("bendahara")
    tx(close_shift, shift, user, expected_cash(shift) + 500)
    return user.id


@performs("period.reopen")
def _reopen(c: Context) -> int:
    from outlet_pos.core.ledger.periods import close_month, reopen_month

    user = c.user("pengurus")
    tx(close_month, c.coop, 2025, 1, user)
    tx(reopen_month, c.coop, 2025, 1, "Koreksi faktur Januari", user)
    return user.id


@performs("journal.reverse")
def _reverse(c: Context) -> int:
    from outlet_pos.core.ledger import reverse
    from outlet_pos.core.ledger.models import JournalEntry

    user = c.user("bendahara")
    tx(reverse, c.get(JournalEntry, "entry"), date(2025, 5, 3), "Salah akun", user)
    return user.id


@performs("role.grant", "role.revoke")
def _roles(c: Context) -> int:
    from outlet_pos.core.onboarding import grant_role, revoke_role

    admin, who = c.user("admin"), c.user("kasir")
    membership = tx(grant_role, who, c.coop, "pengawas", actor=admin)
    tx(revoke_role, db.session.get(Membership, membership.id), actor=admin)
    return admin.id


@performs("user.create", "user.update", "user.unlock", "password.change")
def _users(c: Context) -> int:
    from outlet_pos.core.onboarding import create_user, reset_password, unlock_user, update_user

    admin = c.user("admin")
    user = tx(create_user, "baru", "Pengguna Baru", "Lumbung-Desa-2025", actor=admin)
    tx(update_user, user, "Pengguna Lama", active=True, is_admin=False, actor=admin)
    tx(unlock_user, user, admin)
    tx(reset_password, user, "Lumbung-Desa-2026", admin)
    return admin.id


@performs("stock.count.cancel")
def _count_cancel(c: Context) -> int:
    from outlet_pos.core.inventory.counting import cancel_count
    from outlet_pos.core.inventory.counting_models import StockCount

    user = c.user("bendahara")
    tx(cancel_count, c.get(StockCount, "count"), user, "Salah lokasi")
    return user.id


@performs("stock.write_off")
def _write_off(c: Context) -> int:
    from outlet_pos.core.inventory.counting import write_off
    from outlet_pos.core.inventory.models import Item, Location

    user = c.user("pengurus")
    tx(
        write_off,
        c.coop,
        c.get(Location, "location"),
        c.get(Item, "item"),
        Decimal(1),
        "Kemasan rusak",
        user,
    )
    return user.id


@performs("purchase_order.cancel")
def _order_cancel(c: Context) -> int:
    from outlet_pos.core.inventory.models import Item
    from outlet_pos.core.purchasing.models import Supplier
    from outlet_pos.core.purchasing.orders import cancel_order, create_order

    user, item = c.user("bendahara"), c.get(Item, "item")
    outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == c.ws.a))
    order = tx(
        create_order,
        c.coop,
        c.get(Supplier, "supplier"),
        outlet,
        [(item, item.units[0], Decimal(3), 4_000)],
        user,
    )
    tx(cancel_order, order, user)
    return user.id


@performs("expense.void")
def _expense_void(c: Context) -> int:
    from outlet_pos.core.expenses.models import Expense
    from outlet_pos.core.expenses.services import void_expense

    user = c.user("bendahara")
    tx(void_expense, c.get(Expense, "expense_id"), "Nota ganda", user)
    return user.id


# The units' actions register themselves on import (kept apart to keep files short).
from tests.security import audit_performers_units  # noqa: E402,F401
