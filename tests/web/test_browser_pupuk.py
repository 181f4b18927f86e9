"""Redeeming subsidised fertilizer at the counter in a real browser (Debian's chromium through
Playwright, the test app served by waitress as in test_browser_kasir.py): urea without a NIK
is refused, the farmer's quota shows after F6 and the NIK, paying above it is refused with what
is left, a smaller quantity sells, and the quota shown drops after a scanned KTP.

Screenshots land in ``test-artifacts/pupuk-*.png``; with OUTLET_POS_UPDATE_DOCS=1 the panel
with the quota also goes to ``docs/screenshots/`` for the README.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from outlet_pos.core.sales.models import Sale
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.core.verify import CHECKS
from outlet_pos.extensions import db
from outlet_pos.units.pupuk.models import Redemption
from tests.units.pupuk_world import build_kiosk
from tests.web.test_browser import (  # noqa: F401 - fixtures shared with the other browser test
    ARTIFACTS,
    ConsoleWatch,
    browser,
    live_server,
)
from tests.web.test_browser_kasir import DESKTOP, DOCS, TABLET, log_in, new_page, scan
from tests.workspaces.test_kasir_pupuk import NIK, add_season_quota

pytestmark = pytest.mark.browser

PAGE_BUDGET = 300_000  # bytes: DESIGN §4.1, the cashier page with its assets


@pytest.fixture
def kiosk(app):
    """build_kiosk's fertilizer kiosk (cashier with an open shift) with this season's quota:
    urea 150 kg, NPK 100 kg. Returns (cooperative id, cashier's username, season)."""
    with app.app_context():
        k = build_kiosk("Koperasi Tani Merah Putih Sukamaju")
        season = add_season_quota(k.coop, k.farmer, {"urea": 150, "npk": 100})
        return k.coop.id, k.cashier.username, season


def set_line(page, qty: str, unit: str) -> None:
    row = page.locator("#cart tr").first
    row.locator("select.unit").select_option(label=unit)
    row.locator("input.qty").fill(qty)
    row.locator("input.qty").press("Enter")


def pay_exact(page) -> None:
    from playwright.sync_api import expect

    page.keyboard.press("F9")
    expect(page.locator("#pay")).to_be_visible()
    page.get_by_role("button", name="Uang pas").click()
    page.keyboard.press("Enter")


def test_a_redemption_refused_without_nik_and_above_quota_then_sold_within_it(
    app,
    browser,  # noqa: F811
    live_server,  # noqa: F811
    kiosk,
):
    from playwright.sync_api import expect

    coop_id, username, season = kiosk
    context, page = new_page(browser, live_server, DESKTOP)
    console = ConsoleWatch(page)
    log_in(page, username)
    page.goto("/kasir/")
    expect(page.locator("#scan")).to_be_focused()
    # The page with the panel stays within budget, everything from this server.
    loaded = page.evaluate(
        "['navigation', 'resource'].flatMap((t) => performance.getEntriesByType(t))"
        ".map((e) => [e.name, e.decodedBodySize])"
    )
    print(f"cashier page with the farmer panel: {sum(s for _u, s in loaded):,} bytes")
    assert all(url.startswith(live_server) for url, _size in loaded), loaded
    assert sum(size for _url, size in loaded) < PAGE_BUDGET, loaded
    expect(page.locator("#tani")).to_be_hidden()

    # Urea by its code: the farmer panel appears; paying without a NIK is refused at once.
    scan(page, "PS-UREA")
    expect(page.locator("#cart tr")).to_have_count(1)
    expect(page.locator("#tani")).to_be_visible()
    page.keyboard.press("F9")
    expect(page.locator("#pay")).to_be_hidden()
    expect(page.locator("#pos-error")).to_have_text(
        "Pupuk bersubsidi hanya untuk petani terdaftar: isi NIK petani (F6)."
    )
    expect(page.locator("#tani-nik")).to_be_focused()
    page.screenshot(path=str(ARTIFACTS / "pupuk-01-no-nik.png"))

    # An unknown NIK is said so in the panel; the farmer's own shows their quota.
    page.keyboard.type("6472011508850009")
    page.keyboard.press("Enter")
    expect(page.locator("#tani-error")).to_have_text(
        "Petani dengan NIK 6472011508850009 belum terdaftar (e-RDKK)."
    )
    page.fill("#tani-nik", NIK)
    page.keyboard.press("Enter")
    expect(page.locator("#tani-name")).to_have_text("Pak Darmaji")
    expect(page.locator("#tani-error")).to_be_hidden()
    expect(page.locator("#scan")).to_be_focused()
    urea = page.locator("#tani-quota tr[data-type=urea]")
    expect(urea).to_contain_text("150 kg")
    expect(urea).to_contain_text("3 karung")
    expect(urea).to_contain_text("HET Rp1.800/kg")
    expect(urea.locator("[title]")).to_have_attribute("title", "HET Rp1.800/kg (Rp90.000/50 kg)")
    expect(page.locator("#tani-season")).to_have_text(f"Musim tanam {season}")

    # Four sacks are 200 kg: the panel marks it, the server refuses with what is left.
    set_line(page, "4", "karung")
    expect(urea).to_have_class(re.compile("is-over"))
    expect(urea).to_contain_text("200 kg")
    expect(page.locator("#t-total")).to_have_text("Rp360.000")
    expect(page.locator("#pay-open")).to_be_in_viewport()
    page.screenshot(path=str(ARTIFACTS / "pupuk-02-quota.png"))
    DOCS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS / "kasir-pupuk.png"))
    pay_exact(page)
    refusal = f"Urea: melebihi sisa kuota 150 kg (Pak Darmaji, {season})."
    expect(page.locator("#pay-error")).to_have_text(refusal)
    page.screenshot(path=str(ARTIFACTS / "pupuk-03-over-quota.png"))
    page.keyboard.press("Escape")
    expect(page.locator("#pay")).to_be_hidden()
    expect(page.locator("#tani-error")).to_have_text(refusal)  # still there after Esc

    # Two sacks fit: sold at the HET, the panel resets for the next buyer.
    set_line(page, "2", "karung")
    expect(urea).not_to_have_class(re.compile("is-over"))
    expect(page.locator("#tani-error")).to_be_hidden()
    pay_exact(page)
    expect(page.locator("#pay-done")).to_be_visible()
    expect(page.locator("#done-total")).to_have_text("Rp180.000")
    number = page.locator("#done-number").inner_text()
    page.screenshot(path=str(ARTIFACTS / "pupuk-04-done.png"))
    page.get_by_role("button", name="Transaksi baru").click()
    expect(page.locator("#cart tr")).to_have_count(0)
    expect(page.locator("#tani")).to_be_hidden()
    expect(page.locator("#scan")).to_be_focused()

    # The next time the farmer's KTP is scanned, the quota shown is what is left: 50 kg.
    scan(page, NIK)
    expect(page.locator("#tani")).to_be_visible()
    expect(page.locator("#tani-name")).to_have_text("Pak Darmaji")
    expect(urea).to_contain_text("50 kg")
    expect(urea).to_contain_text("1 karung")
    expect(page.locator("#tani-quota tr[data-type=npk]")).to_contain_text("100 kg")
    page.screenshot(path=str(ARTIFACTS / "pupuk-05-after.png"))
    context.close()

    with app.app_context():
        sale = db.session.scalar(select(Sale).where(Sale.number == number))
        [row] = db.session.scalars(select(Redemption)).all()
        assert (row.sale_id, row.kg, row.amount) == (sale.id, 100, 180_000)
        coop = db.session.get(Cooperative, coop_id)
        for label, check in CHECKS:
            assert list(check(coop)) == [], label
    # The browser logs the one refused checkout (HTTP 400) and the unknown NIK (404); no
    # script error and no CSP violation.
    expected = [e for e in console.errors if re.search(r"status of 40[04]", e)]
    assert len(expected) == 2 and console.errors == expected, console.errors


