"""Change capture on the outlet: SQLite triggers write every change of a linked cooperative's
rows into ``sync_outbox``, as a JSON snapshot of the row at that moment.

Why triggers and not ORM events: stock levels, sequences and balances are also changed by
Core ``UPDATE`` statements that ORM events never see; a trigger sees every write, costs one
indexed insert inside the same transaction, and so can never disagree with what committed.
Why snapshots at change time: rows are applied on the server in outbox order, so each row's
foreign keys point at rows the server already has, exactly as they did on the outlet.

Commit markers (``op == "T"``) are written by the session's ``before_commit`` hook, so the
pusher can end a batch on a transaction boundary and the server checks the hash chain only
over whole transactions.
"""

from __future__ import annotations

import hashlib
import weakref

from sqlalchemy import Engine, LargeBinary, Table, event, text
from sqlalchemy.orm import Session

from outlet_pos.extensions import db

# Not replicated: the sync machinery itself, and secrets that belong to one installation.
EXCLUDED = frozenset(
    {
        "sync_link",
        "sync_outbox",
        "sync_installation",
        "sync_map",
        "master_data",
        "api_token",
        "api_idempotency",
        # The mentor's work is written on the server only (docs/sync.md, "Who edits what").
        "health_assessment",
        "mentor_visit",
        "visit_action",
    }
)
# Columns never sent: a password hash or a session token has no business on another machine.
SECRET_COLUMNS = {
    "user_account": frozenset({"password_hash", "session_token", "failed_logins", "locked_until"})
}
GLOBAL_TRACKED = ("cooperative", "user_account")

# References stored without a declared foreign key (a cycle between the tables, or a
# sub-ledger column): translated through the id map like a foreign key all the same.
SOFT_REFS = {
    ("journal_line", "member_id"): "member",
    ("clinic_visit", "prescription_id"): "prescription",
    ("prescription", "visit_id"): "clinic_visit",
    ("drug_register", "prescription_id"): "prescription",
}

# Engines of databases holding a sync link; the commit hook does nothing elsewhere. Weak, so
# a disposed engine's id can never be mistaken for a linked one.
_linked_engines: weakref.WeakSet = weakref.WeakSet()


def ref_table(col) -> str | None:
    """The table ``col`` points at (declared foreign key or a known soft reference)."""
    fk = next(iter(col.foreign_keys), None)
    if fk is not None:
        return fk.column.table.name
    return SOFT_REFS.get((col.table.name, col.name))


def tracked_tables() -> list[Table]:
    """Tables replicated to the server, parents before children (FK order)."""
    out = []
    for table in db.metadata.sorted_tables:
        if table.name in EXCLUDED:
            continue
        if "cooperative_id" in table.c or table.name in GLOBAL_TRACKED:
            out.append(table)
    return out


def row_key_column(table: Table):
    """The column that names a row: ``id``, or the single primary-key column (a settings row
    keyed by its cooperative, unit or item)."""
    pk = list(table.primary_key.columns)
    if len(pk) != 1:
        raise RuntimeError(f"sync needs a single-column primary key on {table.name}")
    return pk[0]


def payload_columns(table: Table) -> list:
    secret = SECRET_COLUMNS.get(table.name, frozenset())
    return [c for c in table.c if c.name not in secret]


def json_object_sql(table: Table, alias: str) -> str:
    parts = []
    for col in payload_columns(table):
        value = f"{alias}.{col.name}"
        if isinstance(col.type, LargeBinary):
            value = f"hex({value})"
        parts.append(f"'{col.name}', {value}")
    return "json_object(" + ", ".join(parts) + ")"


def _coop_expr(table: Table, alias: str) -> str:
    if table.name == "cooperative":
        return f"{alias}.id"
    if table.name == "user_account":
        return "(SELECT cooperative_id FROM sync_link ORDER BY id LIMIT 1)"
    return f"{alias}.cooperative_id"


