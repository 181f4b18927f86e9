"""Describe the machine a benchmark ran on: the figures mean little without it."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from pathlib import Path

LOCAL_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def describe(database_url: str | None = None) -> dict[str, str]:
    return {
        "code": _code_version(),
        "machine": f"{_cpu_model()}, {os.cpu_count()} cores (nproc {_nproc()}), "
        f"{_ram_gib():.0f} GiB RAM",
        "Python": f"{platform.python_version()} ({platform.python_implementation()})",
        "SQLite": sqlite3.sqlite_version,
        "PostgreSQL": _pg_version(database_url),
        "OS": f"{platform.system()} {platform.release()}",
    }


def _code_version() -> str:
    """The commit measured, and whether the work tree differed from it (outside bench/)."""
    root = Path(__file__).resolve().parent.parent

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True
        ).stdout

    commit = git("log", "-1", "--format=%h %s").strip()
    if not commit:
        return "not a git checkout"
    changed = [line[3:] for line in git("status", "--porcelain").splitlines()]
    outside = [path for path in changed if not path.startswith(("bench/", ".venv"))]
    state = "; uncommitted changes outside bench/" if outside else ""
    return f"{commit[:80]}{state}"


def _nproc() -> str:
    try:
        return subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _ram_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def _pg_version(database_url: str | None) -> str:
    """The server's version: the benchmarked database's, else the local server's if one
    answers (the PostgreSQL variants were not run then)."""
    from sqlalchemy import create_engine, text

    url = database_url or LOCAL_PG
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            version = conn.execute(text("SHOW server_version")).scalar()
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure only means "not known"
        return f"not reachable ({type(exc).__name__})"
    used = "benchmarked" if database_url else "local server; the PG variants were not run"
    return f"{version} ({used})"
