"""The statements pages (neraca, PHU in total and per unit, arus kas, perubahan ekuitas, catatan)
and the RAT pack: who may read them, drill-down to the general ledger, warnings when a
statement does not tie, the PDF and Excel downloads, and the pack for a closed year."""

from __future__ import annotations

import io
import re
import time
from datetime import date
from html import unescape
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from outlet_pos.core.closing.year_end import close_year
from outlet_pos.core.db import run_transaction
from outlet_pos.core.documents.rat_pack import render_rat_pack
from outlet_pos.core.documents.report import ReportFrame
from outlet_pos.core.ledger import post
from outlet_pos.core.ledger.models import Account
from outlet_pos.core.shu.compute import MemberBase, Simulation
from outlet_pos.core.statements.financial import balance_sheet, income_statement
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_statement
from outlet_pos.workspaces.bendahara import views_statements
from outlet_pos.workspaces.bendahara.statements_notes import rat_pack_data
from tests.conftest import make_user
from tests.core.book_world import YEAR, build_book, pay_wajib, sell, spend

URL = "/pembukuan/laporan-keuangan"
PAGE = re.compile(rb"/Type\s*/Page[^s]")


def pages(pdf: bytes) -> int:
    return len(PAGE.findall(pdf))


@pytest.fixture
def world(app):
    """A cooperative with a year of books (2025), closed, and one user per role."""
    with app.app_context():
        book = build_book("Koperasi Laporan Keuangan")
        ani, budi, _citra = book.members
        pay_wajib(book, ani, 20_000, date(YEAR, 2, 1))
        pay_wajib(book, budi, 40_000, date(YEAR, 3, 1))
        sell(book, 4, date(YEAR, 2, 10), member=ani)
        sell(book, 3, date(YEAR, 3, 11))
        sell(book, 2, date(YEAR, 4, 12), member=budi)
        spend(book, "612100", 175_000, date(YEAR, 4, 30), book.sembako)
        spend(book, "611100", 1_000_000, date(YEAR, 5, 31))
        run_transaction(
            post,
            book.coop,
            date(YEAR, 6, 2),
            "Penjualan hasil bumi non-anggota",
            [("111100", 2_500_000, 0, book.sembako), ("411200", 0, 2_500_000, book.sembako)],
            source="manual",
        )
        result = run_transaction(close_year, book.coop, YEAR, book.user)
        coop = book.coop
        for role in ("pengawas", "pendamping", "kasir"):
            make_user(f"{role}lap", role, coop)
        accounts = {
            a.code: a.id
            for a in db.session.scalars(select(Account).where(Account.cooperative_id == coop.id))
        }
        return SimpleNamespace(
            coop_id=coop.id,
            treasurer=book.user.username,
            accounts=accounts,
            sembako=book.sembako,
            shu=result.shu,
        )


def client_for(app, login, username):
    client = app.test_client()
    login(client, username)
    return client


def year_args(**extra) -> dict:
    return {"jenis": "tahun", "tahun": YEAR, **extra}


def test_every_tab_answers_for_the_treasurer_and_the_supervisor_and_mentor_read_them_too(
    app, world, login
):
    treasurer = client_for(app, login, world.treasurer)
    for tab in ("neraca", "phu", "arus_kas", "ekuitas", "catatan"):
        resp = treasurer.get(URL, query_string=year_args(tab=tab))
        assert resp.status_code == 200, tab
        assert "Peringatan" not in resp.get_data(as_text=True), tab
    per_unit = treasurer.get(URL, query_string=year_args(tab="phu", per_unit="1"))
    assert "Sembako" in per_unit.get_data(as_text=True)
    assert treasurer.get("/pembukuan/paket-rat").status_code == 200
    for role in ("pengawas", "pendamping"):
        reader = client_for(app, login, f"{role}lap")
        assert reader.get(URL, query_string=year_args(tab="phu")).status_code == 200
        assert reader.get("/pembukuan/paket-rat", query_string={"year": YEAR}).status_code == 200


def test_the_cashier_may_not_read_the_statements_or_the_rat_pack(app, world, login):
    cashier = client_for(app, login, "kasirlap")
    assert cashier.get(URL).status_code == 403
    assert cashier.get(URL, query_string={"fmt": "pdf", "statement": "semua"}).status_code == 403
    assert cashier.get("/pembukuan/paket-rat", query_string={"fmt": "pdf"}).status_code == 403


