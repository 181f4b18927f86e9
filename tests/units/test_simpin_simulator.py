"""The loan simulator: the public page and ``GET /api/v1/loans/simulate`` give the fixture
schedules exactly, work without login, and refuse bad input naming the field at fault."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

FIXTURE = json.loads(
    (Path(__file__).parent.parent / "fixtures" / "loan_schedules.json").read_text()
)
CASES = FIXTURE["cases"]
API = "/api/v1/loans/simulate"


def _query(case: dict, **changes: object) -> dict:
    query = {
        "principal": case["principal"],
        "annual_rate": case["annual_rate_percent"],
        "months": case["months"],
        "method": case["method"],
    }
    query.update(changes)
    return {k: v for k, v in query.items() if v is not None}


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['method']}-{c['principal']}")
def test_the_api_answers_the_fixture_schedule_exactly(client, case):
    resp = client.get(API, query_string=_query(case))
    assert resp.status_code == 200
    body = resp.get_json()
    assert set(body) == {"installments", "total_interest", "total_payment"}
    assert body["installments"] == case["schedule"]
    assert body["total_interest"] == case["total_interest"]
    assert body["total_payment"] == case["principal"] + case["total_interest"]
    numbers = [v for row in body["installments"] for v in row.values()]
    assert all(type(v) is int for v in numbers + [body["total_interest"], body["total_payment"]])
    # The last installment absorbs the rounding residue: nothing is left owing.
    assert body["installments"][-1]["outstanding_after"] == 0


def test_the_issue_example_and_a_decimal_rate(client):
    resp = client.get(f"{API}?principal=12000000&annual_rate=18&months=12&method=anuitas")
    assert resp.status_code == 200 and resp.get_json()["total_interest"] == 1_201_920
    dot = client.get(f"{API}?principal=10000000&annual_rate=16.5&months=10&method=efektif")
    comma = client.get(f"{API}?principal=10000000&annual_rate=16,5&months=10&method=efektif")
    assert dot.status_code == comma.status_code == 200
    assert dot.get_json() == comma.get_json()
    # 16,5% a year efektif: first month's interest is 10 juta x 16,5% / 12.
    assert dot.get_json()["installments"][0]["interest"] == 137_500


BAD = [
    ({"principal": "abc"}, "principal"),
    ({"principal": "12.000.000"}, "principal"),
    ({"principal": "0"}, "principal"),
    ({"principal": "-5000000"}, "principal"),
    ({"principal": "1" + "0" * 13}, "principal"),  # Rp10 triliun: far above any loan
    ({"principal": "9" * 400}, "principal"),
    ({"principal": None}, "principal"),
    ({"annual_rate": "delapan belas"}, "annual_rate"),
    ({"annual_rate": "-1"}, "annual_rate"),
    ({"annual_rate": "101"}, "annual_rate"),
    ({"annual_rate": "1e-999999999"}, "annual_rate"),  # exact fraction would never finish
    ({"annual_rate": "NaN"}, "annual_rate"),
    ({"annual_rate": ""}, "annual_rate"),
    ({"months": "0"}, "months"),
    ({"months": "-3"}, "months"),
    ({"months": "12.5"}, "months"),
    ({"months": "361"}, "months"),
    ({"months": "99999999999"}, "months"),
    ({"method": "bunga-berbunga"}, "method"),
    ({"method": None}, "method"),
]


@pytest.mark.parametrize("change, parameter", BAD, ids=[f"{p}-{c}" for c, p in BAD])
def test_the_api_refuses_bad_parameters_naming_them(client, change, parameter):
    resp = client.get(API, query_string=_query(CASES[2], **change))
    assert resp.status_code == 400
    body = resp.get_json()
    assert body["parameter"] == parameter
    assert isinstance(body["error"], str) and body["error"]


def test_the_simulator_page_is_public_and_shows_the_schedule(client):
    case = next(c for c in CASES if c["method"] == "anuitas" and c["months"] == 12)
    page = client.get("/simpan-pinjam/simulasi")
    assert page.status_code == 200
    assert "Simulasi pinjaman" in page.get_data(as_text=True)
    assert "data-table" not in page.get_data(as_text=True)  # no schedule before asking
    resp = client.get(
        "/simpan-pinjam/simulasi",
        query_string={
            "principal": "12.000.000",
            "annual_rate": "18",
            "months": "12",
            "method": "anuitas",
        },
    )
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    assert len(rows) == 12
    cells = [re.findall(r'<td class="num">([^<]*)</td>', row) for row in rows]
    want = [
        [str(r["no"])]
        + [
            f"{r[k]:,}".replace(",", ".")
            for k in ("payment", "principal", "interest", "outstanding_after")
        ]
        for r in case["schedule"]
    ]
    assert cells == want
    assert "Rp1.201.920" in html  # total interest
    assert "Rp1.100.160" in html  # the monthly installment


def test_the_simulator_page_accepts_a_comma_rate_and_keeps_what_was_typed(client):
    resp = client.get(
        "/simpan-pinjam/simulasi?principal=5000000&annual_rate=16%2C5&months=6&method=flat"
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert 'value="16,5"' in html
    # Flat: 5 juta x 16,5% / 12 = Rp68.750 interest each month.
    assert "68.750" in html and "Rp412.500" in html


def test_the_simulator_page_shows_every_error_beside_its_field(client):
    resp = client.get("/simpan-pinjam/simulasi?principal=abc&annual_rate=1e5&months=0&method=x")
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    errors = dict(re.findall(r'<div class="error" id="e-(\w+)">([^<]+)</div>', html))
    assert set(errors) == {"principal", "annual_rate", "months"}
    assert "bulan" in errors["months"] and "bunga" in errors["annual_rate"].lower()
    assert "Pilih metode" in html
    assert 'value="abc"' in html  # what was typed is kept
    assert 'data-table="schedule"' not in html
    empty = client.get("/simpan-pinjam/simulasi?principal=&annual_rate=&months=&method=anuitas")
    assert empty.status_code == 400 and empty.get_data(as_text=True).count("Wajib diisi.") == 3
