"""API tokens: who may use them, what they may do, and the page that makes and revokes them."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import select

from outlet_pos.api.models import ApiToken
from outlet_pos.core.audit import AuditEvent
from outlet_pos.core.db import run_transaction, utcnow
from outlet_pos.extensions import db
from tests.api.conftest import ALL_SCOPES


def _token_row(secret: str) -> ApiToken:
    digest = hashlib.sha256(secret.encode()).hexdigest()
    return db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))


def test_a_request_without_a_token_is_refused_with_401_json(api):
    resp = api.get("/items")
    assert resp.status_code == 401
    assert resp.get_json()["code"] == "unauthorized"
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_or_malformed_token_is_refused_with_401(api, world):
    assert api.get("/items", "opk_" + "A" * 43).status_code == 401
    assert api.get("/items", "not-a-token").status_code == 401
    resp = api.client.get("/api/v1/items", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert resp.status_code == 401


def test_a_token_reads_who_it_is_and_what_it_may_do(app, api, issue, world):
    from outlet_pos.core.access import Membership

    secret = issue(world.cashier_id, ["catalog:read", "sales:write"])
    body = api.get("/me", secret).get_json()
    assert body["user"]["id"] == world.cashier_id
    assert body["cooperative"]["id"] == world.coop_id
    assert body["roles"] == ["kasir"]
    assert body["token"]["prefix"] == secret[:12]
    assert body["effective_scopes"] == ["catalog:read", "sales:write"]
    with app.app_context():
        membership = db.session.scalar(
            select(Membership).where(Membership.user_id == world.cashier_id)
        )
        membership.role = "pengawas"
        db.session.commit()
    body = api.get("/me", secret).get_json()
    # The token still names sales:write, but a pengawas does not sell: no longer effective.
    assert body["token"]["scopes"] == ["catalog:read", "sales:write"]
    assert body["effective_scopes"] == ["catalog:read"]


def test_only_the_hash_of_the_secret_is_stored_and_creation_is_audited(app, issue, world):
    secret = issue(world.cashier_id, ["catalog:read"])
    assert secret.startswith("opk_") and len(secret) == 47
    with app.app_context():
        row = _token_row(secret)
        assert row is not None and secret not in (row.token_hash, row.prefix)
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "api.token_create"))
        assert event.detail["token_id"] == row.id and event.user_id == world.admin_id
        assert secret not in event.detail_json


def test_a_missing_scope_is_refused_with_403(api, issue, world):
    secret = issue(world.cashier_id, ["catalog:read"])
    resp = api.get(f"/members/{world.member_id}", secret)
    assert resp.status_code == 403
    assert resp.get_json()["code"] == "insufficient_scope"
    resp = api.post("/sales", secret, {"lines": [], "payments": []})
    assert resp.status_code == 403


def test_a_scope_the_role_does_not_allow_cannot_be_granted(app, world):
    from outlet_pos.api.tokens import create_token
    from outlet_pos.core.access import User
    from outlet_pos.core.errors import ValidationError
    from outlet_pos.core.tenancy import Cooperative

    with app.app_context():
        coop = db.session.get(Cooperative, world.coop_id)
        cashier = db.session.get(User, world.cashier_id)
        admin = db.session.get(User, world.admin_id)
        try:
            run_transaction(create_token, coop, cashier, "HP", ["reports:read"], 30, actor=admin)
        except ValidationError as exc:
            assert exc.field == "scopes" and "reports:read" in exc.message
        else:
            raise AssertionError("granted a scope beyond the role")
        assert db.session.scalar(select(ApiToken.id)) is None


def test_a_revoked_token_is_refused_with_401_and_the_revocation_is_audited(app, api, issue, world):
    from outlet_pos.api.tokens import revoke_token
    from outlet_pos.core.access import User
    from outlet_pos.core.tenancy import Cooperative

    secret = issue(world.cashier_id, ["catalog:read"])
    assert api.get("/items", secret).status_code == 200
    with app.app_context():
        coop = db.session.get(Cooperative, world.coop_id)
        row = _token_row(secret)
        run_transaction(revoke_token, coop, row.id, actor=db.session.get(User, world.cashier_id))
        assert db.session.scalar(
            select(AuditEvent.id).where(AuditEvent.action == "api.token_revoke")
        )
    resp = api.get("/items", secret)
    assert resp.status_code == 401 and "dicabut" in resp.get_json()["error"]


def test_an_expired_token_is_refused_with_401(app, api, issue, world):
    secret = issue(world.cashier_id, ["catalog:read"], days=30)
    with app.app_context():
        row = _token_row(secret)
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    resp = api.get("/items", secret)
    assert resp.status_code == 401 and "kedaluwarsa" in resp.get_json()["error"]


def test_an_inactive_user_loses_the_api(app, api, issue, world):
    from outlet_pos.core.access import User

    secret = issue(world.cashier_id, ["catalog:read"])
    with app.app_context():
        db.session.get(User, world.cashier_id).active = False
        db.session.commit()
    assert api.get("/items", secret).status_code == 401


def test_a_user_who_lost_the_role_loses_the_api(app, api, issue, world):
    from outlet_pos.core.access import Membership

    secret = issue(world.cashier_id, ["catalog:read", "sales:write"])
    with app.app_context():
        membership = db.session.scalar(
            select(Membership).where(Membership.user_id == world.cashier_id)
        )
        membership.role = "pengawas"  # still in the cooperative, no longer selling
        db.session.commit()
    assert api.get("/items", secret).status_code == 200  # pengawas still reads the catalog
    resp = api.post("/sales", secret, {"lines": [], "payments": []})
    assert resp.status_code == 403 and resp.get_json()["code"] == "forbidden"
    with app.app_context():
        db.session.delete(
            db.session.scalar(select(Membership).where(Membership.user_id == world.cashier_id))
        )
        db.session.commit()
    resp = api.get("/items", secret)
    assert resp.status_code == 401 and "peran" in resp.get_json()["error"]


def test_another_cooperatives_records_are_404(api, issue, world):
    secret = issue(world.manager_id, ALL_SCOPES)
    assert api.get(f"/items/{world.other_item_id}", secret).status_code == 404
    assert api.get(f"/members/{world.other_member_id}", secret).status_code == 404
    assert api.get("/items/99999", secret).status_code == 404
    assert api.get(f"/items/{2**40}", secret).status_code == 404


def test_using_a_token_records_when_it_was_last_used(app, api, issue, world):
    secret = issue(world.cashier_id, ["catalog:read"])
    with app.app_context():
        assert _token_row(secret).last_used_at is None
    api.get("/items", secret)
    with app.app_context():
        assert _token_row(secret).last_used_at is not None


# --- the page -------------------------------------------------------------------------------


def _page_login(app, login, username):
    client = app.test_client()
    login(client, username)
    return client


def test_a_pengurus_makes_a_token_and_sees_the_secret_once(app, world, login):
    from outlet_pos.core.access import User

    with app.app_context():
        manager = db.session.get(User, world.manager_id).username
    client = _page_login(app, login, manager)
    page = client.get("/admin/token-api")
    assert page.status_code == 200 and "Buat token" in page.get_data(as_text=True)
    resp = client.post(
        "/admin/token-api/baru",
        data={
            "user_id": str(world.cashier_id),
            "device_name": "Tablet kasir gerai 1",
            "scopes": ["catalog:read", "sales:write"],
            "validity_days": "90",
        },
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "hanya ditampilkan sekali" in html
    secret = html.split('id="token-value">')[1].split("<")[0]
    assert secret.startswith("opk_")
    assert resp.headers["Cache-Control"] == "no-store"
    assert secret not in client.get("/admin/token-api").get_data(as_text=True)
    with app.app_context():
        row = _token_row(secret)
        assert row.device_name == "Tablet kasir gerai 1" and row.user_id == world.cashier_id
        assert row.scope_list == ["catalog:read", "sales:write"]
        assert row.created_by_id == world.manager_id
        assert 89 <= (row.expires_at - utcnow()).days <= 90


def test_the_token_form_refuses_what_the_role_does_not_allow(app, world, login):
    from outlet_pos.core.access import User

    with app.app_context():
        manager = db.session.get(User, world.manager_id).username
    client = _page_login(app, login, manager)
    resp = client.post(
        "/admin/token-api/baru",
        data={"user_id": str(world.cashier_id), "device_name": "HP", "scopes": ["reports:read"],
              "validity_days": "30"},
    )  # fmt: skip
    assert resp.status_code == 400
    assert "tidak mengizinkan cakupan" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(ApiToken.id)) is None


def test_a_cashier_sees_and_revokes_only_their_own_tokens(app, world, login, issue):
    from outlet_pos.core.access import User

    own = issue(world.cashier_id, ["catalog:read"])
    theirs = issue(world.manager_id, ["catalog:read"])
    with app.app_context():
        cashier = db.session.get(User, world.cashier_id).username
        own_id, their_id = _token_row(own).id, _token_row(theirs).id
    client = _page_login(app, login, cashier)
    html = client.get("/admin/token-api").get_data(as_text=True)
    assert own[:12] in html and theirs[:12] not in html and "Buat token" not in html
    assert client.post("/admin/token-api/baru", data={}).status_code == 403
    client.post(f"/admin/token-api/{their_id}/cabut")
    client.post(f"/admin/token-api/{own_id}/cabut")
    with app.app_context():
        assert _token_row(theirs).revoked_at is None
        assert _token_row(own).revoked_at is not None
        assert _token_row(own).revoked_by_id == world.cashier_id


def test_a_token_of_another_cooperative_cannot_be_revoked_from_here(app, world, login, issue):
    from outlet_pos.core.access import User

    with app.app_context():
        outsider = make_outsider(world)
        victim = issue(world.cashier_id, ["catalog:read"])
        victim_id = _token_row(victim).id
        del outsider
    client = _page_login(app, login, "pengurus-tetangga")
    assert client.post(f"/admin/token-api/{victim_id}/cabut").status_code == 404
    with app.app_context():
        assert _token_row(victim).revoked_at is None
        assert db.session.get(User, world.cashier_id).active


def make_outsider(world):
    from outlet_pos.core.tenancy import Cooperative
    from tests.conftest import make_user

    return make_user(
        "pengurus-tetangga", "pengurus", db.session.get(Cooperative, world.other_coop_id)
    )


def test_the_token_form_refuses_junk_without_an_error_page(app, world, login):
    from outlet_pos.core.access import User

    with app.app_context():
        manager = db.session.get(User, world.manager_id).username
    client = _page_login(app, login, manager)
    for data in (
        {},
        {"user_id": "9" * 30, "device_name": "HP", "scopes": ["catalog:read"],
         "validity_days": "30"},
        {"user_id": "١٢", "device_name": "HP", "scopes": ["catalog:read"], "validity_days": "30"},
        {"user_id": str(world.cashier_id), "device_name": "HP\x00", "scopes": ["catalog:read"],
         "validity_days": "30"},
        {"user_id": str(world.cashier_id), "device_name": "HP", "scopes": ["root"],
         "validity_days": "0000"},
    ):  # fmt: skip
        assert client.post("/admin/token-api/baru", data=data).status_code == 400, data
    with app.app_context():
        assert db.session.scalar(select(ApiToken.id)) is None
