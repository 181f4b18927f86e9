"""Submissions the form fuzzer once answered with a 500, replayed as known answers.

Each was a fault in the application (listed in the fuzz report): now each is a refusal with
its status, and the database is exactly as it was. Kept apart from the generated run so a
regression names its own case, whatever examples the fuzzer happens to draw.
"""

from __future__ import annotations

import io
import json
from datetime import date

from flask import url_for

from tests.fuzz.fingerprint import changed, fingerprint
from tests.fuzz.runner import Session

BIG = "9" * 10_000
STATEMENT = b"Tanggal,Keterangan,Debet,Kredit,Saldo\n03/05/2025,SETOR\rAN,0,1000,1000\n"
SAVED = 302  # the one case accepted: it may write (tests/conftest.py verifies the books after)


def _cases(world: dict) -> list[tuple[str, str, dict, object, int]]:
    """(user, endpoint, URL arguments, form data or JSON body, the status that answers)."""
    fuzz, samples = world["fuzz"], world["samples"]
    today = date.today().isoformat()
    cart = {
        "lines": [{"item_id": world["item"], "qty": "1"}],
        "payments": [{"method": "tunai", "amount": 5_500}],
        "member_id": 2**63,
    }
    expense = {
        "kind": "expense",
        "date": today,
        "account": "613100",
        "amount": "1.000",
        "paid_from": "112100",
        "unit": "²",
        "description": "Uji",
        "idempotency_key": "fz-1",
    }
    order = {"supplier": "abc", "outlet": "²", "date": today, "lines-0-item": "T1",
             "lines-0-qty": "1", "lines-0-cost": "1.000"}  # fmt: skip
    cooperative = {"name": "Koperasi Fuzz", "timezone": "WIB", "fiscal_year_start_month": "1",
                   "cadangan": " \t", "jasa_modal": "20", "jasa_usaha": "20", "pengurus": "5",
                   "karyawan": "5", "pendidikan": "5", "sosial": "5"}  # fmt: skip
    farmer = {"name": "Petani", "nik": "3201011205850099", "land_ha": "9" * 40}
    agent = {"unit_id": fuzz["local_units"]["agent"]}
    member = {"member_id": world["member"]}
    allocation = {"allocation_id": world["allocation"]}
    bank = {"bank_account_id": samples["bank_account_id"]}
    visit = {"visit_id": fuzz["clinic_visit"]}
    courier = {"courier_id": samples["courier_id"]}
    savings_product = {"savings_product_id": world["savings_product"]}
    loan_product = {"product_id": world["loan_product"]}
    return [
        # A URL id past the id columns' range (SQLite cannot bind it; PostgreSQL: out of range).
        ("r-bendahara", "bendahara.account_toggle", {"account_id": 2**63}, {"active": "0"}, 404),
        ("r-bendahara", "bendahara.account_toggle", {"account_id": 2**31}, {"active": "0"}, 404),
        # A form id past the range, and digits that str.isdigit() accepts and int() refuses.
        ("r-bendahara", "bendahara.order_cancel", {}, {"order": "9" * 23}, 404),
        ("r-kasir", "simpin.wajib_collect", {}, {"member": "²"}, 302),
        ("r-petugas_klinik", "klinik.visit_service", visit, {"tariff": "²", "qty": "1"}, 302),
        ("r-bendahara", "bendahara.expense_new", {}, expense, SAVED),  # with no unit
        ("r-bendahara", "shell.choose_cooperative", {}, {"cooperative_id": "9" * 23}, 404),
        ("r-kasir", "simpin.term_open", member, {"product": "9" * 23, "amount": "1"}, 302),
        ("fz-masuk", "kasir.shift_open", {}, {"outlet": "9" * 23, "float_amount": "0"}, 400),
        ("r-pengurus", "lokal.agent_void", agent, {"txn_id": "9" * 23, "reason": "salah"}, 400),
        # Selects not checked against their choices, read with int().
        ("r-bendahara", "bendahara.orders", {}, order, 400),
        # Whitespace passes InputRequired but is no number: the SHU split summed a None.
        ("r-admin", "admin.cooperative_new", {}, cooperative, 400),
        # Decimal.quantize past 28 digits raises InvalidOperation, which is no ValueError.
        ("r-bendahara", "pupuk.allocation_fix", allocation, {"kg": BIG, "reason": "x"}, 302),
        ("r-bendahara", "pupuk.farmer_new", {}, farmer, 400),
        # int() of 10,000 digits raises before any range check.
        ("r-petugas_logistik", "logistik.courier_settle", courier, {"charge": BIG}, 400),
        # The cashier's JSON: a member id past 64 bits.
        ("r-kasir", "kasir.checkout_json", {}, cart, 400),
        # An open-shift form without the outlet (a NULL primary key to session.get).
        ("fz-masuk", "kasir.shift_open", {}, {"float_amount": "0"}, 400),
        # Product forms bound to their record, fields left out: the record's Decimal and int
        # reached code that expects text. Now the record's own values stand.
        ("r-bendahara", "simpin.savings_product_edit", savings_product, {}, SAVED),
        ("r-bendahara", "simpin.loan_product_edit", loan_product, {"method": "x"}, 200),
        # NUL in text: PostgreSQL refuses to store it.
        ("r-bendahara", "bendahara.suppliers", {}, {"code": "S9", "name": "a\x00b"}, 400),
        # Files: one CSV field past the csv module's limit, a carriage return inside a field,
        # bytes no text encoding reads.
        ("r-bendahara", "bendahara.bank_import", bank, {"file": _file(b"x" * 200_000)}, 400),
        ("r-bendahara", "bendahara.bank_import", bank, {"file": _file(STATEMENT)}, 400),
        ("r-bendahara", "sembako.items_import", {}, {"file": _file(b"\x81\x8d\x8f\x90")}, 400),
    ]


def _file(content: bytes) -> tuple[io.BytesIO, str]:
    return io.BytesIO(content), "berkas.csv"


def test_payloads_that_once_answered_500_are_refused_and_write_nothing(app, fuzz_world):
    sessions: dict[str, Session] = {}
    failures = []
    for username, endpoint, args, data, status in _cases(fuzz_world):
        if username not in sessions:
            sessions[username] = Session(app, username, fuzz_world["a"])
        client = sessions[username].client
        with app.test_request_context():
            url = url_for(endpoint, **args)
        before = fingerprint(app)
        if endpoint == "kasir.checkout_json":
            resp = client.post(url, data=json.dumps(data), content_type="application/json")
        else:
            resp = client.post(url, data=data, content_type="multipart/form-data")
        sessions[username].flashes()
        diff = [] if status == SAVED else changed(before, fingerprint(app))
        if resp.status_code != status or diff:
            failures.append(f"{endpoint} {args}: {resp.status_code}, want {status} {diff}")
    assert failures == [], "\n".join(failures)
