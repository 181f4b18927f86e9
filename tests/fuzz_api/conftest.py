"""Fixtures of the API fuzz test: the API tests' world (stock, members, a loan), plus savings
and an open shift for a pengurus whose token holds every scope, so that generated requests can
reach every business rule rather than stop at 403; a fingerprint of the whole database to prove
that a refused request wrote nothing; and the schemathesis schema, loaded from the app itself
over WSGI (no server, no network)."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from sqlalchemy import text

from outlet_pos.core.db import run_transaction
from outlet_pos.extensions import db
from tests.api.conftest import ALL_SCOPES, World, build_world

PREFIX = "/api/v1"
# The CI run stays near a minute; OUTLET_POS_FUZZ_EXAMPLES=200 (or more) for a deep run.
MAX_EXAMPLES = int(os.environ.get("OUTLET_POS_FUZZ_EXAMPLES", "12"))
# A valid request may still be refused by the books: unknown id (404), reused
# Idempotency-Key (409), qty 0, stock short, pokok already paid (422).
ACCEPTED_STATUSES = ["2xx", "401", "403", "404", "409", "422"]


@dataclass
class FuzzWorld:
    """Ids a generated body may borrow so that it reaches the business rules."""

    world: World
    token: str
    unit_ids: list[int]

    @property
    def coop_id(self) -> int:
        return self.world.coop_id


def _savings_and_shift(coop_id: int, member_id: int, manager_id: int) -> None:
    """Pokok, wajib and sukarela for the member (so a sukarela repayment has money to take),
    and an open drawer for the pengurus who holds the token."""
    from sqlalchemy import select

    from outlet_pos.core.access import User
    from outlet_pos.core.parties import Member
    from outlet_pos.core.sales.shifts import open_shift
    from outlet_pos.core.tenancy import Cooperative, Outlet
    from outlet_pos.units.simpan_pinjam import savings

    def action() -> None:
        coop = db.session.get(Cooperative, coop_id)
        manager = db.session.get(User, manager_id)
        member = db.session.get(Member, member_id)
        for kind, amount in (("wajib", 50_000), ("sukarela", 750_000)):
            account = savings.account_for(coop, member, kind)
            savings.deposit(coop, account, amount, manager, via="transfer")
        outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))
        open_shift(coop, manager, outlet, 300_000)

    run_transaction(action)


@pytest.fixture
def fuzz_world(app) -> FuzzWorld:
    from sqlalchemy import select

    from outlet_pos.api.tokens import create_token
    from outlet_pos.core.access import User
    from outlet_pos.core.inventory.models import ItemUnit
    from outlet_pos.core.tenancy import Cooperative

    with app.app_context():
        world = build_world()
        _savings_and_shift(world.coop_id, world.member_id, world.manager_id)
        coop = db.session.get(Cooperative, world.coop_id)
        _token, secret = run_transaction(
            create_token,
            coop,
            db.session.get(User, world.manager_id),
            "Fuzz API",
            list(ALL_SCOPES),
            90,
            actor=db.session.get(User, world.admin_id),
        )
        units = list(db.session.scalars(select(ItemUnit.id).order_by(ItemUnit.id)))
        db.session.remove()
    return FuzzWorld(world, secret, units)


def fingerprint(coop_id: int) -> dict[str, tuple]:
    """Row count and largest id of every table, and the cooperative's ledger head, in one
    statement: any insert, delete or posting shows up here (updates of a refused request would
    show in the ledger head or in verify; the API's refusals roll back whole transactions)."""
    parts = []
    for table in db.metadata.sorted_tables:
        top = "MAX(id)" if "id" in table.c else "NULL"
        parts.append(f"SELECT '{table.name}' AS t, COUNT(*) AS n, {top} AS m FROM \"{table.name}\"")
    rows = db.session.execute(text(" UNION ALL ".join(parts))).all()
    head = db.session.execute(
        text("SELECT ledger_head_hash FROM cooperative WHERE id = :id"), {"id": coop_id}
    ).scalar_one()
    out: dict[str, tuple] = {name: (n, m) for name, n, m in rows}
    out["ledger_head_hash"] = (head,)
    return out


def verify_coop(coop_id: int) -> list[str]:
    """core/verify.py CHECKS for one cooperative: the books after every accepted write."""
    from outlet_pos.core.tenancy import Cooperative
    from outlet_pos.core.verify import CHECKS

    coop = db.session.get(Cooperative, coop_id)
    return [f"{label}: {v}" for label, check in CHECKS for v in check(coop)]


def api_document() -> dict:
    """/api/v1/openapi.json, written by the same ``build`` the app serves it with, from a bare
    Flask app holding only the API blueprint: schemathesis needs the operations at collection
    time, before the ``app`` fixture exists. (``schemathesis.pytest.from_fixture`` would load
    it from the real app, but breaks on pytest 9.2: it writes ``Node._nodeid``, gone there.)
    ``test_the_fuzzed_document_is_the_one_the_app_serves`` keeps the two the same."""
    from flask import Flask

    from outlet_pos.api import bp
    from outlet_pos.api.openapi import build

    shell = Flask("openapi-shell")
    shell.register_blueprint(bp)
    return build(shell)


def api_schema():
    """The schemathesis schema of the document, with the statuses a valid request may get."""
    import schemathesis
    from schemathesis.config import SchemathesisConfig

    config = SchemathesisConfig.from_dict(
        {"checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED_STATUSES}}}
    )
    return schemathesis.openapi.from_dict(api_document(), config=config)
