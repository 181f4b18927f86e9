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
import os
import random
import time
import uuid
from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import Connection, event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.sql.dml import Insert

from outlet_pos.extensions import db

T = TypeVar("T")
RETRYABLE_SQLSTATES = {"40001", "40P01"}
_read_only: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "outlet_pos_read_only", default=False
)


def time_ordered_uuid() -> str:
    """A public id that sorts by creation time (UUID version 7, RFC 9562): 48 bits of Unix
    milliseconds, then 74 random bits. Rows are looked up by it (sync, the API) through a
    unique index; a random uuid4 lands each insert on a random leaf page of that index, so
    every sale dirtied two cold pages more than raw sqlite3 writing the same rows, which the
    commit then has to write and fsync. Time-ordered ids append to the index's right edge."""
    value = (time.time_ns() // 1_000_000 & 0xFFFF_FFFF_FFFF) << 80 | int.from_bytes(
        os.urandom(10), "big"
    )
    value = value & ~(0xF << 76) | 0x7 << 76  # version 7
    value = value & ~(0x3 << 62) | 0x2 << 62  # RFC 4122 variant
    return str(uuid.UUID(int=value))


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
        # Straight on the driver (every sale begins here; the engine's execution path costs
        # ten times the statement), with its errors wrapped as the engine would wrap them.
        statement = "BEGIN" if _read_only.get() else "BEGIN IMMEDIATE"
        conn.info[_IMMEDIATE] = statement != "BEGIN"
        for listener in PREPARED_LISTENERS:
            listener(statement, False)
        try:
            conn.connection.driver_connection.execute(statement)
        except conn.dialect.loaded_dbapi.Error as exc:
            raise DBAPIError.instance(
                statement, (), exc, conn.dialect.loaded_dbapi.Error, dialect=conn.dialect
            ) from exc


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


_IMMEDIATE = "outlet_pos_immediate"
_KEPT_ACROSS_THE_READ = frozenset({"user_account", "membership", "cooperative"})


def _end_deferred_read() -> None:
    """End the request's read-only SQLite transaction before a business action begins.

    A request reads in a deferred transaction (who is signed in, the cooperative, the form's
    look-ups) and takes the write lock only for its business action, so another counter's
    sale waits for this one's action, not for its whole request (sustained sales per second,
    DESIGN §4.1). A deferred transaction cannot be upgraded safely: if another writer
    committed since its first read, SQLite answers SQLITE_BUSY at once, whatever the busy
    timeout. So the read is committed (nothing was written; no fsync) without expiring what
    it loaded, and the action begins IMMEDIATE. Reads made before the lock may be stale, as
    on PostgreSQL's READ COMMITTED: services re-check state under their locks. Pending ORM
    changes keep the transaction as it is (they belong to the action)."""
    sess = db.session()
    if not sess.in_transaction() or sess.in_nested_transaction():
        return
    if sess.new or sess.dirty or sess.deleted:
        return
    with read_only():  # no sync marker for a read; a connection not yet begun begins deferred
        conn = sess.connection()
        if conn.dialect.name != "sqlite" or conn.info.get(_IMMEDIATE):
            return
        expire = sess.expire_on_commit
        sess.expire_on_commit = False
        try:
            sess.commit()
        finally:
            sess.expire_on_commit = expire
    # Whatever else the view loaded is read again under the action's lock: only who is
    # signed in and the cooperative (what every request loads first, and no action trusts
    # for a balance or a status) stay as read (found by review: a purchase order's status,
    # a prescription's dispensed quantity were read before the lock).
    for obj in list(sess.identity_map.values()):
        if getattr(obj, "__tablename__", None) not in _KEPT_ACROSS_THE_READ:
            sess.expire(obj)


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
    _end_deferred_read()
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
                    # Jitter so two retrying writers do not collide again (no secret).
                    time.sleep(random.uniform(0.005, 0.05) * (attempt + 1))  # nosec B311
                    continue
                raise
            except BaseException:
                db.session.rollback()
                raise
        raise RuntimeError("unreachable")  # pragma: no cover
    finally:
        _read_only.reset(token)


def lock_for_update(stmt, *, key_share: bool = False):
    """Add ``FOR UPDATE`` where it means something (PostgreSQL); SQLite is already serialised
    by BEGIN IMMEDIATE, and there ``with_for_update()`` would compile to nothing anyway.

    ``key_share=True`` takes ``FOR NO KEY UPDATE`` instead: for a parent row such as the
    cooperative, which every insert of a child row touches with ``FOR KEY SHARE``. A plain
    ``FOR UPDATE`` there conflicts with those, and two transactions that each inserted a child
    and then lock the parent deadlock (found by the soak, DESIGN §2.3)."""
    if is_sqlite():
        return stmt
    return stmt.with_for_update(key_share=key_share)


