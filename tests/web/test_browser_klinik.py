"""A patient's way through the village clinic and pharmacy in a real browser (Debian's
chromium through Playwright, the test app served by waitress as in test_browser.py).

Clinic staff register a new patient, put her in today's queue, write the visit record with an
ICD-10 diagnosis and a service, and send a prescription with an obat keras to the pharmacy.
The apoteker opens a cash shift and tries to serve it before starting duty (refused, nothing
sold), starts duty, serves it for cash and gets the receipt; the stock left first-expiry-first-
out. The cooperative behind it is the demo's clinic (outlet_pos/demo_klinik.py) over a few
days, so the pages show a lived-in catalog and queue.

Screenshots of each step land in ``test-artifacts/klinik-*.png``, the receipt as PDF and PNG.
"""

from __future__ import annotations

import os
import re
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import select

from outlet_pos.core.db import run_transaction
from outlet_pos.core.onboarding import save_unit
from outlet_pos.core.tenancy import Cooperative, Outlet
from outlet_pos.extensions import db
from tests.conftest import TEST_PASSWORD, make_coop, make_user, skip_or_fail
from tests.web.test_browser import (  # noqa: F401 - fixtures shared with the other browser tests
    ARTIFACTS,
    TIMEOUT_MS,
    ConsoleWatch,
    browser,
    live_server,
)

pytestmark = pytest.mark.browser

PDFTOPPM = "/usr/bin/pdftoppm"
DESKTOP = {"width": 1366, "height": 900}
PATIENT = "Sulastri Wulandari"


@pytest.fixture
def clinic(app) -> int:
    """The demo's clinic and pharmacy over the last four days; returns the cooperative id."""
    from outlet_pos.demo_klinik import build_klinik

    with app.app_context():
        coop = make_coop("Koperasi Desa Merah Putih Sukamaju")

        def units():
            outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))
            save_unit(coop, "klinik", "Klinik Desa", "klinik", outlet.id)
            save_unit(coop, "apotek", "Apotek Desa", "apotek", outlet.id)

        run_transaction(units)
        for username, role in [("klinik", "petugas_klinik"), ("apoteker", "apoteker"),
                               ("kasir", "kasir"), ("pengurus", "pengurus"),
                               ("bendahara", "bendahara")]:  # fmt: skip
            make_user(username, role, coop)
        coop = db.session.get(Cooperative, coop.id)
        last = coop.today() - timedelta(days=1)
        run_transaction(build_klinik, coop, last - timedelta(days=3), last)
        return coop.id


def _session(browser, live_server, username: str):  # noqa: F811
    from playwright.sync_api import expect

    context = browser.new_context(base_url=live_server, viewport=DESKTOP, locale="id-ID")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    console = ConsoleWatch(page)
    page.goto("/masuk")
    page.fill("#username", username)
    page.fill("#password", TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(re.compile(r"/$"))
    return context, page, console


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"klinik-{name}.png"), full_page=True)


def flashed(page, text: str) -> None:
    """The page shows a success message containing ``text``."""
    from playwright.sync_api import expect

    expect(page.locator("[role=status].flash-success", has_text=text)).to_be_visible()


def pick(select, text: str) -> None:
    """Choose the option whose label contains ``text``."""
    select.select_option(select.locator("option", has_text=text).first.get_attribute("value"))


