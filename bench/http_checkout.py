"""Benchmark checkout over HTTP (DESIGN §4.1): waitress serving the app on SQLite, clients on
loopback posting 5-line sales to /kasir/bayar as the cashier screen does.

    .venv/bin/python bench/http_checkout.py [--sales 300] [--clients 4]

Prints sequential latency (p50/p95) and sustained throughput with several clients at once.
Each client is its own cashier with its own shift, logged in through the real login form.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "Bench-Kasir-2026!"


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def build(url: str, cashiers: int) -> list[int]:
    from datetime import date

    from flask_migrate import upgrade

    from outlet_pos import create_app
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

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)

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

        return run_transaction(action)


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
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sales", type=int, default=300)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=20)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-http-")
    env = {
        **os.environ,
        "OUTLET_POS_INSTANCE": tmp,
        "OUTLET_POS_DATABASE_URL": f"sqlite:///{tmp}/bench.db",
        "OUTLET_POS_LOGIN_RATE_LIMIT": "1000 per minute",
    }
    os.environ.update(env)
    ids = build(env["OUTLET_POS_DATABASE_URL"], args.clients)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/outlet-pos"), "serve", "--port", str(port), "--threads", "4"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/masuk", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        cashiers = [Cashier(base, f"kasir{k}") for k in range(args.clients)]
        for n in range(20):
            cashiers[0].sell(ids, n)  # warm up
        lat = [cashiers[0].sell(ids, n) for n in range(args.sales)]
        print(
            f"HTTP checkout, 1 client, {args.sales} sales:        p50 "
            f"{statistics.median(lat):6.2f} ms   p95 {pct(lat, 0.95):6.2f} ms"
        )
        done = [0] * args.clients
        stop = time.perf_counter() + args.seconds

        def run(k):
            n = 0
            while time.perf_counter() < stop:
                cashiers[k].sell(ids, n)
                n += 1
            done[k] = n

        threads = [threading.Thread(target=run, args=(k,)) for k in range(args.clients)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        rate = sum(done) / (time.perf_counter() - t0)
        print(
            f"HTTP checkout, {args.clients} clients, {args.seconds} s sustained:  "
            f"{rate:6.1f} sales/s ({sum(done)} sales)"
        )
        rss = subprocess.run(
            ["ps", "-o", "rss=", "-p", str(server.pid)], capture_output=True, text=True
        ).stdout.strip()
        print(f"server memory (RSS) after the run:           {int(rss) // 1024} MB")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