def pk(obj) -> int:
    """The primary key of an ORM object (or an id given as is) without loading the row: after
    a commit every object is expired, and reading ``obj.id`` would cost a SELECT."""
    if isinstance(obj, int):
        return obj
    identity = sa_inspect(obj).identity
    return identity[0] if identity else obj.id


_COLUMN_KEYS: dict[type, frozenset[str]] = {}


def attach_written(model: type[T], values: dict) -> T:
    """Hand back the row a Core INSERT just wrote as a persistent ORM object, without a
    SELECT. ``values`` must hold every column (the ones left out load lazily on access).

    The instance is filled as a query loading the row would fill it (its state's dict, no
    attribute events) and attached with ``Session.add``; the declarative constructor plus
    ``merge`` cost four times as much, twice per sale on the counter's hot path. merge stays
    for the rare case where the identity map already holds the row.
    """
    mapper = sa_inspect(model)
    columns = _COLUMN_KEYS.get(model)
    if columns is None:
        columns = _COLUMN_KEYS[model] = frozenset(attr.key for attr in mapper.column_attrs)
    if not values.keys() <= columns:  # what the constructor would refuse
        raise TypeError(f"{model.__name__} has no column {sorted(values.keys() - columns)}")
    obj = mapper.class_manager.new_instance()
    sa_inspect(obj).dict.update(values)
    make_transient_to_detached(obj)
    if sa_inspect(obj).key in db.session.identity_map:
        return db.session.merge(obj, load=False)
    db.session.add(obj)
    return obj


# Called with (SQL text, executemany) for every statement a ``Prepared`` sends: these skip
# SQLAlchemy's engine events, so this is where a benchmark or a test counts them.
PREPARED_LISTENERS: list[Callable[[str, bool], None]] = []


class _Plan(NamedTuple):
    text: str
    positional: bool
    names: list[str]  # the parameters in the order the SQL text takes them
    values: Callable[[Mapping[str, Any]], tuple]  # all of them at once (an itemgetter)
    processors: list[tuple[int, Callable[[Any], Any]]]  # (position, bind processor)
    expansion: Mapping[str, list[str]]  # expanding parameter -> its numbered names
    constants: Mapping[str, Any]  # parameters with a value in the statement itself


