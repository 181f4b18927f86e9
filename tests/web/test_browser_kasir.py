"""The cashier's day in a real browser (Debian's chromium through Playwright, the test app served
by waitress as in test_browser.py): open a shift, scan three barcodes, pay part cash part QRIS,
open the receipt, refund a line with a pengurus approving, close the shift with a count.

Screenshots and the receipt as PNG land in ``test-artifacts/``; with OUTLET_POS_UPDATE_DOCS=1
the selling screen at 1366x768 and 800x1280 goes to ``docs/screenshots/`` for the README, so
an ordinary test run never changes tracked files.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from outlet_pos.core.audit import AuditEvent
from outlet_pos.core.sales.models import Sale, SaleLine, Shift
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.core.verify import CHECKS
from outlet_pos.extensions import db
from tests.conftest import TEST_PASSWORD, make_user, skip_or_fail
from tests.shop import build_shop
from tests.web.test_browser import (  # noqa: F401 - fixtures shared with the other browser test
    ARTIFACTS,
    TIMEOUT_MS,
    ConsoleWatch,
    browser,
    live_server,
)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
DOCS = (
    ROOT / "docs" / "screenshots"
    if os.environ.get("OUTLET_POS_UPDATE_DOCS") == "1"
    else ARTIFACTS
)
PDFTOPPM = "/usr/bin/pdftoppm"
PDFTOTEXT = "/usr/bin/pdftotext"
DESKTOP = {"width": 1366, "height": 768}
TABLET = {"width": 800, "height": 1280}
BARCODES = ["8991001000011", "8991001000028", "8991001000035"]  # beras, minyak pcs, karton


@pytest.fixture
def counter(app):
    """A shop with stock, a cashier with no shift yet and a pengurus to approve refunds."""
    with app.app_context():
        shop = build_shop(name="Koperasi Desa Merah Putih Sukamaju")
        coop = db.session.get(Cooperative, shop.coop_id)
        make_user("kasir-web", "kasir", coop)
        make_user("pengurus-web", "pengurus", coop)
        return shop


def new_page(browser, live_server, viewport):  # noqa: F811
    context = browser.new_context(base_url=live_server, viewport=viewport, locale="id-ID")
    context.set_default_timeout(TIMEOUT_MS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return context, context.new_page()


def log_in(page, username: str) -> None:
    from playwright.sync_api import expect

    page.goto("/masuk")
    page.fill("#username", username)
    page.fill("#password", TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(re.compile(r"/$"))


def scan(page, code: str) -> None:
    """A scanner types the code and presses Enter into whatever has the focus."""
    page.keyboard.type(code)
    page.keyboard.press("Enter")


def test_a_cashiers_day_open_scan_pay_print_refund_close(app, browser, live_server, counter):  # noqa: F811
    from playwright.sync_api import expect

    context, page = new_page(browser, live_server, DESKTOP)
    console = ConsoleWatch(page)
    log_in(page, "kasir-web")
    page.goto("/kasir/")
    expect(page.get_by_role("heading", name="Buka shift kasir")).to_be_visible()
    page.fill("#float_amount", "200.000")
    page.get_by_role("button", name="Buka shift").click()
    expect(page.locator(".flash-success")).to_contain_text("Shift dibuka")

    # The barcode field has the focus without a click; every scan lands there.
    expect(page.locator("#scan")).to_be_focused()
    # A cashier may not change prices: no price buttons, and F7 says who may.
    page.keyboard.press("F7")
    expect(page.locator("#pos-error")).to_contain_text("hanya boleh oleh pengurus")
    for code in BARCODES:
        scan(page, code)
    rows = page.locator("#cart tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(2)).to_contain_text("karton")
    expect(page.locator("#pos-error")).to_be_hidden()
    expect(page.locator(".pos-price-btn, .pos-price-alt")).to_have_count(0)
    expect(page.locator("#t-total")).to_have_text("Rp292.000")  # 64.000 + 18.000 + 210.000
    expect(page.locator("#scan")).to_be_focused()
    page.screenshot(path=str(ARTIFACTS / "kasir-01-cart.png"))
    DOCS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS / "kasir.png"))

    # Pay: Rp100.000 by QRIS, the rest in cash with the "exact" button.
    page.keyboard.press("F9")
    expect(page.locator("#pay")).to_be_visible()
    page.fill("#pay-qris", "100.000")
    page.fill("#pay-qris-ref", "QR-20251021-01")
    page.get_by_role("button", name="Uang pas").click()
    expect(page.locator("#pay-cash")).to_have_value("192.000")
    expect(page.locator("#pay-due")).to_have_text("Rp0")
    page.screenshot(path=str(ARTIFACTS / "kasir-02-pay.png"))
    page.keyboard.press("Enter")
    expect(page.locator("#pay-done")).to_be_visible()
    expect(page.locator("#done-number")).to_have_text(re.compile(r"^GR01-\d{8}-0001$"))
    expect(page.locator("#done-change")).to_have_text("Rp0")
    number = page.locator("#done-number").inner_text()
    page.screenshot(path=str(ARTIFACTS / "kasir-03-done.png"))

    # The receipt opens as a PDF; render it for a human to look at.
    receipt = context.request.get(page.locator("#done-58").get_attribute("href"))
    assert receipt.ok and receipt.headers["content-type"] == "application/pdf"
    pdf = ARTIFACTS / "kasir-receipt-58.pdf"
    pdf.write_bytes(receipt.body())
    if not os.path.exists(PDFTOPPM):
        skip_or_fail(f"{PDFTOPPM} not found (apt-get install poppler-utils)")
    png = ARTIFACTS / "kasir-receipt-58"
    subprocess.run([PDFTOPPM, "-png", "-r", "110", "-singlefile", str(pdf), str(png)], check=True)
    assert (ARTIFACTS / "kasir-receipt-58.png").stat().st_size > 5_000

    # A new sale starts clean, the field focused again.
    page.get_by_role("button", name="Transaksi baru").click()
    expect(page.locator("#pay")).to_be_hidden()
    expect(page.locator("#cart tr")).to_have_count(0)
    expect(page.locator("#scan")).to_be_focused()

    # Refund one minyak with the pengurus typing their own password.
    page.goto("/kasir/struk")
    page.get_by_role("link", name=number).click()
    page.get_by_role("link", name="Retur barang").click()
    page.get_by_label("Minyak goreng 1 L").first.fill("1")
    page.fill("#reason", "Botol bocor")
    page.fill("#approver_username", "pengurus-web")
    page.fill("#approver_password", TEST_PASSWORD)
    page.get_by_role("button", name="Simpan retur").click()
    expect(page.locator(".flash-success")).to_contain_text("Rp18.000 dikembalikan")
    page.screenshot(path=str(ARTIFACTS / "kasir-04-refund.png"), full_page=True)

    # Close: expected 200.000 + 192.000 - 18.000 = 374.000, counted exactly.
    page.goto("/kasir/shift")
    expect(page.locator("[data-expected]").first).to_have_text("Rp374.000")
    for field, n in {"d100000": "3", "d50000": "1", "d20000": "1", "d2000": "2"}.items():
        page.fill(f"#{field}", n)
    expect(page.locator("[data-count-total]")).to_have_text("Rp374.000")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Tutup shift").click()
    expect(page.locator(".flash-success")).to_contain_text("Kas pas")
    expect(page.get_by_role("heading", name=re.compile("Laporan Z"))).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "kasir-05-z-report.png"), full_page=True)
    context.close()

    with app.app_context():
        coop = db.session.get(Cooperative, counter.coop_id)
        shift = db.session.scalar(select(Shift).where(Shift.status == "closed"))
        assert (shift.expected_cash, shift.counted_cash, shift.over_short) == (374_000, 374_000, 0)
        sale = db.session.scalar(select(Sale).where(Sale.number == number))
        assert sale.status == "partially_refunded"
        for label, check in CHECKS:
            assert list(check(coop)) == [], label
    assert console.errors == []


def test_the_selling_screen_fits_a_tablet_in_portrait(app, browser, live_server, counter):  # noqa: F811
    from playwright.sync_api import expect

    context, page = new_page(browser, live_server, TABLET)
    console = ConsoleWatch(page)
    log_in(page, f"kasir{counter.coop_id}")  # build_shop's cashier already has a shift
    page.goto("/kasir/")
    for code in BARCODES:
        scan(page, code)
    page.keyboard.type("1,5*GLA")
    page.keyboard.press("Enter")
    expect(page.locator("#cart tr")).to_have_count(4)
    expect(page.locator("#t-total")).to_have_text("Rp319.000")  # + 1,5 kg gula at 18.000
    # Nothing wider than the screen, and the pay button visible without scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]
    wrap = page.locator(".pos-cart-wrap")
    assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth"), "the cart scrolls sideways"
    expect(page.locator("#pay-open")).to_be_in_viewport()
    page.screenshot(path=str(ARTIFACTS / "kasir-tablet.png"))
    page.screenshot(path=str(DOCS / "kasir-tablet.png"))
    context.close()
    assert console.errors == []


def test_a_pengurus_sets_a_price_with_f7_and_it_is_charged(app, browser, live_server, counter):  # noqa: F811
    from playwright.sync_api import expect

    context, page = new_page(browser, live_server, DESKTOP)
    console = ConsoleWatch(page)
    log_in(page, "pengurus-web")
    page.goto("/kasir/")
    page.fill("#float_amount", "100.000")
    page.get_by_role("button", name="Buka shift").click()
    expect(page.locator(".flash-success")).to_contain_text("Shift dibuka")
    expect(page.locator("#scan")).to_be_focused()
    scan(page, BARCODES[0])  # beras 64.000
    expect(page.locator("#cart tr")).to_have_count(1)
    scan(page, BARCODES[1])  # minyak 18.000
    expect(page.locator("#cart tr")).to_have_count(2)
    expect(page.locator("#t-total")).to_have_text("Rp82.000")
    rows = page.locator("#cart tr")
    expect(rows.nth(1)).to_have_class(re.compile("is-selected"))  # the line just scanned

    # F7 opens the chosen line's price; Esc leaves it as it was.
    page.keyboard.press("F7")
    expect(page.locator("#price-edit")).to_be_focused()
    expect(page.locator("#price-edit")).to_have_value("18.000")
    page.keyboard.press("Escape")
    expect(page.locator("#price-edit")).to_have_count(0)
    expect(page.locator("#scan")).to_be_focused()

    # Junk is refused in Indonesian and the field stays open for a correction.
    page.keyboard.press("F7")
    page.fill("#price-edit", "15 ribu")
    page.keyboard.press("Enter")
    expect(page.locator("#pos-error")).to_contain_text("harus rupiah bulat, mis. 12.500")
    expect(page.locator("#price-edit")).to_be_focused()
    page.fill("#price-edit", "15.000")
    page.screenshot(path=str(ARTIFACTS / "kasir-06-price-edit.png"))
    page.keyboard.press("Enter")
    expect(page.locator("#t-total")).to_have_text("Rp79.000")
    expect(rows.nth(1).locator(".pos-price-btn")).to_have_text("Rp15.000")
    expect(rows.nth(1)).to_contain_text("Harga diubah · daftar Rp18.000")
    expect(page.locator("#scan")).to_be_focused()

    # The arrow keys choose another line; a click on a price opens it too.
    page.keyboard.press("ArrowUp")
    expect(rows.nth(0)).to_have_class(re.compile("is-selected"))
    rows.nth(0).locator(".pos-price-btn").click()
    expect(page.locator("#price-edit")).to_have_value("64.000")
    page.keyboard.press("Escape")
    page.screenshot(path=str(ARTIFACTS / "kasir-07-price.png"))

    # The server refuses what does not add up, beside the line it names: a discount bigger
    # than the new price.
    rows.nth(1).locator("input.disc").fill("16.000")
    rows.nth(1).locator("input.disc").press("Enter")
    page.keyboard.press("F9")
    page.get_by_role("button", name="Uang pas").click()
    page.keyboard.press("Enter")
    expect(page.locator("#pay-error")).to_have_text("Baris 2: diskon melebihi harga.")
    page.screenshot(path="/tmp/kasir-price-refused.png")
    page.keyboard.press("Escape")
    # The cart is inert until the modal dialog has really closed; typing before that is lost.
    expect(page.locator("dialog#pay")).not_to_be_visible()
    expect(rows.nth(1)).to_have_class(re.compile("is-selected"))
    rows.nth(1).locator("input.disc").fill("")
    rows.nth(1).locator("input.disc").press("Enter")
    expect(page.locator("#t-total")).to_have_text("Rp79.000")
    page.screenshot(path="/tmp/kasir-price.png")

    page.keyboard.press("F9")
    page.get_by_role("button", name="Uang pas").click()
    expect(page.locator("#pay-cash")).to_have_value("79.000")
    page.keyboard.press("Enter")
    expect(page.locator("#pay-done")).to_be_visible()
    expect(page.locator("#done-total")).to_have_text("Rp79.000")
    number = page.locator("#done-number").inner_text()

    # The receipt prints the price that was charged.
    receipt = context.request.get(page.locator("#done-58").get_attribute("href"))
    assert receipt.ok
    pdf = ARTIFACTS / "kasir-receipt-price.pdf"
    pdf.write_bytes(receipt.body())
    if not os.path.exists(PDFTOTEXT):
        skip_or_fail(f"{PDFTOTEXT} not found (apt-get install poppler-utils)")
    text = subprocess.run(
        [PDFTOTEXT, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "15.000" in text and "79.000" in text and "18.000" not in text, text
    context.close()

    with app.app_context():
        sale = db.session.scalar(select(Sale).where(Sale.number == number))
        lines = db.session.scalars(
            select(SaleLine).where(SaleLine.sale_id == sale.id).order_by(SaleLine.line_no)
        ).all()
        assert [(ln.list_price, ln.unit_price, ln.total) for ln in lines] == [
            (64_000, 64_000, 64_000),
            (18_000, 15_000, 15_000),
        ]
        [event] = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "sale.price_override")
        ).all()
        assert event.detail["list"] == 18_000 and event.detail["price"] == 15_000
        coop = db.session.get(Cooperative, counter.coop_id)
        for label, check in CHECKS:
            assert list(check(coop)) == [], label
    # The browser logs the one refused checkout (HTTP 400) as a failed resource; nothing else.
    refused = [e for e in console.errors if "status of 400" in e and e.endswith("/kasir/bayar")]
    assert len(refused) == 1 and console.errors == refused
