"""Screenshots of sync, and the time a whole demo cooperative takes to reach a server.

Run by hand from the project root (needs PostgreSQL on 127.0.0.1 and Debian's chromium)::

    .venv/bin/python docs/screenshots_sync.py

A district server (PostgreSQL, ``OUTLET_POS_SYNC_SERVER=1``) issues a code; an outlet built by
``outlet-pos demo`` (SQLite, 90 days of sales) registers with it; the cashier's badge and the
Sinkron page are captured before and after the first sync, and the first sync is timed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshots import CHROMIUM, CHROMIUM_ARGS, OUT, PASSWORD, ROOT, free_port, wait_until_up  # noqa: E402

BIN = str(ROOT / ".venv" / "bin" / "outlet-pos")
PG = "postgresql+psycopg://postgres@127.0.0.1:5432"
DB = "outlet_pos_sync_shots"


def run(env: dict, *args: str) -> str:
    out = subprocess.run([BIN, *args], env=env, capture_output=True, text=True, check=True)
    return out.stdout


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-q", "-c", sql],
        check=True,
    )


def shoot(port: int, username: str, shots: list[tuple[str, str]]) -> None:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        page.goto(f"http://127.0.0.1:{port}/masuk")
        page.fill("#username", username)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        for path, name in shots:
            if path == "click-sync":
                page.click("text=Sinkron sekarang")
                page.wait_for_load_state()
            else:
                page.goto(f"http://127.0.0.1:{port}{path}")
            page.screenshot(path=str(OUT / name), full_page=False)
        browser.close()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    procs: list[subprocess.Popen] = []
    psql(f"DROP DATABASE IF EXISTS {DB}")
    psql(f"CREATE DATABASE {DB}")
    try:
        with tempfile.TemporaryDirectory() as s_dir, tempfile.TemporaryDirectory() as o_dir:
            server_env = {
                **os.environ,
                "OUTLET_POS_INSTANCE": s_dir,
                "OUTLET_POS_DATABASE_URL": f"{PG}/{DB}",
                "OUTLET_POS_SYNC_SERVER": "1",
                "OUTLET_POS_ADMIN_PASSWORD": PASSWORD,
            }
            run(server_env, "init")
            issued = run(server_env, "sync", "issue-code", "--name", "Koperasi Desa Sukamaju")
            code = re.search(r"([0-9A-F]{4}(?:-[0-9A-F]{4}){3})", issued).group(1)
            s_port = free_port()
            procs.append(subprocess.Popen([BIN, "serve", "--port", str(s_port)], env=server_env))
            wait_until_up(f"http://127.0.0.1:{s_port}", procs[-1])

            outlet_env = {
                **os.environ,
                "OUTLET_POS_INSTANCE": o_dir,
                "OUTLET_POS_SYNC_INTERVAL": "0",
            }
            run(outlet_env, "demo", "--no-serve", "--password", PASSWORD)
            run(
                outlet_env,
                "sync",
                "register",
                "--server",
                f"http://127.0.0.1:{s_port}",
                "--code",
                code,
            )
            o_port = free_port()
            procs.append(subprocess.Popen([BIN, "serve", "--port", str(o_port)], env=outlet_env))
            wait_until_up(f"http://127.0.0.1:{o_port}", procs[-1])
            started = time.perf_counter()
            print(run(outlet_env, "sync").strip())
            print(f"first sync of the demo cooperative: {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            print(run(outlet_env, "sync").strip())
            print(f"a sync with nothing new: {time.perf_counter() - started:.2f} s")
            shoot(o_port, "admin", [("/admin/sinkron", "sync-outlet-after.png")])
            shoot(s_port, "admin", [("/admin/sinkron", "sync-server.png")])
            print(run(server_env, "verify").splitlines()[-1])
    finally:
        for p in procs:
            p.terminate()
            p.wait(timeout=10)
        psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")


if __name__ == "__main__":
    main()
