"""The treasurer's pages: manual journal (and what bad input gets), reversal, periods, chart,
trial balance and ledger with their PDF and Excel."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from outlet_pos.core.ledger.models import Account, JournalEntry, JournalLine
from outlet_pos.extensions import db


@pytest.fixture
def treasurer(app, web_coop, web_user, login):
    web_user("bendahara", "bendahara")
    client = app.test_client()
    login(client, "bendahara")
    return client


def today(app, coop_id) -> date:
    from outlet_pos.core.tenancy import Cooperative

    with app.app_context():
        return db.session.get(Cooperative, coop_id).today()


def entry_form(day, lines, memo="Setoran modal", key="k1"):
    data = {"date": day.isoformat(), "memo": memo, "idempotency_key": key}
    for i, (acc, debit, credit) in enumerate(lines):
        data[f"lines-{i}-account"] = acc
        data[f"lines-{i}-debit"] = debit
        data[f"lines-{i}-credit"] = credit
    return data


def n_entries(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(JournalEntry.id)))


def test_a_treasurer_posts_a_manual_entry_and_sees_it(app, treasurer, web_coop):
    day = today(app, web_coop)
    resp = treasurer.post(
        "/pembukuan/jurnal/baru",
        data=entry_form(day, [("111100", "1.500.000", ""), ("312100", "", "1500000")]),
    )
    assert resp.status_code == 302
    page = treasurer.get(resp.headers["Location"]).get_data(as_text=True)
    assert "berhasil diposting" in page and "Rp1.500.000" in page
    listing = treasurer.get("/pembukuan/jurnal").get_data(as_text=True)
    assert "Setoran modal" in listing
    with app.app_context():
        from outlet_pos.core.audit import AuditEvent

        assert (
            db.session.scalar(
                select(AuditEvent.action).where(AuditEvent.action == "journal.manual")
            )
            == "journal.manual"
        )


def test_a_double_submit_posts_once(app, treasurer, web_coop):
    data = entry_form(today(app, web_coop), [("111100", "10.000", ""), ("312100", "", "10.000")])
    first = treasurer.post("/pembukuan/jurnal/baru", data=data)
    second = treasurer.post("/pembukuan/jurnal/baru", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert n_entries(app) == 1


@pytest.mark.parametrize(
    "debit, message",
    [
        ("12,5", "rupiah bulat"),
        ("-1", "negatif"),
        ("1e3", "rupiah bulat"),
        ("12345678901234567890", "terlalu"),
        ("seribu", "rupiah bulat"),
        ("1" * 40, "terlalu panjang"),
    ],
)
def test_bad_amounts_are_refused_beside_the_field(app, treasurer, web_coop, debit, message):
    day = today(app, web_coop)
    resp = treasurer.post(
        "/pembukuan/jurnal/baru", data=entry_form(day, [("111100", debit, ""), ("312100", "", "5")])
    )
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert message in page
    assert f'value="{debit}"' in page  # what the user typed is kept
    assert n_entries(app) == 0


@pytest.mark.parametrize(
    "lines, message",
    [
        ([("111100", "5.000", ""), ("312100", "", "4.000")], "tidak seimbang"),
        ([("111100", "5.000", "")], "paling sedikit dua baris"),
        ([("111100", "5.000", "5.000"), ("312100", "", "5.000")], "tidak keduanya"),
        ([("", "5.000", ""), ("312100", "", "5.000")], "Pilih akun"),
        ([("110000", "5.000", ""), ("312100", "", "5.000")], "akun induk"),
        ([("111100", "0", ""), ("312100", "", "0")], "bukan nol"),
    ],
)
def test_bad_lines_are_refused_and_nothing_is_written(app, treasurer, web_coop, lines, message):
    resp = treasurer.post("/pembukuan/jurnal/baru", data=entry_form(today(app, web_coop), lines))
    assert resp.status_code == 400
    assert message in resp.get_data(as_text=True)
    assert n_entries(app) == 0


@pytest.mark.parametrize("shift", [timedelta(days=1), -timedelta(days=800)])
def test_dates_outside_the_fiscal_year_are_refused(app, treasurer, web_coop, shift):
    day = today(app, web_coop) + shift
    resp = treasurer.post(
        "/pembukuan/jurnal/baru", data=entry_form(day, [("111100", "5", ""), ("312100", "", "5")])
    )
    assert resp.status_code == 400
    assert "tahun buku berjalan" in resp.get_data(as_text=True)
    assert n_entries(app) == 0


def test_text_in_the_date_and_an_oversized_memo_are_refused(app, treasurer, web_coop):
    data = entry_form(today(app, web_coop), [("111100", "5", ""), ("312100", "", "5")])
    data["date"] = "kemarin"
    data["memo"] = "x" * 501
    page = treasurer.post("/pembukuan/jurnal/baru", data=data).get_data(as_text=True)
    assert "Tanggal tidak valid" in page and "Maksimal 500 karakter" in page
    assert n_entries(app) == 0


def test_reversing_from_the_entry_page(app, treasurer, web_coop):
    day = today(app, web_coop)
    resp = treasurer.post(
        "/pembukuan/jurnal/baru",
        data=entry_form(day, [("111100", "7.000", ""), ("312100", "", "7.000")]),
    )
    entry_url = resp.headers["Location"]
    refused = treasurer.post(entry_url + "/balik", data={"date": day.isoformat(), "reason": ""})
    assert refused.status_code == 400 and "Alasan wajib diisi" in refused.get_data(as_text=True)
    done = treasurer.post(entry_url + "/balik", data={"date": day.isoformat(), "reason": "Salah"})
    assert done.status_code == 302
    again = treasurer.post(entry_url + "/balik", data={"date": day.isoformat(), "reason": "Lagi"})
    assert again.status_code == 400 and "sudah pernah dibalik" in again.get_data(as_text=True)
    with app.app_context():
        total = db.session.execute(
            select(func.sum(JournalLine.debit), func.sum(JournalLine.credit))
            .join(Account)
            .where(Account.code == "111100")
        ).one()
        assert total == (7_000, 7_000)


def test_closing_and_reopening_a_month_from_the_periods_page(app, web_coop, web_user, login):
    web_user("bendahara", "bendahara")
    web_user("pengurus", "pengurus")
    treasurer, manager = app.test_client(), app.test_client()
    login(treasurer, "bendahara")
    login(manager, "pengurus")
    last_month = today(app, web_coop).replace(day=1) - timedelta(days=1)
    form = {"year": last_month.year, "month": last_month.month}
    page = treasurer.post("/pembukuan/periode/tutup", data=form, follow_redirects=True)
    assert "ditutup" in page.get_data(as_text=True)
    resp = treasurer.post(
        "/pembukuan/jurnal/baru",
        data=entry_form(last_month, [("111100", "5", ""), ("312100", "", "5")]),
    )
    assert resp.status_code == 400 and "sudah ditutup" in resp.get_data(as_text=True)
    # Only a manager reopens, and only with a reason.
    assert treasurer.post("/pembukuan/periode/buka", data=form).status_code == 403
    page = manager.post(
        "/pembukuan/periode/buka", data={**form, "reason": ""}, follow_redirects=True
    ).get_data(as_text=True)
    assert "alasan" in page
    page = manager.post(
        "/pembukuan/periode/buka", data={**form, "reason": "Koreksi stok"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "dibuka kembali" in page


def test_adding_a_child_account_and_deactivating_it(app, treasurer, web_coop):
    with app.app_context():
        parent = db.session.scalar(
            select(Account).where(Account.cooperative_id == web_coop, Account.code == "612100")
        )
        parent_id = parent.id
    resp = treasurer.post(
        "/pembukuan/akun/baru",
        data={"parent": parent_id, "code": "612110", "name": "Listrik gerai"},
    )
    assert resp.status_code == 302
    bad = treasurer.post(
        "/pembukuan/akun/baru",
        data={"parent": parent_id, "code": "712110", "name": "Salah kelompok"},
    )
    assert bad.status_code == 400 and "diawali 6" in bad.get_data(as_text=True)
    dup = treasurer.post(
        "/pembukuan/akun/baru", data={"parent": parent_id, "code": "612110", "name": "Lagi"}
    )
    assert "sudah dipakai" in dup.get_data(as_text=True)
    with app.app_context():
        child = db.session.scalar(select(Account).where(Account.code == "612110"))
        assert db.session.get(Account, parent_id).is_header
        child_id = child.id
    treasurer.post(f"/pembukuan/akun/{child_id}/status", data={"active": "0"})
    with app.app_context():
        assert not db.session.get(Account, child_id).active


def test_trial_balance_page_pdf_and_excel_agree(app, treasurer, web_coop):
    import openpyxl

    day = today(app, web_coop)
    treasurer.post(
        "/pembukuan/jurnal/baru",
        data=entry_form(day, [("111100", "2.000.000", ""), ("312100", "", "2.000.000")]),
    )
    page = treasurer.get("/pembukuan/neraca-saldo").get_data(as_text=True)
    assert "Rp2.000.000" in page and "tidak seimbang" not in page
    pdf = treasurer.get("/pembukuan/neraca-saldo?format=pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    xlsx = treasurer.get("/pembukuan/neraca-saldo?format=xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    values = [c for row in ws.iter_rows(values_only=True) for c in row]
    assert "111100" in values and 2_000_000 in values


def test_ledger_shows_a_running_balance(app, treasurer, web_coop):
    day = today(app, web_coop)
    for i, amount in enumerate(["1.000", "2.500"]):
        treasurer.post(
            "/pembukuan/jurnal/baru",
            data=entry_form(day, [("111100", amount, ""), ("312100", "", amount)], key=f"k{i}"),
        )
    with app.app_context():
        acc_id = db.session.scalar(
            select(Account.id).where(Account.cooperative_id == web_coop, Account.code == "111100")
        )
    page = treasurer.get(f"/pembukuan/buku-besar/{acc_id}").get_data(as_text=True)
    assert page.index("Rp1.000") < page.index("Rp3.500")
    assert treasurer.get(f"/pembukuan/buku-besar/{acc_id}?format=pdf").data.startswith(b"%PDF")
    assert treasurer.get(f"/pembukuan/buku-besar/{acc_id}?format=xlsx").status_code == 200


def test_journal_list_filters_by_account_and_text(app, treasurer, web_coop):
    day = today(app, web_coop)
    treasurer.post(
        "/pembukuan/jurnal/baru",
        data=entry_form(
            day, [("111100", "1", ""), ("312100", "", "1")], memo="Hibah desa", key="a"
        ),
    )
    treasurer.post(
        "/pembukuan/jurnal/baru",
        data=entry_form(
            day, [("112100", "1", ""), ("312100", "", "1")], memo="Transfer bank", key="b"
        ),
    )
    page = treasurer.get("/pembukuan/jurnal?account=1121").get_data(as_text=True)
    assert "Transfer bank" in page and "Hibah desa" not in page
    page = treasurer.get("/pembukuan/jurnal?q=hibah").get_data(as_text=True)
    assert "Hibah desa" in page and "Transfer bank" not in page