class Prepared:
    """A Core statement run straight on the DBAPI cursor of the session's connection.

    Why: on the counter's hot path SQLAlchemy's bookkeeping for each execution (cache key,
    parameter construction, execution context, result set-up: some 40 µs) costs more than
    SQLite's own work for the row. The statement is still written in Core and compiled by
    SQLAlchemy, once per dialect (and per length of its IN lists), so the SQL text (``?`` on
    SQLite, ``%(name)s`` on psycopg, ``FOR UPDATE`` only where it means something) and the
    type conversions of parameters and results (a Decimal quantity is a REAL on SQLite,
    dates and timestamps are text) are exactly what SQLAlchemy itself would send and read.

    No ORM autoflush happens (as with any Core execution): flush first if needed. Driver
    errors are raised as SQLAlchemy's ``DBAPIError`` family, so ``run_transaction`` still
    retries deadlocks and serialization failures (a lost connection is noticed by the
    rollback that follows, and by ``pool_pre_ping``). An INSERT binds exactly the columns of
    the rows given: every column with a Python-side default must be passed explicitly.
    """

    __slots__ = ("stmt", "_compiled", "_plans", "_results")

    def __init__(self, stmt) -> None:
        self.stmt = stmt
        self._compiled: dict[tuple, tuple[Any, list[str]]] = {}
        self._plans: dict[tuple, _Plan] = {}
        self._results: dict[tuple, tuple[Any, list]] = {}

    def _plan(self, conn: Connection, params: Mapping[str, Any]) -> _Plan:
        dialect = conn.dialect
        ckey = (dialect.name, tuple(params) if isinstance(self.stmt, Insert) else None)
        found = self._compiled.get(ckey)
        if found is None:
            if ckey[1] is not None:
                compiled = self.stmt.compile(dialect=dialect, column_keys=list(params))
            else:
                compiled = self.stmt.compile(dialect=dialect)
            if compiled.escaped_bind_names:
                raise ValueError("Prepared: parameter names must not need escaping")
            expanding = [name for name, bp in compiled.binds.items() if bp.expanding]
            found = self._compiled[ckey] = (compiled, expanding)
        compiled, expanding = found
        pkey = (ckey, tuple(len(params[name]) for name in expanding))
        plan = self._plans.get(pkey)
        if plan is None:
            state = compiled.construct_expanded_state(dict(params))
            processors = dict(state.processors)
            for name, bp in compiled.binds.items():
                if name not in state.parameter_expansion:
                    processors[name] = bp.type.dialect_impl(dialect).bind_processor(dialect)
            names = state.positiontup if compiled.positional else list(state.parameters)
            expanded = {key for keys in state.parameter_expansion.values() for key in keys}
            # Values written into the statement itself (``last_value + 1``) are constants; a
            # missing INSERT column would silently skip its Python-side default: refused.
            constants = {
                n: state.parameters[n] for n in names if n not in params and n not in expanded
            }
            if constants and isinstance(self.stmt, Insert):
                raise ValueError(f"Prepared: no value for {sorted(constants)}")
            getter = itemgetter(*names) if names else (lambda _params: ())
            plan = self._plans[pkey] = _Plan(
                state.statement,
                compiled.positional,
                list(names),
                (lambda p, g=getter: (g(p),)) if len(names) == 1 else getter,
                [(i, processors[n]) for i, n in enumerate(names) if processors.get(n)],
                dict(state.parameter_expansion),
                constants,
            )
        return plan

    @staticmethod
    def _bind(plan: _Plan, params: Mapping[str, Any]):
        flat = params
        if plan.constants or plan.expansion:
            flat = {**plan.constants, **params}
            for name, keys in plan.expansion.items():
                values = params[name]
                if values and isinstance(values[0], tuple):
                    values = [v for row in values for v in row]
                flat.update(zip(keys, values, strict=True))
        values = plan.values(flat)
        if plan.processors:
            values = list(values)
            for i, process in plan.processors:
                values[i] = process(values[i])
        if plan.positional:
            return values
        return dict(zip(plan.names, values, strict=True))

    def _execute(self, conn: Connection, params: Mapping[str, Any] | None, fetch: bool):
        params = params or {}
        plan = self._plan(conn, params)
        bound = self._bind(plan, params)
        for listener in PREPARED_LISTENERS:
            listener(plan.text, False)
        dialect = conn.dialect
        cursor = conn.connection.driver_connection.cursor()
        try:
            cursor.execute(plan.text, bound)
            if not fetch:
                return None
            raw = cursor.fetchall()
            rkey = (dialect.name, plan.text)
            result = self._results.get(rkey)
            if result is None:
                result = self._results[rkey] = self._result_shape(dialect, cursor.description)
        except dialect.loaded_dbapi.Error as exc:
            raise DBAPIError.instance(
                plan.text, bound, exc, dialect.loaded_dbapi.Error, dialect=dialect
            ) from exc
        finally:
            cursor.close()
        row_type, processors = result
        if not any(processors):
            return [row_type._make(r) for r in raw]
        return [
            row_type._make([v if p is None else p(v) for p, v in zip(processors, r, strict=True)])
            for r in raw
        ]

    def _result_shape(self, dialect, description) -> tuple[Any, list]:
        columns = list(self.stmt.exported_columns)
        if len(columns) != len(description):
            raise ValueError("Prepared: the result does not match the statement's columns")
        processors = [
            col.type.dialect_impl(dialect).result_processor(dialect, desc[1])
            for col, desc in zip(columns, description, strict=True)
        ]
        return namedtuple("Row", [d[0] for d in description], rename=True), processors

    def rows(self, conn: Connection, params: Mapping[str, Any] | None = None) -> list:
        """All rows of a SELECT (or of a RETURNING), as named tuples."""
        return self._execute(conn, params, True)

    def first(self, conn: Connection, params: Mapping[str, Any] | None = None):
        """The first row, or None."""
        rows = self._execute(conn, params, True)
        return rows[0] if rows else None

    def scalar(self, conn: Connection, params: Mapping[str, Any] | None = None):
        """The first column of the first row, or None."""
        rows = self._execute(conn, params, True)
        return rows[0][0] if rows else None

    def run(self, conn: Connection, params: Mapping[str, Any] | None = None) -> None:
        """Execute once, reading nothing back."""
        self._execute(conn, params, False)

    def many(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """One ``executemany`` over ``rows`` (all with the same keys)."""
        if not rows:
            return
        plan = self._plan(conn, rows[0])
        bound = [self._bind(plan, row) for row in rows]
        for listener in PREPARED_LISTENERS:
            listener(plan.text, True)
        dialect = conn.dialect
        cursor = conn.connection.driver_connection.cursor()
        try:
            cursor.executemany(plan.text, bound)
        except dialect.loaded_dbapi.Error as exc:
            raise DBAPIError.instance(
                plan.text, bound, exc, dialect.loaded_dbapi.Error, dialect=dialect, ismulti=True
            ) from exc
        finally:
            cursor.close()