def test_the_balance_sheet_shows_the_services_figures_and_each_links_to_its_ledger(
    app, world, login
):
    treasurer = client_for(app, login, world.treasurer)
    html = unescape(treasurer.get(URL, query_string=year_args(tab="neraca")).get_data(as_text=True))
    with app.app_context():
        coop = db.session.get(Cooperative, world.coop_id)
        sheet = balance_sheet(coop, date(YEAR, 12, 31))
    assert sheet.checks == {"seimbang": True}
    cash = next(ln for s in sheet.sections for ln in s.lines if ln.code == "111100")
    kas_id = world.accounts["111100"]
    link = f"/pembukuan/buku-besar/{kas_id}?date_from={YEAR}-01-01&date_to={YEAR}-12-31"
    assert f'<a href="{link}">{format_statement(cash.amount)}</a>' in html
    # The prior column drills into the same account a year earlier.
    prior = f"date_from={YEAR - 1}-01-01&date_to={YEAR - 1}-12-31"
    assert f"/pembukuan/buku-besar/{kas_id}?{prior}" in html
    assert format_statement(sheet.grand[0].amount) in html  # JUMLAH ASET
    # Following the link: the ledger ends at the balance-sheet figure.
    ledger = unescape(treasurer.get(link).get_data(as_text=True))
    assert format_statement(cash.amount) in ledger


def test_the_per_unit_income_statement_links_each_unit_cell_to_that_units_ledger(app, world, login):
    treasurer = client_for(app, login, world.treasurer)
    html = unescape(
        treasurer.get(URL, query_string=year_args(tab="phu", per_unit="1")).get_data(as_text=True)
    )
    with app.app_context():
        coop = db.session.get(Cooperative, world.coop_id)
        phu = income_statement(coop, date(YEAR, 1, 1), date(YEAR, 12, 31))
    sales = next(ln for s in phu.sections for ln in s.lines if ln.code == "411200")
    revenue_id = world.accounts["411200"]
    link = (
        f"/pembukuan/buku-besar/{revenue_id}?date_from={YEAR}-01-01&date_to={YEAR}-12-31"
        f"&unit={world.sembako}"
    )
    assert f'<a href="{link}">{format_statement(sales.by_unit[world.sembako])}</a>' in html
    # The closed year still shows its result, equal to the SHU the close moved to equity.
    assert phu.grand[-1].amount == world.shu
    assert format_statement(world.shu) in html


def test_a_statement_that_does_not_tie_shows_a_warning(app, world, login, monkeypatch):
    real = views_statements.balance_sheet

    def broken(coop, as_of, prior_as_of=None):
        st = real(coop, as_of, prior_as_of)
        st.checks["seimbang"] = False
        return st

    monkeypatch.setattr(views_statements, "balance_sheet", broken)
    treasurer = client_for(app, login, world.treasurer)
    html = treasurer.get(URL, query_string=year_args(tab="neraca")).get_data(as_text=True)
    assert 'class="statement-warning" role="alert"' in html
    assert "seimbang" in html


def test_the_period_chooser_reads_a_month_a_range_and_refuses_a_bad_year(app, world, login):
    treasurer = client_for(app, login, world.treasurer)
    month = treasurer.get(URL, query_string={"tab": "phu", "jenis": "bulan", "bulan": "2025-03"})
    text = unescape(month.get_data(as_text=True))
    assert "Maret 2025" in text and "1–31 Mar 2025" in text
    ranged = treasurer.get(
        URL,
        query_string={"tab": "arus_kas", "jenis": "rentang", "date_from": "2025-07-01",
                      "date_to": "2025-02-01"},
    )  # fmt: skip
    assert "1 Feb 2025 – 1 Jul 2025" in unescape(ranged.get_data(as_text=True))
    bad = treasurer.get(URL, query_string={"jenis": "tahun", "tahun": "1999"})
    assert bad.status_code == 200
    assert "Tahun 2000–2100." in bad.get_data(as_text=True)


