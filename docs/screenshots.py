"""Take the documentation screenshots from a fresh demo cooperative.

Run by hand from the project root::

    .venv/bin/python docs/screenshots.py

It builds the demo (``outlet-pos demo --no-serve``, then ``--portfolio``) into a temporary
instance folder, serves
it with ``outlet-pos serve`` on a free port, drives Debian's chromium through Playwright
(never a downloaded browser) and writes PNGs into ``docs/screenshots/``. The temporary
instance and the server are removed at the end, whatever happens.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PASSWORD = "Demo-Sukamaju-2025"
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
# Note: date inputs show the browser's own format. Debian's chromium ships only the en-US
# locale pack, so they read mm/dd/yyyy here; an Indonesian browser shows dd/mm/yyyy.
DESKTOP = {"width": 1366, "height": 768}
TABLET = {"width": 800, "height": 1280}


def outlet_pos_command() -> str:
    """The ``outlet-pos`` entry point of the interpreter running this script (the venv)."""
    beside = Path(sys.executable).parent / "outlet-pos"
    if beside.exists():
        return str(beside)
    found = shutil.which("outlet-pos")
    if not found:
        sys.exit("outlet-pos not found: run with the project's venv (.venv/bin/python).")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"the server exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/masuk", timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    sys.exit(f"the server did not answer at {url} within {timeout:.0f} s")


class Shooter:
    """One browser context: logs in, follows the navigation, saves screenshots."""

    def __init__(self, browser, base_url: str, viewport: dict) -> None:
        self.context = browser.new_context(
            base_url=base_url, viewport=viewport, locale="id-ID", timezone_id="Asia/Makassar"
        )
        self.context.set_default_timeout(20_000)
        self.page: Page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.problems.append(f"pageerror: {exc}"))

    def _console(self, msg) -> None:
        if msg.type == "error":
            self.problems.append(f"{self.page.url}: {msg.text}")

    def shot(self, name: str) -> None:
        self.page.wait_for_load_state("load")
        # No blinking caret or focus ring frozen into the picture.
        self.page.evaluate("document.activeElement && document.activeElement.blur()")
        path = OUT / name
        self.page.screenshot(path=str(path), animations="disabled", caret="hide")
        print(f"  {path.relative_to(ROOT)}")

    def log_in(self, username: str) -> None:
        self.page.goto("/masuk")
        self.page.fill("#username", username)
        self.page.fill("#password", PASSWORD)
        self.page.get_by_role("button", name="Masuk").click()
        self.page.wait_for_url(re.compile(r"^(?!.*/masuk)"))

    def log_out(self) -> None:
        self.page.get_by_role("button", name="Keluar").click()
        self.page.wait_for_url(re.compile(r"/masuk"))

    def nav(self, label: str) -> None:
        self.page.get_by_role("navigation", name="Navigasi utama").get_by_role(
            "link", name=label, exact=True
        ).click()
        self.page.wait_for_load_state("load")

    def close(self) -> None:
        self.context.close()


def fill_journal(page: Page) -> None:
    page.fill("input[name=memo]", "Setoran tunai penjualan sembako minggu ke-2")
    page.select_option('select[name="lines-0-account"]', "111100")
    page.fill('input[name="lines-0-debit"]', "1.250.000")
    page.fill('input[name="lines-0-memo"]', "Setoran kasir")
    page.select_option('select[name="lines-1-account"]', "411100")
    unit = page.locator('select[name="lines-1-unit"]')
    sembako = unit.locator("option", has_text="Sembako")
    if sembako.count():
        unit.select_option(sembako.first.get_attribute("value"))
    page.fill('input[name="lines-1-credit"]', "1.250.000")
    expect(page.locator("[data-total=diff]")).to_have_text("Rp0")


def take_all(base_url: str) -> list[str]:
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            s = Shooter(browser, base_url, DESKTOP)
            s.page.goto("/masuk")
            s.shot("login.png")

            s.log_in("bendahara")
            s.shot("home.png")

            s.nav("Jurnal")
            s.shot("journal.png")

            s.nav("Jurnal manual")
            fill_journal(s.page)
            s.shot("journal-new.png")

            s.nav("Neraca saldo")
            s.shot("trial-balance.png")

            kas = s.page.locator("table.data tbody tr").filter(
                has=s.page.locator("td:first-child", has_text=re.compile(r"^\s*111100\s*$"))
            )
            kas.get_by_role("link").first.click()
            s.page.wait_for_url(re.compile(r"/buku-besar/\d+"))
            s.shot("ledger.png")

            s.nav("Tutup bulan")
            s.shot("periods.png")

            s.nav("Laporan keuangan")
            s.shot("statements-neraca.png")
            year = s.page.evaluate("new Date().getFullYear()") - 1
            s.page.goto(f"/pembukuan/laporan-keuangan?tab=phu&per_unit=1&jenis=tahun&tahun={year}")
            s.shot("statements-phu-units.png")
            s.page.goto(f"/pembukuan/shu?year={year}")
            s.shot("shu.png")
            s.nav("Pengeluaran & pendapatan lain")
            s.shot("expenses.png")
            s.nav("Bank & rekonsiliasi")
            s.shot("bank.png")
            s.nav("Tutup tahun")
            s.shot("year-close.png")

            s.nav("Anggota")
            s.shot("simpin-members.png")
            s.page.locator("table.data tbody tr td a").first.click()
            s.page.wait_for_url(re.compile(r"/anggota/\d+"))
            s.shot("simpin-member.png")
            s.nav("Pinjaman")
            s.shot("simpin-loans.png")
            s.page.locator("table.data tbody tr td a").first.click()
            s.page.wait_for_url(re.compile(r"/pinjaman/\d+"))
            s.shot("simpin-loan.png")
            s.nav("Simpanan wajib")
            s.shot("simpin-wajib.png")
            s.page.goto("/simpan-pinjam/laporan")
            s.page.locator("main a[href*='/laporan/portofolio']").first.click()
            s.page.wait_for_load_state("load")
            s.shot("simpin-portfolio.png")

            s.nav("Petani & alokasi")
            s.page.locator("table.data tbody tr td a").first.click()
            s.page.wait_for_url(re.compile(r"/petani/\d+"))
            s.shot("pupuk-farmer.png")
            s.page.goto("/pupuk/laporan")
            s.page.locator("main a[href*='/laporan/penebusan-bulanan']").first.click()
            s.page.wait_for_load_state("load")
            s.shot("pupuk-monthly.png")

            s.log_out()
            s.log_in("admin")
            s.page.goto("/admin/pengguna")
            s.shot("admin-users.png")

            # The mentor, over the ten cooperatives of ``demo --portfolio`` and Sukamaju.
            s.log_out()
            s.log_in("pendamping")
            s.page.goto("/pendamping/portofolio")
            s.shot("mentor-portfolio.png")
            s.page.locator("table.portfolio a").first.click()
            s.page.wait_for_load_state("load")
            s.shot("mentor-coop.png")
            s.page.goto("/pendamping/grafik")
            s.shot("mentor-trends.png")
            s.page.goto("/pendamping/kesehatan")
            s.page.locator("main table a[href*='/pendamping/kesehatan/']").first.click()
            s.page.wait_for_load_state("load")
            s.shot("mentor-health.png")
            s.page.goto("/pendamping/catatan")
            s.shot("mentor-visits.png")
            s.page.goto("/rencana-bisnis/")
            s.page.locator("main a[href*='/banding']").first.click()
            s.page.wait_for_load_state("load")
            s.shot("plan-compare.png")

            # The clinic, the pharmacy, the parcel desk and the local units of the demo.
            s.log_out()
            s.log_in("klinik")
            s.page.goto("/klinik/pasien")
            s.page.locator("main table a[href*='/klinik/pasien/']").last.click()
            s.page.wait_for_load_state("load")
            s.shot("klinik-patient.png")
            s.log_out()
            s.log_in("apoteker")
            s.page.goto("/apotek/resep")
            s.shot("apotek-queue.png")
            s.page.goto("/apotek/kedaluwarsa")
            s.shot("apotek-expiry.png")
            s.page.goto("/apotek/register")
            s.shot("apotek-register.png")
            s.log_out()
            s.log_in("pengurus")
            s.page.goto("/logistik/paket")
            s.page.locator("main table a[href*='/logistik/paket/']").first.click()
            s.page.wait_for_load_state("load")
            s.shot("logistik-parcel.png")
            s.page.goto("/unit-lokal/")
            s.shot("lokal-units.png")
            # A fish purchase as the manager sees it: the slip, and the void of a wrong one.
            units = s.page.locator("main a[href^='/unit-lokal/']").evaluate_all(
                "links => links.map(a => a.getAttribute('href'))"
            )
            for href in units:
                s.page.goto(href)
                buying = s.page.locator("main a[href$='/ikan/pembelian']")
                if buying.count():
                    buying.first.click()
                    break
            s.page.wait_for_load_state("load")
            s.page.locator("main table a[href*='/ikan/pembelian/']").first.click()
            s.page.wait_for_load_state("load")
            s.shot("lokal-fish-purchase.png")
            problems += s.problems
            s.close()

            t = Shooter(browser, base_url, TABLET)
            t.log_in("bendahara")
            t.page.goto("/pembukuan/neraca-saldo")
            t.shot("trial-balance-tablet.png")
            problems += t.problems
            t.close()

            phone = Shooter(browser, base_url, {"width": 390, "height": 844})
            phone.page.goto("/simpan-pinjam/simulasi")
            phone.page.fill("input[name=principal]", "5.000.000")
            phone.page.fill("input[name=annual_rate]", "18")
            phone.page.fill("input[name=months]", "10")
            phone.page.get_by_role("button", name="Hitung angsuran").click()
            phone.page.wait_for_load_state("load")
            phone.shot("simpin-simulator-phone.png")
            problems += phone.problems
            phone.close()
        finally:
            browser.close()
    return problems


def main() -> int:
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} not found: apt-get install chromium (never `playwright install`).")
    OUT.mkdir(parents=True, exist_ok=True)
    cli = outlet_pos_command()
    instance = Path(tempfile.mkdtemp(prefix="outlet-pos-shots-"))
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("OUTLET_POS_DATABASE_URL", "OUTLET_POS_SECRET_KEY")
    }
    env["OUTLET_POS_INSTANCE"] = str(instance)
    server = None
    try:
        print(f"Building the demo in {instance} ...")
        subprocess.run(
            [cli, "demo", "--no-serve", "--password", PASSWORD],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        subprocess.run(
            [cli, "demo", "--portfolio", "--no-serve", "--password", PASSWORD],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        log = open(instance / "server.log", "w")  # closed after the server stops
        server = subprocess.Popen(
            [cli, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_up(base_url, server)
        except SystemExit:
            print((instance / "server.log").read_text(), file=sys.stderr)
            raise
        print(f"Serving at {base_url}; writing screenshots:")
        problems = take_all(base_url)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            log.close()
        shutil.rmtree(instance, ignore_errors=True)
    if problems:
        print("Browser console errors:")
        for p in problems:
            print(f"  {p}")
        return 1
    print("Done.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
