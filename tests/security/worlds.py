"""Two cooperatives with one record of every kind each, for the tenancy tests.

Each cooperative gets a user per role (``r-<role>`` in A, the route walk's people, and
``b-<role>`` in B), and B one more, ``b-semua``, who holds every cooperative role there: the
strongest user a cooperative can have short of the system admin, who spans cooperatives by
design. Both cooperatives are filled by the same builders as
the route walk in ``tests/web/test_access.py`` (and its ``records_*.py`` plug-ins), so a route
whose sample arguments the walk knows has a real object of each kind in both cooperatives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from outlet_pos.core.access import ROLES
from outlet_pos.extensions import db
from tests.conftest import make_coop, make_user
from tests.web import test_access as walk

ALL_ROLES_USER = "b-semua"
# One argument name, two kinds of object: the walk's sample dict holds one of them (the last
# plug-in wins), so routes of these blueprints get the right kind from the world's own key.
AMBIGUOUS = {
    "bill_id": {"klinik": "clinic_bill", "bendahara": "bill"},
    "visit_id": {"klinik": "clinic_visit", "pendamping": "mentor_visit"},
}


@dataclass
class Worlds:
    """Ids of the two cooperatives, their users, and the route walk's sample dict for each."""

    a: int
    b: int
    users: dict[str, int]  # role -> user id in cooperative A
    users_b: dict[str, int]  # role -> user id in cooperative B
    boss: int  # the every-role user of cooperative B
    world_a: dict
    world_b: dict

    def args(self, rule, coop: str) -> dict:
        """Sample URL arguments for ``rule`` naming objects of cooperative ``"a"`` or ``"b"``."""
        world = self.world_a if coop == "a" else self.world_b
        args = walk._sample_args(rule, world)
        blueprint = rule.endpoint.partition(".")[0]
        for name, kinds in AMBIGUOUS.items():
            if name in args and blueprint in kinds:
                args[name] = world[kinds[blueprint]]
        return args


def _samples(coop, users: dict[str, int], prefix: str) -> dict:
    """The route walk's ``world`` dict for one cooperative (every kind of record in it)."""
    from outlet_pos.core.access import Membership
    from outlet_pos.core.db import run_transaction
    from outlet_pos.core.ledger import post
    from outlet_pos.core.ledger.models import Account
    from outlet_pos.core.tenancy import BusinessUnit, Outlet

    entry = run_transaction(
        post,
        coop,
        date(2025, 5, 2),
        f"Kas masuk {coop.name}",
        [("111100", 5_000, 0), ("411100", 0, 5_000)],
        source="manual",
    )
    account = db.session.scalar(
        select(Account).where(Account.cooperative_id == coop.id, Account.code == "111200")
    )
    outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))
    unit = db.session.scalar(select(BusinessUnit).where(BusinessUnit.cooperative_id == coop.id))
    membership = db.session.scalar(
        select(Membership).where(
            Membership.user_id == users["kasir"], Membership.cooperative_id == coop.id
        )
    )
    from outlet_pos.core.mentoring.visit_models import MentorVisit
    from outlet_pos.units.klinik.visit_models import ClinicBill, Visit

    counter = walk._counter_records(coop, prefix)
    samples = walk._plugin_records(coop, users)

    def first(model) -> int:
        return db.session.scalar(
            select(model.id).where(model.cooperative_id == coop.id).order_by(model.id)
        )

    return {
        **counter,
        **walk._pupuk_records(coop, counter["sale"], prefix),
        "samples": samples,
        "clinic_bill": first(ClinicBill),
        "clinic_visit": first(Visit),
        "mentor_visit": first(MentorVisit),
        "a": coop.id,
        "b": coop.id,
        "users": users,
        "entry": entry.id,
        "account": account.id,
        "outlet": outlet.id,
        "unit": unit.id,
        "membership": membership.id,
    }


def build(app) -> Worlds:
    """Make both cooperatives (in their own app context; returns plain ids)."""
    from outlet_pos.core.db import run_transaction
    from outlet_pos.core.onboarding import grant_role

    with app.app_context():
        a = make_coop("Koperasi A")
        b = make_coop("Koperasi B")
        admin = make_user("r-admin", None, is_admin=True).id
        users = {r: make_user(f"r-{r}", r, a).id if r != "admin" else admin for r in ROLES}
        users_b = {r: make_user(f"b-{r}", r, b).id if r != "admin" else admin for r in ROLES}
        boss = make_user(ALL_ROLES_USER, None)

        def every_role():
            for role in ROLES:
                if role != "admin":
                    grant_role(boss, b, role)

        run_transaction(every_role)
        world_a = _samples(a, users, "r-")
        world_b = _samples(b, users_b, "b-")
        return Worlds(a.id, b.id, users, users_b, boss.id, world_a, world_b)


def api_token_of_b(app, worlds: Worlds) -> str | None:
    """A bearer token of B's every-role user with every scope (None before the API has
    tokens): API v1 routes authenticate by token, never by the session."""
    try:
        from outlet_pos.api.tokens import SCOPES, create_token
    except ImportError:
        return None
    from outlet_pos.core.access import User
    from outlet_pos.core.db import run_transaction
    from outlet_pos.core.tenancy import Cooperative

    with app.app_context():
        boss = db.session.get(User, worlds.boss)
        coop = db.session.get(Cooperative, worlds.b)
        _token, secret = run_transaction(
            create_token, coop, boss, "Uji keamanan", list(SCOPES), 90, actor=boss
        )
        return secret


def is_api(app, rule) -> bool:
    return hasattr(app.view_functions[rule.endpoint], "api_operation")


def sign_in_to_b(app, login, worlds: Worlds):
    """A test client signed in as cooperative B's every-role user, working in B."""
    client = app.test_client()
    login(client, ALL_ROLES_USER)
    with client.session_transaction() as s:
        s["coop_id"] = worlds.b
    return client
