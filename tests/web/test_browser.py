"""End-to-end in a real browser: Debian's chromium driven by Playwright against the test app
served by waitress. Covers what the test client cannot: the navigation a treasurer clicks,
the live totals of the journal form (static/js/app.js) and the absence of console errors,
Content-Security-Policy violations included.

Screenshots of each step land in ``test-artifacts/`` (gitignored) for a human to look at.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import TEST_PASSWORD, make_coop, make_user, skip_or_fail

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# OUTLET_POS_ARTIFACTS lets two suites running side by side (.ci/run) keep their files apart.
ARTIFACTS = Path(
    os.environ.get("OUTLET_POS_ARTIFACTS")
    or Path(__file__).resolve().parents[2] / "test-artifacts"
)
TIMEOUT_MS = 15_000


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def live_server(app) -> Iterator[str]:
    """The session's test app, served by waitress on a free port in a daemon thread."""
    import waitress

    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    stopping = threading.Event()

    def run() -> None:
        try:
            server.run()
        except OSError:
            # Closing the sockets from the main thread may wake the loop on a dead descriptor.
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=run, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    stopping.set()
    server.close()
    thread.join(timeout=10)
    server.task_dispatcher.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        skip_or_fail(f"{CHROMIUM} not found (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("the playwright Python package is not installed")
    manager = sync_playwright().start()
    try:
        chromium = manager.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
    except Exception as exc:  # noqa: BLE001 - any launch failure means "no browser here"
        manager.stop()
        skip_or_fail(f"chromium did not start: {exc}")
    yield chromium
    chromium.close()
    manager.stop()


class ConsoleWatch:
    """Console errors, uncaught exceptions and CSP violations seen by a page."""

    def __init__(self, page) -> None:
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))

    def _console(self, msg) -> None:
        if msg.type == "error" or "Content Security Policy" in msg.text:
            self.errors.append(f"console.{msg.type}: {msg.text} @ {msg.location.get('url')}")


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server, viewport={"width": 1366, "height": 900}, locale="id-ID"
    )
    context.set_default_timeout(TIMEOUT_MS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def console(page) -> ConsoleWatch:
    """Starts listening before the test opens its first page."""
    return ConsoleWatch(page)


@pytest.fixture
def treasurer(app):
    """A cooperative with a bendahara; returns (cooperative id, today in its time zone)."""
    with app.app_context():
        coop = make_coop()
        make_user("bendahara", "bendahara", coop)
        return coop.id, coop.today()


# --------------------------------------------------------------------------- helpers


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"browser-{name}.png"), full_page=True)


