"""The bank pages: register, deposit form, CSV mapping, statement import (preview, confirm,
refusal), line page actions, the reconciliation page and its PDF/Excel; kasir 403, another
cooperative's records 404."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select

from outlet_pos.core.banking import matching, services, statement_csv
from outlet_pos.core.banking.models import BankAccount, BankStatement, BankStatementLine
from outlet_pos.core.db import run_transaction
from outlet_pos.core.ledger import balances, post
from outlet_pos.core.ledger.models import Account
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from tests.conftest import make_coop
from tests.workspaces.test_banking import BRI, MANDIRI, line_count, raw


@pytest.fixture
def desk(app, web_coop, web_user, login):
    """A treasurer signed in to a cooperative with cash and one BRI account (BRI mapping)."""
    web_user("bendahara", "bendahara")
    web_user("kasir", "kasir")
    with app.app_context():
        coop = db.session.get(Cooperative, web_coop)

        def setup():
            post(coop, date(2025, 5, 1), "Modal awal", [("111100", 5_000_000, 0),
                 ("312100", 0, 5_000_000)], source="manual")  # fmt: skip
            account = services.create_bank_account(coop, "BRI", "012301004567530", "Kop", None)
            statement_csv.save_mapping(coop, account, BRI, None)
            return account.id

        account_id = run_transaction(setup)
    client = app.test_client()
    login(client, "bendahara")
    return client, account_id


def test_kasir_gets_403_on_the_bank_pages(app, desk, login):
    _client, account_id = desk
    kasir = app.test_client()
    login(kasir, "kasir")
    assert kasir.get("/pembukuan/bank").status_code == 403
    assert kasir.get(f"/pembukuan/bank/{account_id}").status_code == 403
    assert kasir.post("/pembukuan/bank/setor", data={"amount": "1"}).status_code == 403


def test_another_cooperatives_bank_account_id_is_404(app, desk):
    client, _account_id = desk
    with app.app_context():
        other = make_coop("Koperasi Lain")
        acc = run_transaction(services.create_bank_account, other, "BNI", "55554444", "L", None)
        st = run_transaction(statement_csv.import_statement, other, acc,
                             b"Tanggal,Keterangan,Debet,Kredit,Saldo\n02/05/2025,X,0,\"10,00\",\n",
                             "x.csv", None)  # fmt: skip
        line_id = db.session.scalar(
            select(BankStatementLine.id).where(BankStatementLine.statement_id == st.id)
        )
        acc_id = acc.id
    for url in ("", "/ubah", "/impor", "/format-csv", "/rekonsiliasi"):
        assert client.get(f"/pembukuan/bank/{acc_id}{url}").status_code == 404, url
    assert client.post(f"/pembukuan/bank/{acc_id}/cocokkan-otomatis").status_code == 404
    assert client.get(f"/pembukuan/bank/baris/{line_id}").status_code == 404
    assert client.post(f"/pembukuan/bank/baris/{line_id}/posting",
                       data={"kind": "charge"}).status_code == 404  # fmt: skip
    resp = client.post("/pembukuan/bank/setor", data={"kind": "deposit", "bank": acc_id,
                       "amount": "1.000", "date": "2025-05-02"})  # fmt: skip
    assert resp.status_code == 404


def test_the_import_pages_preview_then_confirm_and_refuse_a_bad_file_whole(app, desk):
    client, account_id = desk
    url = f"/pembukuan/bank/{account_id}/impor"
    assert client.get(url).status_code == 200
    resp = client.post(url, data={"file": (io.BytesIO(raw("bank_statement_bri.csv")), "bri.csv")},
                       content_type="multipart/form-data")  # fmt: skip
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and 'data-stat="new">3<' in page and "Rp2.500.000" in page
    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    with app.app_context():
        assert line_count() == 0
    form = {"token": token, "filename": "bri.csv", "confirm": "1",
            "period_start": "2025-05-01", "period_end": "2025-05-15"}  # fmt: skip
    resp = client.post(url, data=form)
    assert resp.status_code == 302
    with app.app_context():
        st = db.session.scalar(select(BankStatement))
        assert (st.period_start, st.period_end) == (date(2025, 5, 1), date(2025, 5, 15))
        assert st.line_count == 3
    bad = raw("bank_statement_bri.csv").replace(b'"150,000.00"', b'"150,000.50"', 1)
    resp = client.post(url, data={"file": (io.BytesIO(bad), "b.csv")},
                       content_type="multipart/form-data")  # fmt: skip
    assert resp.status_code == 400 and "Baris 8:" in resp.get_data(as_text=True)
    assert "Simpan 0 baris" not in resp.get_data(as_text=True)


def test_the_mapping_page_saves_the_columns_for_the_next_import(app, desk):
    client, account_id = desk
    url = f"/pembukuan/bank/{account_id}/format-csv"
    data = {**MANDIRI, "skip_rows": "0"}
    resp = client.post(url, data={**data, "amount_column": "", "debit_column": ""})
    assert resp.status_code == 400 and "kolom debet dan kolom kredit" in resp.get_data(as_text=True)
    assert client.post(url, data=data).status_code == 302
    with app.app_context():
        acc = db.session.get(BankAccount, account_id)
        assert statement_csv.mapping_values(acc)["amount_column"] == "Mutasi"
        assert statement_csv.mapping_values(acc)["delimiter"] == ";"


def test_deposit_form_refuses_more_than_cash_beside_the_field_and_posts_otherwise(app, desk):
    client, account_id = desk
    data = {"kind": "deposit", "bank": str(account_id), "amount": "5.000.001",
            "date": "2025-05-02", "memo": ""}  # fmt: skip
    resp = client.post("/pembukuan/bank/setor", data=data)
    assert resp.status_code == 400 and "melebihi saldo kas" in resp.get_data(as_text=True)
    resp = client.post("/pembukuan/bank/setor", data={**data, "amount": "2.500.000"})
    assert resp.status_code == 302
    with app.app_context():
        coop = db.session.scalar(select(Cooperative))
        got = balances(coop)
        assert (got["111100"], got["112100"]) == (2_500_000, 2_500_000)


def test_the_reconciliation_page_shows_items_and_downloads_pdf_and_excel(app, desk):
    client, account_id = desk
    with app.app_context():
        coop = db.session.scalar(select(Cooperative))
        acc = db.session.get(BankAccount, account_id)
        run_transaction(services.deposit_cash, coop, acc, 2_500_000, date(2025, 5, 2), None)
        run_transaction(statement_csv.import_statement, coop, acc,
                        raw("bank_statement_bri.csv"), "1.csv", None,
                        period_end=date(2025, 5, 31))  # fmt: skip
        run_transaction(matching.auto_match, coop, acc, None)
        charge_id = db.session.scalar(
            select(BankStatementLine.id).where(BankStatementLine.amount == -750_000)
        )
    url = f"/pembukuan/bank/{account_id}/rekonsiliasi?bulan=2025-05"
    page = client.get(url).get_data(as_text=True)
    assert page.count('data-item="statement"') == 2 and "SUMBER REJEKI" in page
    assert 'data-stat="unexplained">Rp0<' in page
    line_page = client.get(f"/pembukuan/bank/baris/{charge_id}")
    assert line_page.status_code == 200 and "618100" in line_page.get_data(as_text=True)
    resp = client.post(f"/pembukuan/bank/baris/{charge_id}/posting",
                       data={"kind": "other", "account": "612100", "memo": ""})  # fmt: skip
    assert resp.status_code == 302
    resp = client.post(f"/pembukuan/bank/baris/{charge_id}/posting", data={"kind": "charge"})
    assert resp.status_code == 302  # refused (already matched) and flashed
    with app.app_context():
        other = select(BankStatementLine).where(BankStatementLine.amount == 150_000)
        line = db.session.scalar(other)
        run_transaction(matching.post_from_line, db.session.scalar(select(Cooperative)), line,
                        "other", None, account_code="419200")  # fmt: skip
    page = client.get(url).get_data(as_text=True)
    assert 'data-stat="difference">Rp0<' in page and "sudah direkonsiliasi" in page
    pdf = client.get(url + "&fmt=pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    xlsx = client.get(url + "&fmt=xlsx")
    assert xlsx.status_code == 200 and xlsx.data.startswith(b"PK")
    listing = client.get("/pembukuan/bank").get_data(as_text=True)
    assert "012301004567530" in listing and "112100" in listing


def test_the_bank_register_pages_create_and_edit_an_account(app, desk):
    client, account_id = desk
    resp = client.post("/pembukuan/bank/baru", data={"bank_name": "Bank Jateng",
                       "account_number": "1-23", "holder_name": "Kop"})  # fmt: skip
    assert resp.status_code == 400 and "Nomor rekening" in resp.get_data(as_text=True)
    resp = client.post("/pembukuan/bank/baru", data={"bank_name": "Bank Jateng",
                       "account_number": "2-031-00998-7", "holder_name": "Kop"})  # fmt: skip
    assert resp.status_code == 302
    with app.app_context():
        acc = db.session.scalar(select(BankAccount).where(BankAccount.bank_name == "Bank Jateng"))
        assert acc.ledger_account.code == "112110"
        new_id = acc.id
    form = {"bank_name": "Bank Jateng", "account_number": "2-031-00998-7",
            "holder_name": "Koperasi Sukamaju"}  # fmt: skip
    resp = client.post(f"/pembukuan/bank/{new_id}/ubah", data=form)
    assert resp.status_code == 302
    with app.app_context():
        acc = db.session.get(BankAccount, new_id)
        assert acc.holder_name == "Koperasi Sukamaju" and acc.active is False  # box unticked
        assert db.session.scalar(select(Account.name).where(Account.id == acc.ledger_account_id)) \
            == "Bank Bank Jateng 9987"  # fmt: skip
