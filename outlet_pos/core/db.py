"""Database plumbing shared by both engines: connection pragmas, write locking, retries.

SQLite: WAL, synchronous=FULL (a committed sale survives a power cut), foreign keys, a busy
timeout, and ``BEGIN IMMEDIATE`` for every transaction that may write, so two writers queue
instead of failing half-way with SQLITE_BUSY. Read-only requests (GET pages, reports) begin
deferred so a long report never blocks the counter.

PostgreSQL: READ COMMITTED with explicit ``FOR UPDATE`` row locks taken in a fixed order; a
whole business transaction is retried on SQLSTATE 40001 (serialization) and 40P01 (deadlock).
"""

from __future__ import annotations

import contextvars
import random
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import make_transient_to_detached

from outlet_pos.extensions import db

T = TypeVar("T")
RETRYABLE_SQLSTATES = {"40001", "40P01"}
_read_only: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "outlet_pos_read_only", default=False
)


def utcnow() -> datetime:
    """Naive UTC timestamp: stored the same way on SQLite and PostgreSQL."""
    return datetime.now(UTC).replace(tzinfo=None)


def is_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


def configure_engine(engine: Engine) -> None:
    """Install the per-connection settings; called once per engine by ``create_app``."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # pragma: no cover - trivial
        # Take BEGIN away from the driver so we can issue BEGIN IMMEDIATE ourselves.
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA cache_size=-32000")  # 32 MB: keep hot index pages in memory
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        conn.exec_driver_sql("BEGIN" if _read_only.get() else "BEGIN IMMEDIATE")


def set_read_only(flag: bool) -> contextvars.Token:
    """Mark the current context (a GET request, a report) as not writing."""
    return _read_only.set(flag)


@contextmanager
def read_only():
    token = _read_only.set(True)
    try:
        yield
    finally:
        _read_only.reset(token)


def _retryable(exc: DBAPIError) -> bool:
    code = getattr(getattr(exc, "orig", None), "sqlstate", None)
    if code in RETRYABLE_SQLSTATES:
        return True
    # The same idempotency key committed by a concurrent submit a moment earlier: run the
    # action again and it finds that first result instead of writing a second one.
    return isinstance(exc, IntegrityError) and "idempotency_key" in str(exc.orig)


def run_transaction(fn: Callable[..., T], *args, retries: int = 5, **kwargs) -> T:
    """Run one business action as one transaction: commit on success, roll back on any error.

    Services only flush; this is the single commit boundary for views, CLI and API. A whole
    action is retried when PostgreSQL reports a serialization failure or deadlock, because
    retrying a single statement would leave the action half-applied.
    """
    token = _read_only.set(False)
    try:
        for attempt in range(retries):
            try:
                result = fn(*args, **kwargs)
                db.session.commit()
                return result
            except DBAPIError as exc:
                db.session.rollback()
                if _retryable(exc) and attempt < retries - 1:
                    time.sleep(random.uniform(0.005, 0.05) * (attempt + 1))
                    continue
                raise
            except BaseException:
                db.session.rollback()
                raise
        raise RuntimeError("unreachable")  # pragma: no cover
    finally:
        _read_only.reset(token)


def lock_for_update(stmt):
    """Add ``FOR UPDATE`` where it means something (PostgreSQL); SQLite is already serialised
    by BEGIN IMMEDIATE, and there ``with_for_update()`` would compile to nothing anyway."""
    return stmt if is_sqlite() else stmt.with_for_update()


def pk(obj) -> int:
    """The primary key of an ORM object (or an id given as is) without loading the row: after
    a commit every object is expired, and reading ``obj.id`` would cost a SELECT."""
    if isinstance(obj, int):
        return obj
    identity = sa_inspect(obj).identity
    return identity[0] if identity else obj.id


def attach_written(model: type[T], values: dict) -> T:
    """Hand back the row a Core INSERT just wrote as a persistent ORM object, without a
    SELECT. ``values`` must hold every column (the ones left out load lazily on access)."""
    obj = model(**values)
    make_transient_to_detached(obj)
    return db.session.merge(obj, load=False)