def log_in(page, username: str) -> None:
    from playwright.sync_api import expect

    page.goto("/masuk")
    page.fill("#username", username)
    page.fill("#password", TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(re.compile(r"/$"))


def nav(page, label: str) -> None:
    """Follow a link in the side navigation, as a user would."""
    page.get_by_role("navigation", name="Navigasi utama").get_by_role(
        "link", name=label, exact=True
    ).click()
    page.wait_for_load_state("load")


def entry_count(app, coop_id: int) -> int:
    from outlet_pos.core.ledger.models import JournalEntry
    from outlet_pos.extensions import db

    with app.app_context():
        return db.session.scalar(
            select(func.count())
            .select_from(JournalEntry)
            .where(JournalEntry.cooperative_id == coop_id)
        )


def fill_entry(page, today, memo: str, debit: str, credit: str) -> None:
    page.fill("input[name=date]", today.isoformat())
    page.fill("input[name=memo]", memo)
    page.select_option('select[name="lines-0-account"]', "111100")
    page.fill('input[name="lines-0-debit"]', debit)
    page.select_option('select[name="lines-1-account"]', "411100")
    page.fill('input[name="lines-1-credit"]', credit)


# --------------------------------------------------------------------------- tests


def test_treasurer_posts_a_manual_entry_and_sees_it_in_the_trial_balance(
    app, page, console, treasurer
):
    from playwright.sync_api import expect

    coop_id, today = treasurer
    log_in(page, "bendahara")
    shot(page, "01-home")

    nav(page, "Jurnal manual")
    expect(page.get_by_role("heading", name="Jurnal manual")).to_be_visible()
    expect(page.locator("input[name=date]")).to_have_attribute("type", "date")
    fill_entry(page, today, "Setoran modal uji", "1.250.000", "1.250.000")

    totals = page.locator(".totals-bar")
    expect(totals.locator("[data-total=debit]")).to_have_text("Rp1.250.000")
    expect(totals.locator("[data-total=credit]")).to_have_text("Rp1.250.000")
    expect(totals.locator("[data-total=diff]")).to_have_text("Rp0")
    expect(totals.locator("[data-total=diff]")).to_have_class("diff-ok")
    expect(totals).to_contain_text("Selisih")
    shot(page, "02-journal-new-filled")

    page.get_by_role("button", name="Posting jurnal").click()
    flash = page.locator(".flash-success")
    expect(flash).to_contain_text("berhasil diposting")
    expect(page).to_have_url(re.compile(r"/pembukuan/jurnal/\d+$"))
    shot(page, "03-journal-posted")
    assert entry_count(app, coop_id) == 1

    nav(page, "Neraca saldo")
    expect(page.get_by_role("heading", name="Neraca saldo")).to_be_visible()
    kas = page.locator("table.data tbody tr").filter(
        has=page.locator("td:first-child", has_text=re.compile(r"^\s*111100\s*$"))
    )
    expect(kas).to_have_count(1)
    cells = kas.locator("td")
    # Kode, Nama akun, Saldo awal, Debit, Kredit, Saldo akhir debit, Saldo akhir kredit
    expect(cells.nth(3)).to_have_text("Rp1.250.000")
    expect(cells.nth(4)).to_have_text("Rp0")
    expect(cells.nth(5)).to_have_text("Rp1.250.000")

    foot = page.locator("table.data tfoot td")
    # Jumlah (2 columns), Saldo awal (blank), Debit, Kredit, closing debit, closing credit
    expect(foot.nth(2)).to_have_text("Rp1.250.000")
    expect(foot.nth(3)).to_have_text("Rp1.250.000")
    assert foot.nth(4).inner_text() == foot.nth(5).inner_text() == "Rp1.250.000"
    expect(page.get_by_text("tidak seimbang")).to_have_count(0)
    shot(page, "04-trial-balance")

    assert console.errors == []


def test_a_bad_amount_is_refused_beside_the_field_and_nothing_is_posted(
    app, page, console, treasurer
):
    from playwright.sync_api import expect

    coop_id, today = treasurer
    log_in(page, "bendahara")
    nav(page, "Jurnal manual")
    fill_entry(page, today, "Jumlah dengan koma", "12,5", "12.500")
    page.get_by_role("button", name="Posting jurnal").click()
    page.wait_for_load_state("load")

    debit = page.locator('input[name="lines-0-debit"]')
    expect(debit).to_have_attribute("aria-invalid", "true")
    error = page.locator("td", has=debit).locator(".error")
    expect(error).to_have_text("Jumlah harus berupa angka rupiah bulat, mis. 12.500")
    expect(page.get_by_role("alert").first).to_contain_text("Periksa baris jurnal")

    # What the treasurer typed is still there, ready to be corrected.
    expect(debit).to_have_value("12,5")
    expect(page.locator("input[name=memo]")).to_have_value("Jumlah dengan koma")
    expect(page.locator("input[name=date]")).to_have_value(today.isoformat())
    expect(page.locator('select[name="lines-0-account"]')).to_have_value("111100")
    expect(page.locator('select[name="lines-1-account"]')).to_have_value("411100")
    expect(page.locator('input[name="lines-1-credit"]')).to_have_value("12.500")
    expect(page.locator(".flash-success")).to_have_count(0)
    shot(page, "05-journal-bad-amount")

    assert entry_count(app, coop_id) == 0
    # The refused form answers 400 on purpose, which chromium logs as a failed load of the
    # page itself; that one line is expected, anything else is not.
    expected = "status of 400 (BAD REQUEST) @ " + page.url
    assert [e for e in console.errors if not e.endswith(expected)] == []