def trigger_sql(table: Table) -> list[str]:
    """The three triggers (insert, update, delete) of one table."""
    key = row_key_column(table).name
    out = []
    for kind, alias, op in (("INSERT", "NEW", "U"), ("UPDATE", "NEW", "U"), ("DELETE", "OLD", "D")):
        coop = _coop_expr(table, alias)
        if table.name == "user_account":
            when = "EXISTS (SELECT 1 FROM sync_link)"
        else:
            # Built from our own schema's table and column names, never from user input.
            when = f"EXISTS (SELECT 1 FROM sync_link WHERE cooperative_id = {coop})"  # nosec B608
        payload = json_object_sql(table, alias) if op == "U" else "NULL"
        name = f"sync_{kind[0].lower()}_{table.name}"
        out.append(
            f"CREATE TRIGGER {name} AFTER {kind} ON {table.name} "  # nosec B608 - schema names
            f"WHEN {when} BEGIN "
            f"INSERT INTO sync_outbox (cooperative_id, table_name, row_id, op, payload) "
            f"VALUES ({coop}, '{table.name}', {alias}.{key}, '{op}', {payload}); END"
        )
    return out


def all_trigger_sql() -> list[str]:
    return [sql for table in tracked_tables() for sql in trigger_sql(table)]


def signature() -> str:
    return hashlib.sha256("\n".join(all_trigger_sql()).encode()).hexdigest()


def install_triggers(conn) -> int:
    """(Re)create every capture trigger on ``conn`` (SQLite). Returns how many."""
    existing = conn.execute(
        text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sync_%'")
    ).scalars()
    for name in list(existing):
        conn.execute(text(f'DROP TRIGGER "{name}"'))
    statements = all_trigger_sql()
    for sql in statements:
        conn.execute(text(sql))
    return len(statements)


def triggers_present(conn) -> int:
    return conn.execute(
        text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sync_%'")
    ).scalar_one()


def ensure_capture(engine: Engine) -> bool:
    """Make sure a linked SQLite outlet captures every change: called when the app starts,
    after registration and before each sync. A migration that rebuilt a table dropped that
    table's triggers; counting them catches it. Returns whether this database is linked."""
    if engine.dialect.name != "sqlite":
        return False
    with engine.begin() as conn:
        has_table = conn.execute(
            text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sync_link'")
        ).first()
        if not has_table or not conn.execute(text("SELECT 1 FROM sync_link")).first():
            _linked_engines.discard(engine)
            return False
        if _schema_behind(conn):
            # Code newer than the database (before ``db upgrade``): keep the old triggers, or a
            # trigger naming a column the table lacks yet would make every write fail.
            _linked_engines.add(engine)
            return True
        expected = len(all_trigger_sql())
        sig = signature()
        stored = conn.execute(text("SELECT schema_signature FROM sync_link")).scalar()
        if triggers_present(conn) != expected or stored != sig:
            install_triggers(conn)
            conn.execute(text("UPDATE sync_link SET schema_signature = :s"), {"s": sig})
    _linked_engines.add(engine)
    return True


def _schema_behind(conn) -> bool:
    have = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))}
    for table in tracked_tables():
        if table.name not in have:
            return True
        cols = {r[1] for r in conn.exec_driver_sql(f'PRAGMA table_info("{table.name}")')}
        if not {c.name for c in payload_columns(table)} <= cols:
            return True
    return False


def mark_linked(engine: Engine) -> None:
    _linked_engines.add(engine)


@event.listens_for(Session, "before_commit")
def _commit_marker(session: Session) -> None:
    """End of a transaction that changed linked rows: write a ``T`` marker (one small insert,
    only when the last outbox row is a change, so read-only commits add nothing)."""
    if not _linked_engines:
        return
    try:
        bind = session.get_bind()
    except Exception:  # noqa: BLE001 - a session without a bind has nothing to mark
        return
    if bind not in _linked_engines:
        return
    if session.in_nested_transaction():
        return  # a savepoint is not the end of the transaction
    from outlet_pos.core.db import _read_only

    if _read_only.get() or not session.in_transaction():
        return
    session.execute(
        text(
            "INSERT INTO sync_outbox (cooperative_id, table_name, row_id, op) "
            "SELECT cooperative_id, '', 0, 'T' FROM sync_link "
            "WHERE (SELECT op FROM sync_outbox ORDER BY id DESC LIMIT 1) IN ('U', 'D')"
        )
    )
