"""Tenant isolation over the whole route map (DESIGN §2.4): another cooperative's id is a 404.

For every route with an object id in its path, cooperative B's every-role user asks for it
with B's own objects in all the other arguments and cooperative A's object in this one, by GET
and by POST (whichever the route takes; an API v1 route with B's bearer token): each answer
must be 404 — never a 403 or a page that
confirms the object exists — and nothing may be written. Before that, the same URL with B's
own object must not be a 404, so a pass means "refused because it is A's", not "the sample
id happened to be wrong". A new route with an argument the walk has no sample for fails here.
"""

from __future__ import annotations

from flask import url_for

from outlet_pos.core.access import PUBLIC
from outlet_pos.extensions import db
from tests.security import tenancy_checks as checks
from tests.security import worlds

# Path arguments that name no stored object, so there is nothing of another cooperative's to
# ask for: each with the reason.
NOT_OBJECTS = {
    "fmt": "a file format (pdf, xlsx, csv)",
    "width": "the receipt paper width in mm",
    "code": "a language code",
    "year": "a calendar or fiscal year",
    "month": "a calendar month",
    "filename": "a file under static/ (the same for every cooperative)",
    "table": "the name of a SIMKOPDES export table",
}

# Routes only the system admin reaches (is_admin, which spans every cooperative by design):
# a cooperative's users, even one holding every role there, get 403 whatever the id — the
# permission is refused before any lookup, so the answer says nothing about the object.
ADMIN_ONLY = "admin.manage"


def _object_args(rule) -> list[str]:
    unknown = [a for a in rule.arguments if a.endswith("_id") is False and a not in NOT_OBJECTS]
    assert not unknown, f"{rule.rule}: say whether {unknown} names an object (NOT_OBJECTS)"
    return sorted(a for a in rule.arguments if a not in NOT_OBJECTS)


def _id_routes(app) -> list:
    return [
        rule
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))
        if rule.endpoint != "static" and _object_args(rule)
    ]


def _url(app, rule, args: dict) -> str:
    with app.test_request_context():
        return url_for(rule.endpoint, **args)


def test_every_route_argument_is_an_object_id_or_listed_as_not_one(app):
    """The walk below relies on this split; a new argument must be placed on one side."""
    for rule in app.url_map.iter_rules():
        _object_args(rule)


def test_another_cooperatives_object_is_a_404_on_every_route_that_takes_an_id(app, login):
    ws = worlds.build(app)
    client = worlds.sign_in_to_b(app, login, ws)
    token = worlds.api_token_of_b(app, ws)
    bearer = {"Authorization": f"Bearer {token}"}
    with app.app_context():
        before = checks.digest(ws.a)
        watch = checks.WriteWatch(db.engine)
    failures: list[str] = []
    tried = 0
    try:
        for rule in _id_routes(app):
            perm = app.view_functions[rule.endpoint].permission
            own = ws.args(rule, "b")
            foreign = ws.args(rule, "a")
            methods = [m for m in ("GET", "POST") if m in rule.methods]
            expected = 403 if perm == ADMIN_ONLY else 404
            headers = bearer if worlds.is_api(app, rule) else {}
            if "GET" in methods and expected == 404:
                status = client.get(_url(app, rule, own), headers=headers).status_code
                if status in (404, 500):
                    failures.append(f"control  GET  {rule.rule}: B's own object -> {status}")
            for arg in _object_args(rule):
                if foreign[arg] == own[arg]:
                    failures.append(f"{rule.rule}: {arg} is {own[arg]} in both cooperatives")
                    continue
                url = _url(app, rule, {**own, arg: foreign[arg]})
                for method in methods:
                    tried += 1
                    with watch.on() as writes:
                        status = client.open(url, method=method, headers=headers).status_code
                    if status != expected:
                        failures.append(f"{method:4} {url} ({arg} of A) -> {status}")
                    if writes:
                        failures.append(f"{method:4} {url} wrote: {writes[0]}")
    finally:
        with app.app_context():
            watch.close()
    with app.app_context():
        assert checks.digest(ws.a) == before
        assert checks.cross_tenant_references() == []
    assert failures == [], "\n".join(failures)
    assert tried > 150  # the walk really ran over the route map


def test_a_public_route_takes_no_object_id(app):
    """A public route has no user and so no cooperative to scope an id to."""
    assert [
        rule.rule
        for rule in _id_routes(app)
        if app.view_functions[rule.endpoint].permission == PUBLIC
    ] == []
