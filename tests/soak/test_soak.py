"""The soak, short (issue 10): three cashiers sell, refund, take deposits and repayments and
redeem fertilizer over HTTP, 60 actions (at most 40 s), while the server is killed with
``kill -9`` once in the middle; afterwards ``outlet-pos verify`` passes and the database
holds exactly the acknowledged actions, none twice (``bench/soak.py`` checks it and exits
non-zero otherwise).

Each run of the suite soaks its own database: the SQLite run soaks SQLite, the PostgreSQL run
(``OUTLET_POS_TEST_DATABASE_URL``) soaks a fresh database on that server, so CI pays for each
soak once. Run alone, the PostgreSQL soak looks for a local server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REQUIRE_ALL, skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
SOAK = ROOT / "bench" / "soak.py"
SUITE_URL = os.environ.get("OUTLET_POS_TEST_DATABASE_URL", "")
LOCAL_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
KINDS = ("sale", "refund", "redemption", "deposit", "repayment")


def _soak(tmp_path: Path, *extra: str) -> dict:
    out = tmp_path / "summary.json"
    args = ["--cashiers", "3", "--max-actions", "60", "--duration", "40", "--crash"]
    args += ["--seed", "7", "--grace", "60", "--summary-json", str(out), *extra]
    proc = subprocess.run(
        [sys.executable, str(SOAK), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    return json.loads(out.read_text())


def _assert_exact(summary: dict) -> None:
    assert summary["ok"] and summary["verify_ok"], summary
    assert summary["problems"] == []
    assert len(summary["crashes"]) == 1
    assert summary["crashes"][0]["verify_ok"], summary["crashes"][0]["verify_output"]
    # Requests died with the server and were sent again with the same key.
    assert summary["retried_requests"] >= 1
    assert summary["lost"] == {} and summary["server_errors"] == 0
    assert summary["refused"] == {}, summary["refusals"]
    for kind in KINDS:
        assert summary["acked"].get(kind, 0) >= 1, f"no {kind} acknowledged: {summary['acked']}"
    for cashier, counts in summary["per_cashier"].items():
        for kind, (acked, stored) in counts.items():
            assert acked == stored, f"{cashier} {kind}: {acked} acknowledged, {stored} stored"
    assert sum(sum(a for a, _ in c.values()) for c in summary["per_cashier"].values()) == sum(
        summary["acked"].values()
    )


def test_a_killed_server_on_sqlite_loses_and_doubles_no_acknowledged_action(tmp_path):
    if SUITE_URL.startswith("postgresql"):
        pytest.skip("the SQLite run of the suite soaks SQLite")
    summary = _soak(tmp_path, "--database", "sqlite")
    _assert_exact(summary)
    assert summary["database"] == "sqlite"


def _pg_server() -> str:
    if SUITE_URL.startswith("postgresql"):
        return SUITE_URL
    if REQUIRE_ALL:
        pytest.skip("the PostgreSQL run of the suite soaks PostgreSQL")
    try:
        import psycopg

        psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=3).close()
    except Exception as exc:  # noqa: BLE001 - any failure to connect means: no server here
        skip_or_fail(f"no PostgreSQL server for the soak: {exc}")
    return LOCAL_PG


def test_a_killed_server_on_postgresql_loses_and_doubles_no_acknowledged_action(tmp_path):
    server = _pg_server()
    summary = _soak(tmp_path, "--database", "postgresql", "--pg-server", server)
    _assert_exact(summary)
    assert summary["database"] == "postgresql"