def test_the_pdfs_carry_one_page_per_statement_for_a_small_book_and_the_notes(app, world, login):
    treasurer = client_for(app, login, world.treasurer)
    single = treasurer.get(URL, query_string=year_args(fmt="pdf", statement="neraca"))
    assert single.status_code == 200
    assert single.mimetype == "application/pdf"
    assert single.data.startswith(b"%PDF")
    assert pages(single.data) == 1
    unit = treasurer.get(URL, query_string=year_args(fmt="pdf", statement="phu_unit"))
    assert pages(unit.data) == 1
    assert b"/MediaBox [ 0 0 841.8898 595.2756 ]" in unit.data  # landscape A4
    notes = treasurer.get(URL, query_string=year_args(fmt="pdf", statement="catatan"))
    assert pages(notes.data) >= 2
    everything = treasurer.get(URL, query_string=year_args(fmt="pdf", statement="semua"))
    assert everything.data.startswith(b"%PDF")
    # neraca, PHU, PHU per unit, arus kas, perubahan ekuitas: a page each; then the notes.
    assert pages(everything.data) == 5 + pages(notes.data)


def test_the_workbook_has_a_sheet_per_statement_and_the_neraca_totals_are_the_services(
    app, world, login
):
    treasurer = client_for(app, login, world.treasurer)
    resp = treasurer.get(URL, query_string=year_args(fmt="xlsx", statement="semua"))
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.data))
    assert wb.sheetnames == [
        "Neraca",
        "PHU",
        "PHU per unit",
        "Arus kas",
        "Perubahan ekuitas",
        "Catatan",
    ]
    ws = wb["Neraca"]
    rows = {r[0]: r for r in ws.iter_rows(values_only=True) if r and isinstance(r[0], str)}
    with app.app_context():
        coop = db.session.get(Cooperative, world.coop_id)
        sheet = balance_sheet(coop, date(YEAR, 12, 31))
    for line in sheet.grand:
        row = rows[line.label]
        assert row[-2] == line.amount and row[-1] == line.prior
        assert isinstance(row[-2], int)
    cell = next(c for c in ws["D"] if c.value == sheet.grand[0].amount)
    assert cell.number_format == "#,##0;(#,##0)"


def test_the_rat_pack_builds_for_a_closed_year_with_every_members_shu(app, world, login):
    treasurer = client_for(app, login, world.treasurer)
    page = treasurer.get("/pembukuan/paket-rat", query_string={"year": YEAR})
    assert "Tahun buku sudah ditutup" in page.get_data(as_text=True)
    resp = treasurer.get("/pembukuan/paket-rat", query_string={"year": YEAR, "fmt": "pdf"})
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF")
    with app.app_context():
        coop = db.session.get(Cooperative, world.coop_id)
        data = rat_pack_data(coop, YEAR)
    assert data.simulation is not None and data.simulation.shu == world.shu
    assert sum(m.total for m in data.simulation.members) == sum(
        data.simulation.pools[k] for k in ("jasa_modal", "jasa_usaha")
    )
    assert data.figures.members == 3 and data.figures.shu == world.shu
    # cover, key figures, five statement pages, notes (2+), SHU table
    assert pages(resp.data) >= 10
    # A year that is not closed still prints, saying so on the SHU page.
    open_year = treasurer.get("/pembukuan/paket-rat", query_string={"year": YEAR + 1})
    assert "belum ditutup" in open_year.get_data(as_text=True)
    pdf = treasurer.get("/pembukuan/paket-rat", query_string={"year": YEAR + 1, "fmt": "pdf"})
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_the_shu_table_of_two_thousand_members_renders_in_a_few_seconds(app, world):
    with app.app_context():
        coop = db.session.get(Cooperative, world.coop_id)
        data = rat_pack_data(coop, YEAR)
    members = [
        MemberBase(i, f"A-{i:05d}", f"Anggota Nomor {i}", 100_000 + i * 20_000, 2_000_000 + i,
                   jasa_modal=1_000 + i, jasa_usaha=2_000 + i)
        for i in range(1, 2001)
    ]  # fmt: skip
    data.simulation = Simulation(YEAR, 50_000_000, data.simulation.allocation,
                                 data.simulation.pools, members, {})  # fmt: skip
    frame = ReportFrame("Koperasi Besar", "Desa Sukamaju", "Paket RAT", "2025", "Bendahara", "x")
    started = time.perf_counter()
    pdf = render_rat_pack(frame, data)
    elapsed = time.perf_counter() - started
    assert pdf.startswith(b"%PDF")
    assert elapsed < 8, f"{elapsed:.1f}s"
    # About 45 members a page: the table alone takes some 45 pages.
    assert pages(pdf) > 50
