"""The trend charts page (/pendamping/grafik) and its PDF: who may open them, what they show
of the current cooperative, a chosen end month, bad input, and the PDF's chart titles."""

from __future__ import annotations

import os
import re
import subprocess
import xml.etree.ElementTree as ET

import pytest

from outlet_pos.core.db import run_transaction
from outlet_pos.core.ledger import post
from outlet_pos.core.onboarding import save_unit
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from tests.conftest import skip_or_fail

URL = "/pendamping/grafik"
PDFTOTEXT = "/usr/bin/pdftotext"
TITLES = (
    "Penjualan per unit usaha",
    "Margin kotor per unit usaha",
    "Kas dan bank akhir bulan",
    "Anggota aktif",
    "Kualitas pinjaman anggota",
)


def pdf_text(data: bytes) -> str:
    if not os.path.exists(PDFTOTEXT):
        skip_or_fail(f"{PDFTOTEXT} not found (apt-get install poppler-utils)")
    out = subprocess.run([PDFTOTEXT, "-layout", "-", "-"], input=data, capture_output=True,
                         check=True)  # fmt: skip
    return out.stdout.decode()


@pytest.fixture
def sold(app, web_coop):
    """A sale this month in a unit with a hostile name, and one in June 2025."""
    with app.app_context():
        coop = db.session.get(Cooperative, web_coop)
        odd = run_transaction(save_unit, coop, "ikan", "<b>&", "lokal", None)
        for day, amount in ((coop.today(), 125_000), (coop.today().replace(2025, 6, 10), 90_000)):
            run_transaction(
                post, coop, day, "Penjualan ikan",
                [("111100", amount, 0), ("411100", 0, amount, odd.id)], source="manual",
            )  # fmt: skip
        return coop.today()


def page_for(client, login, web_user, role: str, query: dict | None = None):
    web_user(f"tren{role}", role)
    login(client, f"tren{role}")
    return client.get(URL, query_string=query or {})


@pytest.mark.parametrize("role", ["pengurus", "pendamping", "pengawas"])
def test_managers_board_and_mentor_see_the_five_charts(client, login, web_user, sold, role):
    resp = page_for(client, login, web_user, role)
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    for title in TITLES:
        assert title in html
    assert html.count("<svg") == 5
    assert "&lt;b&gt;&amp;" in html and "<b>&" not in html
    assert "Rp125.000" in html  # in the numbers table of the sales chart


def test_the_cashier_may_not_open_the_charts(client, login, web_user, sold):
    assert page_for(client, login, web_user, "kasir").status_code == 403
    assert client.get(f"{URL}/pdf").status_code == 403


def test_svgs_on_the_page_are_well_formed_and_carry_no_inline_style(client, login, web_user, sold):
    html = page_for(client, login, web_user, "pengurus").get_data(as_text=True)
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(svgs) == 5
    for svg in svgs:
        root = ET.fromstring(svg)
        assert root.get("role") == "img" and root.get("aria-labelledby")
        assert "style=" not in svg and "<script" not in svg


def test_an_end_month_shows_the_twelve_months_up_to_it(client, login, web_user, sold):
    html = page_for(client, login, web_user, "pendamping", {"akhir": "2025-06"}).get_data(
        as_text=True
    )
    assert "Jul 24 – Jun 25" in html
    assert "Rp90.000" in html and "Rp125.000" not in html


@pytest.mark.parametrize("bad", ["juni", "2025-13", "0000-01", "9999-12"])
def test_a_bad_or_future_end_month_falls_back_to_today(client, login, web_user, sold, bad):
    resp = page_for(client, login, web_user, "pengurus", {"akhir": bad})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "Rp125.000" in html
    if bad != "9999-12":
        assert "TTTT-BB" in html


def test_an_empty_cooperative_says_there_is_no_data(client, login, web_user):
    html = page_for(client, login, web_user, "pengurus").get_data(as_text=True)
    assert html.count("Belum ada data") == 5 * 2  # desc and the visible text of each chart


def test_the_pdf_carries_the_five_chart_titles(client, login, web_user, sold):
    page_for(client, login, web_user, "pendamping")
    resp = client.get(f"{URL}/pdf", query_string={"akhir": "2025-06"})
    assert resp.status_code == 200
    assert resp.mimetype == "application/pdf"
    assert "grafik-tren-2025-06.pdf" in resp.headers["Content-Disposition"]
    text = pdf_text(resp.data)
    for title in TITLES:
        assert title in text
    assert "Grafik Tren Koperasi" in text and "Jul 24" in text