def test_visit_prescription_pharmacy_queue_dispense_receipt(app, browser, live_server, clinic):  # noqa: F811
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # --- the clinic: register, queue, record, service, prescription, finish -------------
    context, page, console = _session(browser, live_server, "klinik")
    page.goto("/klinik/pasien/baru")
    page.fill("#name", PATIENT)
    page.select_option("#sex", "P")
    page.fill("#birth_date", "12/03/1986")
    page.fill("#address", "RT 04 Desa Sukamaju")
    page.fill("#allergies", "Alergi sulfa")
    page.get_by_role("button", name="Simpan").click()
    flashed(page, f"Pasien {PATIENT} terdaftar")
    shot(page, "01-pasien")
    page.get_by_role("button", name="Daftarkan ke antrean hari ini").click()
    flashed(page, "masuk antrean nomor A-001")
    row = page.locator("table.data tbody tr", has_text=PATIENT)
    shot(page, "02-antrean")
    row.get_by_role("link", name="Periksa").click()

    page.fill("#complaint", "Batuk berdahak dan demam sejak tiga hari")
    for field, value in [("systolic", "118"), ("diastolic", "76"), ("pulse", "88"),
                         ("temperature", "38,2"), ("weight", "54"), ("height", "156"),
                         ("spo2", "97")]:  # fmt: skip
        page.fill(f"#{field}", value)
    page.fill("#examination", "Faring hiperemis, ronki (-)")
    page.fill("#icd10_code", "J06.9")
    page.get_by_role("button", name="Simpan rekam medis").click()
    flashed(page, "Rekam medis disimpan")
    pick(page.locator("#layanan select[name=tariff]"), "Pemeriksaan umum")
    page.locator("#layanan").get_by_role("button", name="Tambah").click()
    expect(page.locator("#layanan tfoot")).to_contain_text("Rp25.000")
    rx = page.locator("#resep")
    pick(rx.locator("select[name=rx_item_0]"), "Amoxicillin 500 mg kapsul")
    rx.locator("input[name=rx_qty_0]").fill("15")
    rx.locator("input[name=rx_dosage_0]").fill("3 x 1 kapsul, dihabiskan")
    pick(rx.locator("select[name=rx_item_1]"), "Paracetamol 500 mg tablet")
    rx.locator("input[name=rx_qty_1]").fill("10")
    rx.locator("input[name=rx_dosage_1]").fill("3 x 1 tablet bila demam")
    pick(rx.locator("select[name=prescriber]"), "dr. Rahmat Hidayat")
    rx.get_by_role("button", name="Kirim resep ke apotek").click()
    flashed(page, "Resep dikirim ke antrean apotek")
    page.get_by_role("button", name="Selesai diperiksa").click()
    flashed(page, "selesai")
    shot(page, "03-rekam-medis")
    errors = list(console.errors)  # asserted at the end, after every screenshot is taken
    context.close()

    # --- the pharmacy: shift, a refusal without duty, duty, dispense, receipt -----------
    context, page, console = _session(browser, live_server, "apoteker")
    page.goto("/kasir/")
    page.fill("#float_amount", "200.000")
    page.get_by_role("button", name="Buka shift").click()
    flashed(page, "Shift dibuka")
    page.goto("/apotek/resep")
    card = page.locator("section[data-rx]", has_text=PATIENT)
    expect(card).to_contain_text("Obat keras")
    expect(card).to_contain_text("Alergi sulfa")
    shot(page, "04-antrean-apotek")
    card.get_by_role("link", name="Layani").click()
    page.get_by_role("button", name="Serahkan & bayar").click()
    refusal = page.locator("[role=alert]", has_text="saat apoteker sedang bertugas")
    expect(refusal).to_contain_text("Amoxicillin 500 mg kapsul termasuk obat keras")
    shot(page, "05-ditolak-tanpa-apoteker")

    page.goto("/apotek/resep")
    page.get_by_role("button", name="Mulai bertugas").click()
    flashed(page, "sedang bertugas")
    page.locator("section[data-rx]", has_text=PATIENT).get_by_role("link", name="Layani").click()
    expect(page.locator("[data-total]")).to_have_text("Rp15.000")  # 15 x 800 + 10 x 300
    page.fill("#tendered", "20.000")
    shot(page, "06-layani")
    page.get_by_role("button", name="Serahkan & bayar").click()
    flashed(page, "Obat diserahkan")
    receipt = page.locator("[data-receipt]")
    expect(receipt).to_contain_text("Rp15.000")
    expect(receipt).to_contain_text("Rp5.000")  # the change
    shot(page, "07-struk")
    pdf = context.request.get(
        receipt.get_by_role("link", name="Cetak struk 58 mm").get_attribute("href")
    )
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    path = ARTIFACTS / "klinik-struk-58.pdf"
    path.write_bytes(pdf.body())
    # The refused dispense answered 400 on purpose; chromium logs that as a console error.
    errors += [e for e in console.errors if not ("status of 400" in e and "/layani" in e)]
    context.close()
    if not os.path.exists(PDFTOPPM):
        skip_or_fail(f"{PDFTOPPM} not found (apt-get install poppler-utils)")
    subprocess.run([PDFTOPPM, "-png", "-r", "110", "-singlefile", str(path),
                    str(ARTIFACTS / "klinik-struk-58")], check=True)  # fmt: skip

    # --- what was written: the prescription served, its drugs from the FEFO batches -----
    with app.app_context():
        from outlet_pos.units.apotek import dispense
        from outlet_pos.units.apotek.prescription_models import Prescription
        from tests.demo_klinik_checks import check_fefo

        rx_row = db.session.scalar(select(Prescription).where(Prescription.patient_name == PATIENT))
        assert rx_row.status == "selesai"
        assert [line.dispensed_qty for line in rx_row.lines] == [15, 10]
        assert len(dispense.sales_of(rx_row)) == 1  # the refused try wrote no sale
        check_fefo(db.session.get(Cooperative, clinic))
    assert errors == [], errors
