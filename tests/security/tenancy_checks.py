"""Instruments for the tenancy tests: what a request wrote, and rows that cross cooperatives.

``WriteWatch`` records every INSERT, UPDATE or DELETE sent to the database while it is on, even
one rolled back later: a view that writes before it finds out the object is not its
cooperative's is a fault whether or not the rollback hides it. ``cross_tenant_references``
walks every foreign key between two tenant tables and returns the rows whose cooperative
differs from the row they point at — a record of one cooperative naming another's member,
unit or account, which no form field, however crafted, may ever produce.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, func, select

from outlet_pos.extensions import db

WRITES = ("INSERT", "UPDATE", "DELETE")


class WriteWatch:
    """Collects the write statements the engine runs between ``on()`` and the end of it."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.statements: list[str] = []
        self._active = False
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement: str, *_args) -> None:
        text = " ".join(statement.split())
        if not (self._active and text.upper().startswith(WRITES)):
            return
        if text.startswith("UPDATE api_token SET last_used_at"):
            return  # an API token's last-use stamp, written at most once a minute
        self.statements.append(text[:120])

    @contextmanager
    def on(self) -> Iterator[list[str]]:
        self.statements = []
        self._active = True
        try:
            yield self.statements
        finally:
            self._active = False

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)


def tenant_tables() -> list:
    return [t for t in db.metadata.sorted_tables if "cooperative_id" in t.c]


def digest(coop_id: int) -> dict[str, str]:
    """A hash of every row of one cooperative, per table: equal before and after means the
    cooperative's data was not touched."""
    out = {}
    for table in tenant_tables():
        pk = list(table.primary_key.columns) or list(table.c)
        rows = db.session.execute(
            select(table).where(table.c.cooperative_id == coop_id).order_by(*pk)
        ).all()
        out[table.name] = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()
    return out


def cross_tenant_references() -> list[str]:
    """``table.column -> parent`` for every foreign key whose row and target disagree on the
    cooperative, with the number of such rows."""
    found = []
    for table in tenant_tables():
        for fk in table.foreign_keys:
            parent = fk.column.table
            if "cooperative_id" not in parent.c:
                continue
            # A table pointing at itself (a reversal at its entry) joins an alias of itself.
            target = parent.alias("target") if parent is table else parent
            child_col = fk.parent
            count = db.session.scalar(
                select(func.count())
                .select_from(table.join(target, child_col == target.c[fk.column.name]))
                .where(table.c.cooperative_id != target.c.cooperative_id)
            )
            if count:
                found.append(f"{table.name}.{child_col.name} -> {parent.name}: {count} row(s)")
    return found