def test_a_proxy_redeems_with_a_letter_on_a_tablet(app, browser, live_server, kiosk):  # noqa: F811
    from playwright.sync_api import expect

    coop_id, username, _season = kiosk
    context, page = new_page(browser, live_server, TABLET)
    console = ConsoleWatch(page)
    log_in(page, username)
    page.goto("/kasir/")
    # The KTP first (F6), then the fertilizer: 50 kg by the kg.
    page.keyboard.press("F6")
    expect(page.locator("#tani")).to_be_visible()
    expect(page.locator("#tani-nik")).to_be_focused()
    page.keyboard.type(NIK)
    page.keyboard.press("Enter")
    expect(page.locator("#tani-name")).to_have_text("Pak Darmaji")
    page.keyboard.type("50*PS-UREA")
    page.keyboard.press("Enter")
    expect(page.locator("#t-total")).to_have_text("Rp90.000")

    # A proxy without the letter is refused by the server, in Indonesian.
    page.get_by_label("Ditebus oleh kuasa").check()
    expect(page.locator("#proxy-nik")).to_be_focused()
    page.keyboard.type("6472014508900002")
    page.fill("#proxy-name", "Siti Aminah")
    pay_exact(page)
    expect(page.locator("#pay-error")).to_have_text(
        "Penebusan oleh kuasa wajib mencatat surat kuasa."
    )
    page.keyboard.press("Escape")
    expect(page.locator("#pay")).to_be_hidden()  # the panel is inert until the dialog closed
    page.fill("#proxy-letter", "Surat kuasa 3 Nov, diketahui Kades")
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]
    page.screenshot(path=str(ARTIFACTS / "pupuk-06-proxy-tablet.png"))
    pay_exact(page)
    expect(page.locator("#pay-done")).to_be_visible()
    context.close()

    with app.app_context():
        [row] = db.session.scalars(select(Redemption)).all()
        assert (row.proxy_nik, row.proxy_name, row.proxy_letter) == (
            "6472014508900002",
            "Siti Aminah",
            "Surat kuasa 3 Nov, diketahui Kades",
        )
    expected = [e for e in console.errors if "status of 400" in e]
    assert len(expected) == 1 and console.errors == expected, console.errors
