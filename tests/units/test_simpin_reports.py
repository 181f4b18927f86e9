"""Savings-and-loans reports and documents: known figures on the pages and in the PDF and
Excel downloads, who may see them, and another cooperative's ids as 404."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from outlet_pos.core.access import User
from outlet_pos.core.db import run_transaction
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.units.simpan_pinjam import (
    interest,
    loan_products,
    loans,
    repayment,
    reports,
    reports_loans,
    reports_savings,
    savings,
    wajib,
)
from outlet_pos.units.simpan_pinjam.documents import member_qr_payload
from outlet_pos.units.simpan_pinjam.members import register_member
from outlet_pos.units.simpan_pinjam.models import SavingsAccount
from outlet_pos.units.simpan_pinjam.schedule import build_schedule
from tests.conftest import make_coop, make_user, skip_or_fail
from tests.units.simpin_world import build_world, first_of_previous_month, member_data

PDFTOPPM = "/usr/bin/pdftoppm"
PDFTOTEXT = "/usr/bin/pdftotext"
ZBARIMG = "/usr/bin/zbarimg"
REPORT_URLS = {
    "portfolio": "/simpan-pinjam/laporan/portofolio",
    "arrears": "/simpan-pinjam/laporan/tunggakan",
    "savings": "/simpan-pinjam/laporan/saldo-simpanan",
    "interest": "/simpan-pinjam/laporan/bunga-pajak",
    "reconciliation": "/simpan-pinjam/laporan/rekonsiliasi",
}
LATE = 6_000_000  # 6 months, disbursed 250 days ago: all overdue, Macet
CURRENT = 12_000_000  # 12 months, disbursed today: Lancar


def _loan(w, principal, months, days_ago):
    product = next(p for p in loan_products.ensure_products(w.coop) if p.code == "PRODUKTIF")
    day = w.coop.today() - timedelta(days=days_ago)
    loan = run_transaction(
        loans.apply,
        w.coop,
        w.member,
        product,
        principal,
        months,
        w.pengurus_a,
        purpose="Modal warung",
        day=day,
    )
    run_transaction(loans.decide, w.coop, loan, True, w.pengurus_b)
    return run_transaction(loans.disburse, w.coop, loan, w.kasir, via="transfer", day=day)


@pytest.fixture
def world(app):
    """A cooperative with one member: pokok Rp100.000, wajib 2 months, sukarela Rp250.000,
    a Macet loan of Rp6 juta and a Lancar loan of Rp12 juta; a pengawas; and a second
    cooperative with records of its own."""
    with app.app_context():
        w = build_world(joined_days_ago=400)
        acc = run_transaction(savings.account_for, w.coop, w.member, "sukarela")
        run_transaction(savings.deposit, w.coop, acc, 250_000, w.kasir, via="transfer")
        run_transaction(wajib.pay_wajib, w.coop, [(w.member.id, 2)], w.kasir, shift=w.shift)
        late = _loan(w, LATE, 6, 250)
        current = _loan(w, CURRENT, 12, 0)
        make_user(f"pengawas{w.coop.id}", "pengawas", w.coop)
        other = build_world(name="Koperasi Tetangga")
        other_acc = run_transaction(savings.account_for, other.coop, other.member, "sukarela")
        other_loan = _loan(other, 1_000_000, 3, 0)
        return {
            "coop": w.coop.id,
            "kasir": w.kasir.username,
            "pengawas": f"pengawas{w.coop.id}",
            "member": w.member.id,
            "member_number": w.member.member_number,
            "sukarela": acc.id,
            "late": late.id,
            "late_number": late.number,
            "current": current.id,
            "other_member": other.member.id,
            "other_savings": other_acc.id,
            "other_loan": other_loan.id,
        }


def _sheet(data: bytes):
    ws = load_workbook(io.BytesIO(data)).active
    return [tuple(row) for row in ws.iter_rows(values_only=True)]


def _row(rows, first):
    return next(r for r in rows if r and r[0] == first)


def test_portfolio_groups_loans_by_collectibility_with_the_allowance(app, world):
    with app.app_context():
        coop = db.session.get(Cooperative, world["coop"])
        p = reports_loans.portfolio(coop, coop.today())
        by = {c.code: c for c in p.classes}
        assert (by["M"].count, by["M"].outstanding, by["M"].allowance) == (1, LATE, LATE)
        assert (by["L"].count, by["L"].outstanding, by["L"].allowance) == (1, CURRENT, 120_000)
        assert by["DPK"].count == by["KL"].count == by["D"].count == 0
        assert (p.count, p.outstanding, p.allowance) == (2, 18_000_000, 6_120_000)
        assert p.allowance_held == 0 and p.shortfall == 6_120_000
        assert by["M"].loans[0].dpd > 180


def test_reconciliation_ties_every_control_account(app, world):
    with app.app_context():
        coop = db.session.get(Cooperative, world["coop"])
        rows = {r.code: r for r in reports.reconciliation(coop, coop.today())}
        assert list(rows) == ["311100", "311200", "211200", "211300", "113300"]
        want = {
            "311100": 100_000,
            "311200": 40_000,
            "211200": 250_000,
            "211300": 0,
            "113300": 18_000_000,
        }
        assert {c: (r.ledger, r.subledger) for c, r in rows.items()} == {
            c: (v, v) for c, v in want.items()
        }
        assert all(r.ok for r in rows.values())
        assert rows["113300"].items == 2
        # Between the two loans: the subledger at a past date follows the ledger at that date.
        past = {r.code: r for r in reports.reconciliation(coop, coop.today() - timedelta(200))}
        assert past["113300"].ledger == past["113300"].subledger == LATE


def test_arrears_list_what_to_collect_per_desa(app, world):
    schedule = build_schedule(LATE, 18, 6, "anuitas")
    with app.app_context():
        coop = db.session.get(Cooperative, world["coop"])
        [row] = reports_loans.arrears(coop, coop.today())
        assert row.loan.number == world["late_number"]
        assert (row.desa, row.member.phone) == ("Sukamaju", "081234567890")
        assert row.installments == 6
        assert row.principal == LATE
        assert row.interest == sum(r.interest for r in schedule)
        assert row.penalty > 0
        assert row.total == row.penalty + row.interest + row.principal
        assert row.total == repayment.amount_due(row.loan, coop.today())["total"]


def test_report_pages_and_downloads_carry_the_figures(app, world, login):
    client = app.test_client()
    login(client, world["pengawas"])
    page = client.get(REPORT_URLS["portfolio"]).get_data(as_text=True)
    assert "Rp18.000.000" in page and "Rp6.120.000" in page and world["late_number"] in page
    pdf = client.get(REPORT_URLS["portfolio"] + "?fmt=pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.mimetype == "application/pdf"
    rows = _sheet(client.get(REPORT_URLS["portfolio"] + "?fmt=xlsx").data)
    assert _row(rows, "Macet (M)")[5:] == (1, LATE, "100%", LATE)
    assert _row(rows, "Lancar (L)")[5:] == (1, CURRENT, "1%", 120_000)
    assert _row(rows, "Jumlah")[-1] == 6_120_000

    rows = _sheet(client.get(REPORT_URLS["reconciliation"] + "?fmt=xlsx").data)
    assert _row(rows, "113300 Piutang pinjaman anggota")[1:] == (
        2,
        18_000_000,
        18_000_000,
        0,
        "cocok",
    )
    assert _row(rows, "211200 Simpanan sukarela")[2:5] == (250_000, 250_000, 0)
    page = client.get(REPORT_URLS["reconciliation"]).get_data(as_text=True)
    assert 'data-check="ok"' in page

    rows = _sheet(client.get(REPORT_URLS["savings"] + "?fmt=xlsx").data)
    assert _row(rows, world["member_number"])[3:] == (100_000, 40_000, 250_000, 0, 390_000)

    rows = _sheet(client.get(REPORT_URLS["arrears"] + "?fmt=xlsx").data)
    line = _row(rows, "Sukamaju")
    assert line[2:5] == ("081234567890", world["late_number"], 6)
    assert line[9] == LATE and line[10] == sum(line[7:10])
    assert client.get(REPORT_URLS["arrears"] + "?fmt=pdf").data.startswith(b"%PDF")
    index = client.get("/simpan-pinjam/laporan").get_data(as_text=True)
    assert all(url in index for url in REPORT_URLS.values())


def test_interest_and_tax_per_month(app, login):
    with app.app_context():
        # Its own cooperative: the deposit must be the account's first movement, dated the first
        # of last month. A fixed NIK leaves the shared NIK sequence of simpin_world untouched.
        coop = make_coop("Koperasi Bunga", simpanan_pokok_amount=100_000)
        kasir = make_user("kasir-bunga", "kasir", coop)
        make_user("pengawas-bunga", "pengawas", coop)
        first = first_of_previous_month(coop.today())
        member = run_transaction(
            register_member,
            coop,
            member_data(nik="3201014507900002"),
            kasir,
            via="transfer",
            day=first - timedelta(days=30),
        )
        acc = run_transaction(savings.account_for, coop, member, "sukarela")
        # Rp100 juta all last month at 3% on the lowest balance: Rp250.000, taxed 10%.
        run_transaction(savings.deposit, coop, acc, 100_000_000, kasir, via="transfer", day=first)
        run_transaction(interest.credit_interest, coop, first.year, first.month, kasir)
        months = reports_savings.interest_by_month(coop, first.year)
    row = months[first.month - 1]
    assert (row.interest, row.tax, row.net, row.members, row.taxed) == (
        250_000,
        25_000,
        225_000,
        1,
        1,
    )
    assert sum(m.interest for m in months) == 250_000
    client = app.test_client()
    login(client, "pengawas-bunga")
    rows = _sheet(client.get(f"{REPORT_URLS['interest']}?year={first.year}&fmt=xlsx").data)
    assert _row(rows, f"{reports.MONTHS_LONG[first.month - 1]} {first.year}")[1:] == (
        1,
        250_000,
        1,
        25_000,
        225_000,
    )
    assert _row(rows, "Jumlah")[2] == 250_000
    page = client.get(f"{REPORT_URLS['interest']}?year={first.year}").get_data(as_text=True)
    assert "Rp25.000" in page


def test_reports_are_for_pengawas_not_for_kasir(app, world, login):
    pengawas, kasir, anonymous = app.test_client(), app.test_client(), app.test_client()
    login(pengawas, world["pengawas"])
    login(kasir, world["kasir"])
    for url in [*REPORT_URLS.values(), "/simpan-pinjam/laporan"]:
        assert pengawas.get(url).status_code == 200, url
        assert kasir.get(url).status_code == 403, url
        assert kasir.get(url + "?fmt=xlsx").status_code == 403, url
        resp = anonymous.get(url)
        assert resp.status_code == 302 and "/masuk" in resp.headers["Location"]


def test_documents_are_pdfs_and_another_cooperatives_ids_are_not_found(app, world, login):
    client = app.test_client()
    login(client, world["kasir"])  # the counter prints cards and passbooks
    urls = {
        "card": f"/simpan-pinjam/anggota/{world['member']}/kartu.pdf",
        "book": f"/simpan-pinjam/simpanan/{world['sukarela']}/buku.pdf",
        "loan": f"/simpan-pinjam/pinjaman/{world['late']}/kartu.pdf",
    }
    for url in urls.values():
        resp = client.get(url)
        assert resp.status_code == 200, url
        assert resp.data.startswith(b"%PDF") and resp.mimetype == "application/pdf"
    for url in [
        f"/simpan-pinjam/anggota/{world['other_member']}/kartu.pdf",
        f"/simpan-pinjam/simpanan/{world['other_savings']}/buku.pdf",
        f"/simpan-pinjam/pinjaman/{world['other_loan']}/kartu.pdf",
        "/simpan-pinjam/pinjaman/999999/kartu.pdf",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.get(urls["book"] + "?dari=kemarin").status_code == 400


def _text(pdf: bytes) -> str:
    if not shutil.which(PDFTOTEXT):
        skip_or_fail(f"{PDFTOTEXT} not found (apt-get install poppler-utils)")
    return subprocess.run(
        [PDFTOTEXT, "-layout", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60
    ).stdout.decode()


def test_passbook_shows_opening_running_and_closing_balances(app, world, login):
    with app.app_context():
        coop = db.session.get(Cooperative, world["coop"])
        acc = db.session.get(SavingsAccount, world["sukarela"])
        kasir = db.session.scalar(select(User).where(User.username == world["kasir"]))
        run_transaction(savings.withdraw, coop, acc, 70_000, kasir, via="transfer")
        today = coop.today()
    client = app.test_client()
    login(client, world["pengawas"])
    book = f"/simpan-pinjam/simpanan/{world['sukarela']}/buku.pdf"
    text = _text(client.get(f"{book}?dari={today}&sampai={today}").data)
    assert "Saldo awal" in text and "Saldo akhir (2 transaksi)" in text
    assert "250.000" in text and "70.000" in text and "180.000" in text
    # A period after today's movements opens with the balance they left.
    later = today + timedelta(days=1)
    text = _text(client.get(f"{book}?dari={later}&sampai={later}").data)
    assert "Saldo akhir (0 transaksi)" in text
    assert text.count("180.000") >= 2  # opening and closing


def test_loan_card_lists_the_schedule_with_status(app, world, login):
    client = app.test_client()
    login(client, world["pengawas"])
    text = _text(client.get(f"/simpan-pinjam/pinjaman/{world['late']}/kartu.pdf").data)
    assert f"Kartu Pinjaman {world['late_number']}" in text
    assert text.count("Terlambat") == 6
    assert "Macet" in text and "Rp6.000.000" in text
    assert "Belum ada pembayaran" in text
    assert "Halaman 1 dari 1" in text


def test_member_card_qr_holds_the_cooperative_and_member_number(app, world, login, tmp_path):
    for tool in (PDFTOPPM, ZBARIMG):
        if not shutil.which(tool):
            skip_or_fail(f"{tool} not found (poppler-utils, zbar-tools)")
    client = app.test_client()
    login(client, world["kasir"])
    pdf = tmp_path / "kartu.pdf"
    pdf.write_bytes(client.get(f"/simpan-pinjam/anggota/{world['member']}/kartu.pdf").data)
    assert world["member_number"] in _text(pdf.read_bytes())
    subprocess.run(
        [PDFTOPPM, "-png", "-r", "300", "-singlefile", str(pdf), str(tmp_path / "kartu")],
        check=True,
        timeout=60,
    )
    decoded = subprocess.run(
        [ZBARIMG, "-q", "--raw", str(tmp_path / "kartu.png")],
        capture_output=True,
        check=True,
        timeout=60,
    )
    want = member_qr_payload(world["coop"], world["member_number"])
    assert decoded.stdout.decode().strip() == want
