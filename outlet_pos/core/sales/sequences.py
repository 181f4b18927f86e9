"""Gapless document numbers: a counter row per (cooperative, name, key), locked while used.

A rolled-back transaction rolls its increment back too, so numbers never skip; the row lock
(PostgreSQL) or BEGIN IMMEDIATE (SQLite) makes two cashiers take turns, never the same number.
"""

from __future__ import annotations

from sqlalchemy import bindparam, update
from sqlalchemy.dialects import postgresql, sqlite

from outlet_pos.core.db import Prepared
from outlet_pos.core.sales.models import DocSequence
from outlet_pos.extensions import db


class _Q:
    """Prebuilt statements: every sale takes a number, so this sits on the counter's hot path.

    ``UPDATE ... RETURNING`` increments and reads in one statement; on PostgreSQL the UPDATE
    itself holds the row lock until commit (what ``SELECT ... FOR UPDATE`` + UPDATE did in
    two round trips), and SQLite is serialised by BEGIN IMMEDIATE. Run as ``Prepared``
    (straight on the DBAPI cursor).
    """

    _t = DocSequence.__table__
    _where = (
        (_t.c.cooperative_id == bindparam("seq_coop"))
        & (_t.c.name == bindparam("seq_name"))
        & (_t.c.key == bindparam("seq_key"))
    )
    bump = Prepared(
        update(_t).where(_where).values(last_value=_t.c.last_value + 1).returning(_t.c.last_value)
    )
    create_sqlite = (
        sqlite.insert(_t)
        .values(
            cooperative_id=bindparam("seq_coop"),
            name=bindparam("seq_name"),
            key=bindparam("seq_key"),
        )
        .on_conflict_do_nothing(index_elements=["cooperative_id", "name", "key"])
    )
    create_pg = (
        postgresql.insert(_t)
        .values(
            cooperative_id=bindparam("seq_coop"),
            name=bindparam("seq_name"),
            key=bindparam("seq_key"),
        )
        .on_conflict_do_nothing(index_elements=["cooperative_id", "name", "key"])
    )


def next_value(coop_id: int, name: str, key: str) -> int:
    """The next number of the counter, created at 0 on first use (insert-or-ignore, so two
    first uses at once cannot make two rows)."""
    conn = db.session.connection()
    params = {"seq_coop": coop_id, "seq_name": name, "seq_key": key}
    value = _Q.bump.scalar(conn, params)
    if value is None:
        conn.execute(
            _Q.create_pg if conn.dialect.name == "postgresql" else _Q.create_sqlite, params
        )
        value = _Q.bump.scalar(conn, params)
    return value
