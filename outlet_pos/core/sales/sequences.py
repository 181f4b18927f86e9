"""Gapless document numbers: a counter row per (cooperative, name, key), locked while used.

A rolled-back transaction rolls its increment back too, so numbers never skip; the row lock
(PostgreSQL) or BEGIN IMMEDIATE (SQLite) makes two cashiers take turns, never the same number.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from outlet_pos.core.sales.models import DocSequence
from outlet_pos.extensions import db


def next_value(coop_id: int, name: str, key: str) -> int:
    dialect = db.session.get_bind().dialect.name
    stmt = select(DocSequence).where(
        DocSequence.cooperative_id == coop_id, DocSequence.name == name, DocSequence.key == key
    )
    if dialect == "postgresql":
        stmt = stmt.with_for_update()
    stmt = stmt.execution_options(populate_existing=True)
    row = db.session.execute(stmt).scalar_one_or_none()
    if row is None:
        mod = postgresql if dialect == "postgresql" else sqlite
        db.session.execute(
            mod.insert(DocSequence.__table__)
            .values(cooperative_id=coop_id, name=name, key=key, last_value=0)
            .on_conflict_do_nothing(index_elements=["cooperative_id", "name", "key"])
        )
        row = db.session.execute(stmt).scalar_one()
    row.last_value += 1
    db.session.flush()
    return row.last_value
