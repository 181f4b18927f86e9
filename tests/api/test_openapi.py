"""/api/v1/openapi.json stays true: the URL map and the document name the same operations,
every schema is one the checker understands, and every operation's real answers fit it
(the ``api`` client of tests/api checks each answer of every API test against it)."""

from __future__ import annotations

import re

import pytest

from outlet_pos.api.schema import KEYWORDS, check
from tests.api.conftest import ALL_SCOPES, PREFIX

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _doc(client) -> dict:
    resp = client.get(PREFIX + "/openapi.json")
    assert resp.status_code == 200 and resp.is_json
    return resp.get_json()


def test_every_api_route_is_documented_with_its_methods_and_path_parameters(app, client):
    doc = _doc(client)
    from_map: dict[tuple[str, str], list[str]] = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX + "/"):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)[len(PREFIX) :]
        for method in rule.methods - IGNORED_METHODS:
            from_map[(path, method.lower())] = sorted(rule.arguments)
    from_doc: dict[tuple[str, str], list[str]] = {}
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            names = sorted(p["name"] for p in op["parameters"] if p["in"] == "path")
            assert names == sorted(re.findall(r"\{([a-z_]+)\}", path)), (path, method)
            from_doc[(path, method)] = names
    assert from_map == from_doc
    assert len(from_doc) >= 12


def _schemas(node, where="$"):
    """Every schema object inside the document (parameters, bodies, responses, components)."""
    if isinstance(node, dict):
        if "type" in node or "$ref" in node:
            yield where, node
        for key, value in node.items():
            if key in ("properties",):
                for name, sub in value.items():
                    yield from _schemas(sub, f"{where}.{name}")
            elif key not in ("example", "default", "enum", "securitySchemes"):
                yield from _schemas(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _schemas(item, f"{where}[{i}]")


def test_the_document_is_well_formed_openapi_3_0(client):
    doc = _doc(client)
    assert doc["openapi"] == "3.0.3" and doc["servers"] == [{"url": PREFIX}]
    components = doc["components"]["schemas"]
    seen_ids = set()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert op["operationId"] not in seen_ids
            seen_ids.add(op["operationId"])
            public = op.get("security") == []
            for p in op["parameters"]:
                assert p["in"] in ("path", "query", "header") and "schema" in p
                assert p["in"] != "path" or p["required"] is True
            codes = set(op["responses"])
            assert "400" in codes and "500" not in codes
            assert public or {"401", "403"} <= codes, (path, method)
            if method == "post":
                assert op["requestBody"]["required"] is True
                [key] = [p for p in op["parameters"] if p["in"] == "header"]
                assert key["name"] == "Idempotency-Key" and key["required"] is True
                assert {"409", "413", "415"} <= codes
            for code, response in op["responses"].items():
                assert response["description"]
                assert "application/json" in response["content"], (path, method, code)
    for where, schema in _schemas(doc):
        assert set(schema) <= KEYWORDS, (where, set(schema) - KEYWORDS)
        if "$ref" in schema:
            assert schema["$ref"].split("/")[-1] in components, where
        if schema.get("nullable"):
            assert "type" in schema, where  # OpenAPI 3.0: nullable needs a type beside it
        if "default" in schema:
            assert check(schema, schema["default"], "", components) == [], where
        if "pattern" in schema:
            assert schema["pattern"].startswith("^") and schema["pattern"].endswith("$")
            assert "\\d" not in schema["pattern"] and "\\w" not in schema["pattern"]
    assert set(doc["components"]["securitySchemes"]) == {"bearerAuth"}


def test_the_checker_is_not_a_rubber_stamp(client):
    doc = _doc(client)
    components = doc["components"]["schemas"]
    good = {"error": "Tidak ditemukan.", "field": None, "code": "not_found"}
    assert check({"$ref": "#/components/schemas/Error"}, good, "", components) == []
    for bad in (
        {**good, "extra": 1},
        {"error": "x", "field": None},
        {**good, "field": 3},
        {**good, "error": ""},
    ):
        assert check({"$ref": "#/components/schemas/Error"}, bad, "", components), bad
    item = {"$ref": "#/components/schemas/Item"}
    assert check(item, {"id": 1}, "", components)
    assert check({"type": "integer", "minimum": 0}, True, "", components)  # bool is no int
    assert check({"type": "string", "pattern": "^[0-9]+$"}, "12\n", "", components)
    assert check({"type": "string", "format": "date"}, "2025-02-30", "", components)
    assert check({"type": "string", "format": "date-time"}, "2025-02-03 10:00", "", components)
    assert check({"type": "string", "format": "uuid"}, "not-a-uuid", "", components)
    with pytest.raises(ValueError):
        check({"type": "string", "minProperties": 1}, "x", "", components)


def test_every_operation_answers_as_documented(api, issue, world):
    """One call of each operation with a token of every scope; the api client checks each
    answer's status and body against the document."""
    secret = issue(world.manager_id, ALL_SCOPES)
    cashier = issue(world.cashier_id, ["sales:write", "savings:write", "loans:write"])
    calls = [
        api.get("/me", secret),
        api.get("/items?q=beras&limit=1", secret),
        api.get(f"/items/{world.items['minyak']}", secret),
        api.get("/members?q=KDMP", secret),
        api.get(f"/members/{world.member_id}", secret),
        api.get("/reports/daily-sales", secret),
        api.get("/reports/trial-balance?as_of=2030-12-31", secret),
        api.get("/loans/simulate?principal=12000000&annual_rate=18&months=12&method=anuitas"),
        api.get("/openapi.json"),
        api.post(
            "/sales",
            cashier,
            {
                "lines": [{"item_id": world.items["beras"], "qty": "1", "discount": 0}],
                "payments": [{"method": "tunai", "amount": 64_000}],
                "customer_name": "Bu Rina",
                "extra": {},
            },
            key="tour-sale",
        ),
        api.post(
            "/savings/deposits",
            cashier,
            {"member_id": world.member_id, "kind": "sukarela", "amount": 10_000},
            key="tour-dep",
        ),
        api.post(
            "/loans/repayments",
            cashier,
            {"loan_id": world.loan_id, "amount": 5_000, "via": "tunai"},
            key="tour-pay",
        ),
    ]
    assert [r.status_code for r in calls] == [200] * 9 + [201] * 3


def test_the_loan_simulator_is_public_and_keeps_its_parameter_alias(api):
    ok = api.get("/loans/simulate?principal=1200000&annual_rate=12&months=12&method=flat")
    body = ok.get_json()
    assert body["total_interest"] == 144_000 and len(body["installments"]) == 12
    bad = api.get("/loans/simulate?principal=1200000&annual_rate=12&months=12&method=FLAT")
    assert bad.status_code == 400
    assert bad.get_json()["parameter"] == bad.get_json()["field"] == "method"
