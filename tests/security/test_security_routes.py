"""The route x role matrix covers the whole URL map, every method of it, and CSRF guards
every request that can change something.

``tests/web/test_access.py`` walks each route once per role (by GET, or by POST where the
route takes no GET). Here: proof that its walk leaves no route out, the methods it does not
try (the POST of a GET+POST page, any PUT/PATCH/DELETE) tried with every role that lacks the
route's permission, and every state-changing method tried without a CSRF token.
"""

from __future__ import annotations

import pytest

from outlet_pos.core.access import LOGIN_ONLY, PERMISSIONS, PUBLIC, ROLES
from outlet_pos.extensions import db
from tests.conftest import TEST_PASSWORD, make_coop, make_user
from tests.security import tenancy_checks as checks
from tests.security import worlds
from tests.web import test_access as walk

# Routes the role walk leaves out, each with the reason. Nothing else may be missing.
UNWALKED = {
    "static": "Flask's own static files: no view of ours, the same for everyone "
    "(their headers are checked in test_security_headers)",
}
# State-changing routes that may be posted without a CSRF token, each with the reason. Such a
# route must not act on the session's user (see the test below). API v1 routes (views with
# ``api_operation``) are exempt as a class: a bearer token authenticates them, never a cookie,
# so a forged cross-site request carries no credential.
CSRF_EXEMPT: dict[str, str] = {
    "sync.register": "outlet-to-server sync: a one-time registration code in the body",
    "sync.push": "outlet-to-server sync: an Ed25519 signature of the outlet over the request",
    "sync.master_data": "outlet-to-server sync: an Ed25519 signature of the outlet",
}
CHANGES = ("POST", "PUT", "PATCH", "DELETE")
# Any value does for these walks: permissions and CSRF are checked before a view reads them.
DUMMY = {"fmt": "pdf", "code": "id", "width": 58, "filename": "css/app.css"}


def _methods(rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def _dummy_url(app, rule) -> str:
    from flask import url_for

    with app.test_request_context():
        return url_for(rule.endpoint, **{a: DUMMY.get(a, 1) for a in rule.arguments})


def test_the_role_walk_visits_every_route_of_the_url_map(app):
    every = {(r.rule, r.endpoint) for r in app.url_map.iter_rules()}
    walked = {(r.rule, r.endpoint) for r, _method in walk._routes(app)}
    left_out = {(rule, endpoint) for rule, endpoint in every - walked}
    assert {endpoint for _rule, endpoint in left_out} == set(UNWALKED)
    assert all(endpoint in app.view_functions for endpoint in UNWALKED)


def test_every_route_declares_a_known_permission(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in UNWALKED:
            continue
        perm = app.view_functions[rule.endpoint].permission
        assert perm in PERMISSIONS or perm in (PUBLIC, LOGIN_ONLY), (rule.rule, perm)


@pytest.fixture
def people(app) -> dict[str, int]:
    """One user per role in one cooperative (``admin`` is the system admin)."""
    with app.app_context():
        coop = make_coop("Koperasi Matriks")
        return {
            role: make_user(
                f"m-{role}", None if role == "admin" else role, coop, is_admin=role == "admin"
            ).id
            for role in ROLES
        }


def _refused_anonymous(resp) -> bool:
    if resp.status_code == 401:  # a token-authenticated API route
        return True
    return resp.status_code == 302 and "/masuk" in resp.headers.get("Location", "")


def test_the_methods_the_walk_does_not_try_are_refused_to_roles_without_the_permission(
    app, people, login
):
    untried = []
    for rule, walked_method in walk._routes(app):
        untried += [(rule, m) for m in _methods(rule) if m != walked_method]
    assert untried, "no route takes two methods: this test checks nothing"
    clients = {"anonymous": app.test_client()}
    for role in ROLES:
        clients[role] = app.test_client()
        login(clients[role], f"m-{role}")
    with app.app_context():
        watch = checks.WriteWatch(db.engine)
    failures = []
    try:
        for rule, method in untried:
            perm = app.view_functions[rule.endpoint].permission
            if perm == PUBLIC:
                continue
            url = _dummy_url(app, rule)
            if worlds.is_api(app, rule):
                perm = "api"  # a bearer token authenticates, never the session: 401 for all
            with watch.on() as writes:
                resp = clients["anonymous"].open(url, method=method)
                if not _refused_anonymous(resp):
                    failures.append(f"anonymous {method} {rule.rule} -> {resp.status_code}")
                for role in ROLES:
                    if perm == LOGIN_ONLY or role in PERMISSIONS.get(perm, {role}):
                        continue
                    status = clients[role].open(url, method=method).status_code
                    if status != (401 if perm == "api" else 403):
                        failures.append(f"{role} {method} {rule.rule} ({perm}) -> {status}")
            if writes:
                failures.append(f"{method} {rule.rule} wrote while refusing: {writes[0]}")
    finally:
        with app.app_context():
            watch.close()
    assert failures == [], "\n".join(failures)


@pytest.fixture
def strict(app):
    """The app as deployed: CSRF on (the test app turns it off to keep page tests short)."""
    from outlet_pos import create_app

    strict = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_ENABLED": False,
            "SYNC_SERVER": True,  # the sync endpoints answer only on a server
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        }
    )
    yield strict
    with strict.app_context():
        db.session.remove()
        db.engine.dispose()


def _strict_login(client, username: str) -> None:
    page = client.get("/masuk").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    data = {"username": username, "password": TEST_PASSWORD, "csrf_token": token}
    assert client.post("/masuk", data=data).status_code == 302


def test_every_state_changing_route_refuses_a_request_without_its_csrf_token(strict):
    with strict.app_context():
        coop_id = make_coop("Koperasi CSRF").id
        make_user("c-admin", None, is_admin=True)
    signed_in = strict.test_client()
    _strict_login(signed_in, "c-admin")
    with signed_in.session_transaction() as s:
        s["coop_id"] = coop_id
    anonymous = strict.test_client()
    with strict.app_context():
        watch = checks.WriteWatch(db.engine)
    failures, exempt, tried = [], set(), 0
    try:
        for rule in sorted(strict.url_map.iter_rules(), key=lambda r: r.rule):
            for method in [m for m in _methods(rule) if m in CHANGES]:
                url = _dummy_url(strict, rule)
                for who, client in (("signed in", signed_in), ("anonymous", anonymous)):
                    tried += 1
                    with watch.on() as writes:
                        resp = client.open(url, method=method, data={"x": "1"})
                    body = resp.get_data(as_text=True)
                    if resp.status_code == 400 and "token CSRF" in body:
                        if writes:
                            failures.append(f"{method} {rule.rule} wrote: {writes[0]}")
                        continue
                    exempt.add(rule.endpoint)
                    # An exempt route must not take the session cookie as its credential.
                    if who == "signed in" and resp.status_code < 400:
                        failures.append(
                            f"{method} {rule.rule} without a CSRF token as the session's user "
                            f"-> {resp.status_code}"
                        )
    finally:
        with strict.app_context():
            watch.close()
    assert failures == [], "\n".join(failures)
    api = {r.endpoint for r in strict.url_map.iter_rules() if worlds.is_api(strict, r)}
    assert exempt - api == set(CSRF_EXEMPT), "list each CSRF-exempt route with a reason"
    assert tried > 200
    # The same request with the session's token gets past the CSRF check (the guard is the
    # token, not something else about the request).
    page = signed_in.get("/akun-saya/kata-sandi").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    resp = signed_in.post("/bahasa/en", data={"csrf_token": token, "next": "/"})
    assert resp.status_code == 302
