"""Soak and crash proof (DESIGN §4.2, issue 10): N cashiers work the counter over HTTP for
minutes against ``outlet-pos serve`` (waitress), on SQLite or PostgreSQL, optionally with the
server killed (``kill -9``) in the middle. ``outlet-pos verify`` must pass on the books as
each crash left them (run before the restart) and at the end, and the database must then hold
exactly the acknowledged actions, none twice.

    .venv/bin/python bench/soak.py [--database sqlite|postgresql] [--cashiers 4]
        [--duration 300] [--max-actions N] [--crash [N]] [--seed 1] [--summary-json PATH]

Everything stays on this machine: a fresh instance in a temporary folder (PostgreSQL: a fresh
database, dropped afterwards), the server on a free port of 127.0.0.1, one process per
cashier (``soak_worker.py``), bounded by ``--duration`` and ``--max-actions``. Prints a
summary (actions/s, p50/p95 latency per kind, counts, the crash) and exits non-zero on any
discrepancy (``soak_check.py`` lists them).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from soak_check import compare, load_events, retried_across  # noqa: E402
from soak_report import figures, report  # noqa: E402

PASSWORD = "Uji-Tahan-2026!xq"
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
CLI = [sys.executable, "-c", "from outlet_pos.cli import main; main()"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``outlet-pos serve`` as a child process, killable and restartable on one port."""

    def __init__(self, env: dict, port: int, threads: int, log: Path):
        self.env, self.port, self.threads, self.log = env, port, threads, log
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 120.0) -> float:
        """Start and wait until it answers; return the seconds that took."""
        started = time.time()
        with open(self.log, "a") as out:
            self.proc = subprocess.Popen(
                [
                    *CLI,
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--threads",
                    str(self.threads),
                ],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        while time.time() - started < timeout:
            if self.proc.poll() is not None:
                raise SystemExit(f"the server exited with {self.proc.returncode}; see {self.log}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/masuk")
                if conn.getresponse().status == 200:
                    return time.time() - started
            except OSError:
                time.sleep(0.1)
            finally:
                conn.close()
        raise SystemExit(f"the server did not answer within {timeout:.0f} s; see {self.log}")

    def kill(self) -> None:
        """kill -9: no shutdown code runs, open transactions die with the process."""
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def _pg(url: str, sql: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(sql)


def _verify(env: dict) -> tuple[bool, list[str]]:
    """``outlet-pos verify`` on the soak's database: passed?, and its failing lines."""
    done = subprocess.run([*CLI, "verify"], env=env, capture_output=True, text=True)
    lines = [
        line
        for line in done.stdout.splitlines() + done.stderr.splitlines()
        if "GAGAL" in line or line.startswith("        -") or "pelanggaran" in line
    ]
    if done.returncode != 0 and not lines:  # it did not get to judge: say why
        lines = (done.stdout + done.stderr).strip().splitlines()[-12:]
    return done.returncode == 0, lines


def _acks(log_dir: Path) -> int:
    return sum(p.read_text().count('"ev": "ack"') for p in log_dir.glob("*.jsonl"))


def run(args: argparse.Namespace) -> dict:
    rng = random.Random(args.seed)
    folder = Path(tempfile.mkdtemp(prefix="soak-"))
    logs = folder / "logs"
    logs.mkdir()
    pg_name = None
    if args.database == "sqlite":
        url = f"sqlite:///{folder / 'soak.db'}"
    else:
        pg_name = f"outlet_pos_soak_{os.getpid()}_{secrets.token_hex(3)}"
        _pg(args.pg_server, f"CREATE DATABASE {pg_name}")
        url = args.pg_server.rsplit("/", 1)[0] + f"/{pg_name}"
    env = {
        **os.environ,
        "OUTLET_POS_INSTANCE": str(folder),
        "OUTLET_POS_DATABASE_URL": url,
        "OUTLET_POS_LOGIN_RATE_LIMIT": "10000 per minute",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    server = Server(env, free_port(), args.threads, folder / "server.log")
    workers: list[subprocess.Popen] = []
    summary: dict = {"database": args.database, "cashiers": args.cashiers, "folder": str(folder)}
    try:
        began = time.time()
        print(f"soak: building the cooperative ({args.database}) in {folder}", flush=True)
        world_file = folder / "world.json"
        subprocess.run(
            [
                sys.executable,
                str(BENCH / "soak_setup.py"),
                "--url",
                url,
                "--cashiers",
                str(args.cashiers),
                "--password",
                PASSWORD,
                "--seed",
                str(args.seed),
                "--out",
                str(world_file),
            ],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        world = json.loads(world_file.read_text())
        print(f"soak: built in {time.time() - began:.1f} s; starting the server", flush=True)
        server.start()
        t0 = time.time()
        deadline = t0 + args.duration
        per_worker = -(-args.max_actions // args.cashiers) if args.max_actions else 10**9
        for k, cashier in enumerate(world["cashiers"]):
            name = cashier["username"]
            with open(logs / f"{name}.err", "w") as err:
                workers.append(
                    subprocess.Popen(
                        [
                            sys.executable,
                            str(BENCH / "soak_worker.py"),
                            "--port",
                            str(server.port),
                            "--world",
                            str(world_file),
                            "--user",
                            name,
                            "--log",
                            str(logs / f"{name}.jsonl"),
                            "--seed",
                            str(args.seed * 1000 + k),
                            "--deadline",
                            str(deadline),
                            "--max-actions",
                            str(per_worker),
                            "--grace",
                            str(args.grace),
                        ],
                        env=env,
                        stdout=err,
                        stderr=subprocess.STDOUT,
                    )
                )
        print(
            f"soak: {args.cashiers} cashiers at http://127.0.0.1:{server.port}/ for up to "
            f"{args.duration} s",
            flush=True,
        )
        schedule = _crash_schedule(rng, args.crash, t0, args.duration, args.max_actions)
        crashes = []
        hard_stop = deadline + args.grace + 60
        while any(w.poll() is None for w in workers):
            now = time.time()
            if now > hard_stop:
                for w in workers:
                    if w.poll() is None:
                        w.kill()
                break
            if schedule and (now >= schedule[0][0] or _acks(logs) >= schedule[0][1]):
                schedule.pop(0)
                server.kill()
                killed = time.time()
                print(f"soak: server killed (kill -9) at {killed - t0:.1f} s", flush=True)
                # The books exactly as the crash left them, before anything else touches them.
                verify_ok, verify_lines = _verify(env)
                took = server.start()
                crashes.append(
                    {
                        "at": killed,
                        "at_s": round(killed - t0, 1),
                        "down_s": round(time.time() - killed, 2),
                        "restart_s": round(took, 2),
                        "verify_ok": verify_ok,
                        "verify_output": verify_lines,
                    }
                )
                print(f"soak: serving again after {time.time() - killed:.1f} s", flush=True)
            time.sleep(0.2)
        elapsed = time.time() - t0
        server.stop()
        print(f"soak: cashiers done after {elapsed:.1f} s; verifying", flush=True)
        summary["crashes"] = crashes
        summary["workers_ok"] = all(w.returncode == 0 for w in workers)
        summary["verify_ok"], summary["verify_output"] = _verify(env)
        if not all(c["verify_ok"] for c in crashes):
            summary["verify_ok"] = False
            summary["verify_output"] += [line for c in crashes for line in c["verify_output"]]
        events = load_events(logs)
        problems, counts = compare(url, world, events)
        summary.update(figures(events, elapsed))
        summary["per_cashier"] = counts
        if crashes:
            summary["across_crash"] = retried_across(url, world, events, [c["at"] for c in crashes])
        summary["problems"] = problems
        if summary["server_errors"]:
            problems.append(
                f"{summary['server_errors']} answers were server errors (5xx), retried with "
                f"the same key: see the tracebacks in {server.log}"
            )
        if not summary["workers_ok"]:
            problems.append(
                "a worker failed: see "
                + ", ".join(str(logs / f"{c['username']}.err") for c in world["cashiers"])
            )
        return summary
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
        server.stop()
        summary["ok"] = bool(summary.get("verify_ok")) and not summary.get("problems", [1])
        if pg_name and summary["ok"] and not args.keep:
            _pg(args.pg_server, f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)")
        elif pg_name:
            summary["folder"] += f" and PostgreSQL database {pg_name}"
        if summary["ok"] and not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


def _crash_schedule(
    rng: random.Random, crashes: int, t0: float, duration: float, max_actions: int
) -> list[tuple[float, float]]:
    """When to kill the server: (moment, or once this many actions are acknowledged), one per
    crash, each at a random point of its own slice of the middle 60 % of the run."""
    out = []
    for i in range(crashes):
        share = 0.2 + 0.6 * (i + rng.random()) / crashes
        out.append((t0 + share * duration, share * max_actions if max_actions else float("inf")))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--cashiers", type=int, default=4)
    parser.add_argument("--duration", type=float, default=300.0, help="seconds of selling")
    parser.add_argument("--max-actions", type=int, default=0, help="0: no limit but time")
    parser.add_argument(
        "--crash",
        type=int,
        nargs="?",
        const=1,
        default=0,
        metavar="N",
        help="kill -9 the server mid-run (N times; 1 if no N)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=4, help="waitress threads")
    parser.add_argument(
        "--grace",
        type=float,
        default=120.0,
        help="seconds after the deadline to finish retries and close shifts",
    )
    parser.add_argument(
        "--pg-server",
        default=os.environ.get("OUTLET_POS_SOAK_PG", PG_SERVER),
        help="a PostgreSQL URL whose server gets the fresh database",
    )
    parser.add_argument("--keep", action="store_true", help="keep the folder and database")
    parser.add_argument("--summary-json", type=Path)
    args = parser.parse_args()
    summary = run(args)
    report(summary)
    if args.summary_json:
        args.summary_json.write_text(json.dumps(summary, indent=1, default=str))
    sys.exit(0 if summary["ok"] else 1)


if __name__ == "__main__":
    main()
