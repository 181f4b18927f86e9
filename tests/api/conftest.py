"""Fixtures of the API tests: a shop with stock, members and a loan in one cooperative and a
second cooperative beside it; tokens; and a client whose every answer is checked against
/api/v1/openapi.json (documented status, documented schema), so each test also keeps the
document true."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from outlet_pos.api.schema import check
from outlet_pos.core.db import run_transaction
from outlet_pos.extensions import db
from tests.conftest import make_coop, make_user

PREFIX = "/api/v1"


@dataclass
class World:
    coop_id: int
    other_coop_id: int
    cashier_id: int
    manager_id: int
    viewer_id: int  # pengawas: reads reports, sells nothing
    admin_id: int
    shift_id: int
    items: dict[str, int]
    member_id: int
    loan_id: int
    other_item_id: int
    other_member_id: int


def _loan(coop, member_id: int, cashier, applicant, approver) -> int:
    from outlet_pos.core.ledger import post
    from outlet_pos.core.parties import Member
    from outlet_pos.units.simpan_pinjam import loan_products, loans

    def action():
        post(
            coop,
            coop.today() - timedelta(days=30),
            "Hibah modal",
            [("112100", 100_000_000, 0), ("312100", 0, 100_000_000)],
            source="manual",
        )
        member = db.session.get(Member, member_id)
        product = next(p for p in loan_products.ensure_products(coop) if p.code == "KONSUMTIF")
        loan = loans.apply(coop, member, product, 1_200_000, 12, applicant, purpose="Modal warung")
        loans.decide(coop, loan, True, approver)
        loans.disburse(coop, loan, cashier, via="transfer")
        return loan.id

    return run_transaction(action)


def quick_user(username: str, role: str | None, coop=None, *, is_admin: bool = False):
    """A user who never signs in with a password (the API tests use tokens): no scrypt hash,
    which costs ~0.4 s per user on this machine."""
    from outlet_pos.core.access import User
    from outlet_pos.core.onboarding import grant_role

    def action():
        user = User(username=username, full_name=username.title(), password_hash="!",
                    is_admin=is_admin, session_token="t")  # fmt: skip
        db.session.add(user)
        db.session.flush()
        if role:
            grant_role(user, coop, role)
        return user

    return run_transaction(action)


def build_world() -> World:
    from outlet_pos.core.inventory.catalog import UnitSpec, save_item
    from outlet_pos.core.parties import Member
    from outlet_pos.core.tenancy import BusinessUnit, Cooperative
    from tests.shop import build_shop

    shop = build_shop(name="Koperasi API Uji")
    coop = db.session.get(Cooperative, shop.coop_id)
    manager = make_user("pengurus-api", "pengurus", coop)
    bendahara = quick_user("bendahara-api", "bendahara", coop)
    viewer = quick_user("pengawas-api", "pengawas", coop)
    admin = quick_user("admin-api", None, is_admin=True)
    from outlet_pos.core.access import User

    cashier = db.session.get(User, shop.cashier_id)
    loan_id = _loan(coop, shop.member_id, cashier, bendahara, manager)
    other = make_coop("Koperasi Tetangga")

    def other_records():
        unit = db.session.scalar(
            select(BusinessUnit).where(
                BusinessUnit.cooperative_id == other.id, BusinessUnit.kind == "sembako"
            )
        )
        item = save_item(
            other, unit=unit, sku="LAIN", name="Barang koperasi lain", base_uom="pcs",
            units=[UnitSpec("pcs", Decimal(1), 1_000, 1_100, ["8990000000001"])],
        )  # fmt: skip
        from datetime import date

        member = Member(
            cooperative_id=other.id, member_number="LAIN-1", nik="6471054107900002",
            name="Anggota Lain", sex="P", join_date=date(2024, 1, 1), status="aktif",
        )  # fmt: skip
        db.session.add(member)
        db.session.flush()
        return item.id, member.id

    other_item, other_member = run_transaction(other_records)
    return World(
        coop_id=shop.coop_id,
        other_coop_id=other.id,
        cashier_id=shop.cashier_id,
        manager_id=manager.id,
        viewer_id=viewer.id,
        admin_id=admin.id,
        shift_id=shop.shift_id,
        items=shop.items,
        member_id=shop.member_id,
        loan_id=loan_id,
        other_item_id=other_item,
        other_member_id=other_member,
    )


@pytest.fixture
def world(app) -> World:
    with app.app_context():
        return build_world()


@pytest.fixture
def issue(app, world):
    """``issue(user_id, scopes, coop_id=None, days=90)`` -> a token's secret, made by the
    installation admin through the same service as the token page."""

    def _issue(user_id: int, scopes, coop_id: int | None = None, days: int = 90) -> str:
        from outlet_pos.api.tokens import create_token
        from outlet_pos.core.access import User
        from outlet_pos.core.tenancy import Cooperative

        with app.app_context():
            coop = db.session.get(Cooperative, coop_id or world.coop_id)
            _token, secret = run_transaction(
                create_token,
                coop,
                db.session.get(User, user_id),
                "Perangkat uji",
                list(scopes),
                days,
                actor=db.session.get(User, world.admin_id),
            )
            return secret

    return _issue


ALL_SCOPES = (
    "catalog:read",
    "members:read",
    "sales:write",
    "sales:read",
    "savings:write",
    "loans:write",
    "reports:read",
)


class Api:
    """A test client for /api/v1 that checks each answer against the OpenAPI document."""

    def __init__(self, client, doc: dict) -> None:
        self.client = client
        self.doc = doc
        self.components = doc["components"]["schemas"]
        self.routes = [
            (re.compile("^" + PREFIX + re.sub(r"\{[a-z_]+\}", "[^/]+", path) + "$"), path)
            for path in doc["paths"]
        ]

    def call(self, method, path, token=None, *, json=None, key=None, headers=None, **kw):
        headers = dict(headers or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if key is not None:
            headers["Idempotency-Key"] = key
        resp = self.client.open(PREFIX + path, method=method, json=json, headers=headers, **kw)
        self.conforms(method, PREFIX + path.split("?")[0], resp)
        return resp

    def get(self, path, token=None, **kw):
        return self.call("GET", path, token, **kw)

    def post(self, path, token=None, body=None, key="k-1", **kw):
        return self.call("POST", path, token, json=body, key=key, **kw)

    def conforms(self, method: str, path: str, resp) -> None:
        assert resp.status_code != 500, resp.get_data(as_text=True)[:500]
        assert resp.mimetype == "application/json", (path, resp.status_code, resp.mimetype)
        body = resp.get_json()
        match = next((p for rx, p in self.routes if rx.match(path)), None)
        op = self.doc["paths"][match].get(method.lower()) if match else None
        if op is None or method in ("HEAD",):
            # Not a documented operation: still the API's error shape.
            assert resp.status_code in (404, 405), (method, path, resp.status_code)
            assert set(body) == {"error", "field", "code"}, body
            return
        documented = op["responses"].get(str(resp.status_code))
        assert documented is not None, f"{method} {match}: {resp.status_code} not documented"
        schema = documented["content"]["application/json"]["schema"]
        errors = check(schema, body, "", self.components)
        assert errors == [], f"{method} {match} {resp.status_code}: {errors[:3]} in {body}"


@pytest.fixture
def api(app, client) -> Api:
    doc = client.get(PREFIX + "/openapi.json").get_json()
    return Api(client, doc)
