"""Bad input gets a 4xx in the API's JSON shape and writes nothing: malformed JSON, wrong
types, huge numbers, broken unicode, unknown fields, paths and methods."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from outlet_pos.api.models import ApiIdempotency
from outlet_pos.core.ledger.models import JournalEntry
from outlet_pos.core.sales.models import Sale
from outlet_pos.extensions import db


def _written(app) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(m))
            for m in (Sale, JournalEntry, ApiIdempotency)
        )


def _raw(api, secret, data, content_type="application/json", key="raw-1"):
    return api.call(
        "POST",
        "/sales",
        secret,
        key=key,
        data=data,
        headers={"Content-Type": content_type},
    )


BAD_BODIES = [
    (b"", "kosong"),
    (b"{", "bukan JSON"),
    (b"[]", "objek"),
    (b'{"lines": [], "lines": []}', "dua kali"),
    (b'{"lines": NaN}', "NaN"),
    (b"\xff\xfe{}", "UTF-8"),
    (b'{"lines": [{"item_id": 1, "qty": "1"}], "payments": [{"method": "tunai", '
     b'"amount": 1' + b"0" * 5000 + b"}]}", "JSON"),
    (b"[" * 100_000 + b"]" * 100_000, "JSON"),
    (b'{"lines": [{"item_id": 1, "qty": "1"}], "payments": [], "customer_name": "\\ud800"}',
     "Unicode"),
]  # fmt: skip


@pytest.mark.parametrize("data, words", BAD_BODIES, ids=range(len(BAD_BODIES)))
def test_a_malformed_body_is_a_400_that_writes_nothing(app, api, issue, world, data, words):
    secret = issue(world.cashier_id, ["sales:write"])
    before = _written(app)
    resp = _raw(api, secret, data)
    assert resp.status_code == 400, resp.get_json()
    assert words.lower() in resp.get_json()["error"].lower()
    assert _written(app) == before


LINE = {"item_id": 1, "qty": "1"}
PAY = {"method": "tunai", "amount": 100_000}
BAD_FIELDS = [
    ({"lines": [LINE]}, "payments"),
    ({"lines": [], "payments": [PAY]}, "lines"),
    ({"lines": [{**LINE, "qty": 1}], "payments": [PAY]}, "lines[0].qty"),
    ({"lines": [{**LINE, "qty": "1,5"}], "payments": [PAY]}, "lines[0].qty"),
    ({"lines": [{**LINE, "qty": "1e3"}], "payments": [PAY]}, "lines[0].qty"),
    ({"lines": [{**LINE, "qty": "-1"}], "payments": [PAY]}, "lines[0].qty"),
    ({"lines": [{**LINE, "item_id": "1"}], "payments": [PAY]}, "lines[0].item_id"),
    ({"lines": [{**LINE, "item_id": True}], "payments": [PAY]}, "lines[0].item_id"),
    ({"lines": [{**LINE, "item_id": 2**31}], "payments": [PAY]}, "lines[0].item_id"),
    ({"lines": [LINE], "payments": [{**PAY, "amount": 10**12 + 1}]}, "payments[0].amount"),
    ({"lines": [LINE], "payments": [{**PAY, "amount": 1.5}]}, "payments[0].amount"),
    ({"lines": [LINE], "payments": [{**PAY, "amount": 10**30}]}, "payments[0].amount"),
    ({"lines": [LINE], "payments": [{**PAY, "method": "bitcoin"}]}, "payments[0].method"),
    ({"lines": [LINE], "payments": [PAY], "harga_khusus": 1}, "harga_khusus"),
    ({"lines": [LINE], "payments": [PAY], "customer_name": "A\x1bB"}, "customer_name"),
    ({"lines": [LINE], "payments": [PAY], "customer_name": "x" * 121}, "customer_name"),
    ({"lines": [LINE], "payments": [PAY], "member_id": -1}, "member_id"),
    ({"lines": [LINE] * 201, "payments": [PAY]}, "lines"),
    ({"lines": [LINE], "payments": [PAY], "extra": {"farmer_nik": 3201}}, "extra.farmer_nik"),
]


@pytest.mark.parametrize("body, field", BAD_FIELDS, ids=[f for _, f in BAD_FIELDS])
def test_a_body_off_the_schema_names_the_field_and_writes_nothing(app, api, issue, world, body,
                                                                   field):  # fmt: skip
    secret = issue(world.cashier_id, ["sales:write"])
    before = _written(app)
    resp = api.post("/sales", secret, body, key="bad")
    assert resp.status_code == 400
    assert resp.get_json()["field"] == field, resp.get_json()
    assert _written(app) == before


def test_a_nul_anywhere_is_a_400_in_the_apis_shape(app, api, issue, world):
    secret = issue(world.cashier_id, ["sales:write", "catalog:read"])
    before = _written(app)
    body = {"lines": [LINE], "payments": [PAY], "customer_name": "A\x00B"}
    resp = api.post("/sales", secret, body, key="nul")
    assert resp.status_code == 400 and resp.get_json()["code"] == "bad_request"
    assert api.get("/items?q=%00", secret).status_code == 400
    assert _written(app) == before


def test_a_body_that_is_not_json_is_a_415(api, issue, world):
    secret = issue(world.cashier_id, ["sales:write"])
    resp = _raw(api, secret, b"lines=1", content_type="application/x-www-form-urlencoded")
    assert resp.status_code == 415
    assert _raw(api, secret, json.dumps({}).encode(), content_type="text/plain").status_code == 415


def test_a_body_too_large_is_a_413(api, issue, world):
    secret = issue(world.cashier_id, ["sales:write"])
    resp = _raw(api, secret, b'{"customer_name": "' + b"x" * 300_000 + b'"}')
    assert resp.status_code == 413


@pytest.mark.parametrize("key", [None, "", "x" * 65, "kunci spasi", "é"])
def test_a_post_needs_a_sane_idempotency_key(app, api, issue, world, key):
    secret = issue(world.cashier_id, ["sales:write"])
    body = {"lines": [{"item_id": world.items["beras"], "qty": "1"}], "payments": [PAY]}
    headers = {"Authorization": f"Bearer {secret}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    resp = api.client.post("/api/v1/sales", json=body, headers=headers)
    api.conforms("POST", "/api/v1/sales", resp)
    assert resp.status_code == 400 and resp.get_json()["field"] == "Idempotency-Key"
    assert _written(app)[0] == 0


@pytest.mark.parametrize(
    "query, field",
    [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=abc", "limit"),
        ("limit=1&limit=2", "limit"),
        ("offset=-1", "offset"),
        ("offset=99999999999999999999999", "offset"),
        ("q=", "q"),
        ("q=" + "a" * 61, "q"),
        ("q=%1b", "q"),
        ("barcode=%20", "barcode"),
        ("warna=merah", "warna"),
    ],
)
def test_bad_query_parameters_are_a_400_naming_them(api, issue, world, query, field):
    secret = issue(world.cashier_id, ["catalog:read"])
    resp = api.get(f"/items?{query}", secret)
    assert resp.status_code == 400 and resp.get_json()["field"] == field


def test_bad_report_dates_are_a_400(api, issue, world):
    secret = issue(world.manager_id, ["reports:read"])
    for value in ("2025-13-01", "2025-02-30", "20250101", "kemarin", "2025-1-1"):
        resp = api.get(f"/reports/trial-balance?as_of={value}", secret)
        assert resp.status_code == 400 and resp.get_json()["field"] == "as_of", value


def test_unknown_paths_and_wrong_methods_answer_json(api, issue, world):
    secret = issue(world.cashier_id, ["catalog:read"])
    for path in ("/tidak-ada", "/items/abc", "/items/1/2", ""):
        resp = api.get(path, secret)
        assert resp.status_code == 404 and resp.get_json()["code"] == "not_found", path
    resp = api.call("DELETE", "/items", secret)
    assert resp.status_code == 405 and resp.headers["Allow"] == "GET, HEAD"
    assert api.call("OPTIONS", "/sales", secret).status_code == 405
    resp = api.call("PUT", "/sales", secret, json={})
    assert resp.status_code == 405 and resp.headers["Allow"] == "GET, HEAD, POST"
    resp = api.call("DELETE", "/me", secret)
    assert resp.status_code == 405 and "DELETE" not in resp.headers["Allow"]


def test_a_post_with_a_session_cookie_but_no_token_is_401_even_with_csrf_on(app, world, login):
    from outlet_pos import create_app

    strict = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        }
    )
    try:
        client = strict.test_client()
        resp = client.post("/api/v1/sales", json={}, headers={"Idempotency-Key": "a"})
        assert resp.status_code == 401 and resp.is_json  # not the CSRF page: the API is exempt
        assert client.post("/api/v1/tidak-ada", json={}).status_code == 404
    finally:
        with strict.app_context():
            db.engine.dispose()


def test_each_token_is_rate_limited_on_its_own_and_the_429_is_json(app, api, issue, world):
    """A phone stuck in a retry loop slows only itself: the other devices behind the same
    router keep their own allowance (DESIGN §4.3)."""
    from outlet_pos import create_app

    limited = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "RATELIMIT_ENABLED": True,
            "API_RATE_LIMIT": "3 per minute",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        }
    )
    busy = issue(world.cashier_id, ["catalog:read"])
    calm = issue(world.manager_id, ["reports:read"])
    try:
        client = limited.test_client()

        def me(secret: str):
            return client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})

        assert [me(busy).status_code for _ in range(3)] == [200, 200, 200]
        refused = me(busy)
        api.conforms("GET", "/api/v1/me", refused)
        assert refused.status_code == 429 and refused.get_json()["code"] == "too_many_requests"
        assert me(calm).status_code == 200  # another token, the same address
    finally:
        # Flask-Limiter keeps one switch per extension object, shared by every test app: left
        # on, the tests after this one meet the login limit (seen on the PostgreSQL run).
        from outlet_pos.extensions import limiter

        limiter.enabled = False
        with limited.app_context():
            db.engine.dispose()


def test_a_chunked_body_without_a_length_is_read_and_measured(app, api, issue, world):
    import io

    secret = issue(world.cashier_id, ["sales:write"])
    small = io.BytesIO(json.dumps({"lines": [], "payments": []}).encode())
    resp = api.client.post(
        "/api/v1/sales",
        input_stream=small,
        headers={"Authorization": f"Bearer {secret}", "Idempotency-Key": "c1",
                 "Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},  # as a server de-chunking says
    )  # fmt: skip
    api.conforms("POST", "/api/v1/sales", resp)
    assert resp.status_code == 400 and resp.get_json()["field"] == "lines", resp.get_json()
    big = io.BytesIO(b'{"customer_name": "' + b"x" * 300_000 + b'"}')
    resp = api.client.post(
        "/api/v1/sales",
        input_stream=big,
        headers={"Authorization": f"Bearer {secret}", "Idempotency-Key": "c2",
                 "Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},  # as a server de-chunking says
    )  # fmt: skip
    assert resp.status_code == 413
