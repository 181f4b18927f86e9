"""Benchmark the server (DESIGN §4.1): checkout over HTTP on SQLite with one worker process,
the cashier page's weight, and the server's memory after the load.

    .venv/bin/python bench/http_checkout.py [--quick] [--sales 300] [--clients 4] [--seconds 20]

A real ``outlet-pos serve`` process (waitress, one process, 4 threads) on loopback. Each
client is its own cashier with its own shift, logged in through the real login form, posting
5-line sales to /kasir/bayar as the cashier screen does. Prints sequential latency (p50/p95)
and sustained throughput with several clients at once; then weighs the cashier page (the
HTML and every asset it loads, as headless Chromium loads it when available, else by
following its links) and checks that nothing it loads leaves the machine; then reads the
server's resident memory (peak and current) from /proc.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
import uuid
from decimal import Decimal

from _common import ROOT, Figure, arguments, bench_app, report
from page_weight import weigh_page

PASSWORD = "Bench-Kasir-2026!"


def build(cashiers: int) -> tuple[str, list[int]]:
    """A cooperative with ``cashiers`` cashiers and 20 stocked items; returns the folder."""
    from datetime import date

    from outlet_pos.core.db import run_transaction
    from outlet_pos.core.inventory.catalog import UnitSpec, default_location, save_item
    from outlet_pos.core.inventory.services import receive
    from outlet_pos.core.onboarding import (
        create_cooperative,
        create_user,
        grant_role,
        save_outlet,
        save_unit,
    )

    app, folder = bench_app("http")
    with app.app_context():

        def action():
            coop = create_cooperative({"name": "Koperasi Bench HTTP", "timezone": "WIB"})
            outlet = save_outlet(coop, "B1", "Gerai Bench")
            unit = save_unit(coop, "sembako", "Sembako", "sembako", outlet.id)
            for k in range(cashiers):
                user = create_user(f"kasir{k}", f"Kasir {k}", PASSWORD)
                grant_role(user, coop, "kasir")
            loc = default_location(coop, outlet, unit)
            ids = []
            for i in range(20):
                item = save_item(
                    coop,
                    unit=unit,
                    sku=f"H{i}",
                    name=f"Barang {i}",
                    base_uom="pcs",
                    units=[UnitSpec("pcs", Decimal(1), 1000, 1100)],
                )
                receive(
                    loc, item, Decimal(10**6), 800 * 10**6, day=date(2026, 1, 1), source="bench"
                )
                ids.append(item.id)
            return ids

        return folder, run_transaction(action)


class Cashier:
    def __init__(self, base: str, username: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        login = self.get("/masuk")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
        self.post_form("/masuk", {"username": username, "password": PASSWORD, "csrf_token": token})
        screen = self.get("/kasir/")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', screen).group(1)
        outlet = re.search(r'name="outlet"[^>]*>\s*<option[^>]*value="(\d+)"', screen)
        form = {"float_amount": "0", "csrf_token": token}
        if outlet:
            form["outlet"] = outlet.group(1)
        self.post_form("/kasir/shift/buka", form)
        screen = self.get("/kasir/")
        self.csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', screen).group(1)

    def get(self, path: str) -> str:
        return self.opener.open(self.base + path).read().decode()

    def post_form(self, path: str, data: dict) -> str:
        body = urllib.parse.urlencode(data).encode()
        return self.opener.open(self.base + path, body).read().decode()

    def sell(self, ids: list[int], n: int) -> float:
        lines = [{"item_id": ids[(n + k) % len(ids)], "qty": "1"} for k in range(5)]
        body = json.dumps(
            {
                "lines": lines,
                "payments": [{"method": "tunai", "amount": 10_000}],
                "idempotency_key": uuid.uuid4().hex,
            }
        ).encode()
        req = urllib.request.Request(
            self.base + "/kasir/bayar",
            body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "X-CSRFToken": self.csrf,
                "Referer": self.base + "/kasir/",
            },
        )
        t = time.perf_counter()
        resp = json.loads(self.opener.open(req).read())
        elapsed = (time.perf_counter() - t) * 1000
        assert "number" in resp, resp
        return elapsed


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--sales", type=int, default=None, help="default 300 (--quick 100)")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=None, help="default 20 (--quick 5)")
    parser.add_argument("--only", choices=["http", "page", "rss"], default=None)
    args = parser.parse_args()
    if args.database_url:
        print("checkout over HTTP is measured on SQLite (the budget's setting); URL ignored")
    sales = args.sales or (100 if args.quick else 300)
    seconds = args.seconds or (5 if args.quick else 20)
    folder, ids = build(args.clients)
    env = {
        **os.environ,
        "OUTLET_POS_INSTANCE": folder,
        "OUTLET_POS_DATABASE_URL": f"sqlite:///{folder}/bench.db",
        "OUTLET_POS_LOGIN_RATE_LIMIT": "1000 per minute",
        # The server runs this checkout's code, even where the venv's editable install
        # points at another one (a snapshot being benchmarked).
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    log = open(f"{folder}/server.log", "wb")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/outlet-pos"), "serve", "--port", str(port), "--threads", "4"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base, server, f"{folder}/server.log")
        cashiers = [Cashier(base, f"kasir{k}") for k in range(args.clients)]
        figures = []
        if args.only in (None, "http", "rss"):
            figures += load(cashiers, ids, sales, seconds)
        if args.only in (None, "page", "rss"):
            figures += weigh_page(base + "/kasir/", cashiers[0].opener, ("kasir0", PASSWORD))
        if args.only in (None, "rss"):
            figures.append(memory(server.pid))
    finally:
        server.terminate()
        server.wait(timeout=10)
    report(figures, args.json)


def wait_for(base: str, server: subprocess.Popen, log: str) -> None:
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/masuk", timeout=1)
            return
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.1)
    tail = open(log, encoding="utf-8", errors="replace").read()[-3000:]
    raise RuntimeError(f"the server did not start:\n{tail}")


def load(cashiers: list[Cashier], ids: list[int], sales: int, seconds: int) -> list[Figure]:
    """One client selling one sale after another, then every client at once for a while."""
    for n in range(20):
        cashiers[0].sell(ids, n)  # warm up
    lat = [cashiers[0].sell(ids, n) for n in range(sales)]
    done = [0] * len(cashiers)
    stop = time.perf_counter() + seconds

    def run(k: int) -> None:
        n = 0
        while time.perf_counter() < stop:
            cashiers[k].sell(ids, n)
            n += 1
        done[k] = n

    threads = [threading.Thread(target=run, args=(k,)) for k in range(len(cashiers))]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rate = sum(done) / (time.perf_counter() - t0)
    return [
        Figure.of("http", f"checkout over HTTP, 1 client ({sales} sales)", lat, budget=15),
        Figure("http", f"checkout over HTTP, {len(cashiers)} clients, {seconds} s sustained",
               "sales/s", rate, budget=150, judge="value", at_least=True,
               note=f"{sum(done)} sales"),
    ]  # fmt: skip


def memory(pid: int) -> Figure:
    """The server's peak resident memory (VmHWM) after the load; current RSS in the note."""
    status = dict(line.split(":", 1) for line in open(f"/proc/{pid}/status").read().splitlines())
    peak = int(status["VmHWM"].split()[0]) / 1024
    now = int(status["VmRSS"].split()[0]) / 1024
    return Figure("rss", "server memory (peak RSS) after the load", "MB", peak, budget=200,
                  judge="value", note=f"now {now:.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
