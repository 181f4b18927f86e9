"""Is the server's copy of a cooperative the outlet's books? A comparison that names rows by
the outlet's ids on both sides, so it needs no natural keys and misses no table.

Used by the sync tests after every cut connection, replay and out-of-order batch, and by
``outlet-pos sync check`` to compare a dump taken on the outlet with the server's.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from outlet_pos.core.sync import capture, wire
from outlet_pos.core.sync.models import SyncMap
from outlet_pos.extensions import db

# The server renames outlet users and never lets them be admins (see ``server``).
IGNORED = {"user_account": {"username", "is_admin"}, "cooperative": {"id", "created_at"}}


def _rows(table, where) -> list:
    return db.session.execute(select(table).where(where)).mappings().all()


def dump_outlet(coop_id: int) -> dict[str, dict[int, dict[str, Any]]]:
    """Every replicated row of the cooperative on this (outlet) database, by local id."""
    out: dict[str, dict[int, dict[str, Any]]] = {}
    for table in capture.tracked_tables():
        key = capture.row_key_column(table).name
        if table.name == "cooperative":
            rows = _rows(table, table.c.id == coop_id)
        elif table.name == "user_account":
            rows = _rows(table, table.c.id > 0)
        else:
            rows = _rows(table, table.c.cooperative_id == coop_id)
        out[table.name] = {r[key]: _clean(table, r, lambda _t, v: v) for r in rows}
    return out


def dump_server(coop_id: int) -> dict[str, dict[int, dict[str, Any]]]:
    """The same, on the server, for the rows that came from the outlet, in the outlet's ids."""
    back: dict[str, dict[int, int]] = {}
    for table_name, local, server_id in db.session.execute(
        select(SyncMap.table_name, SyncMap.local_id, SyncMap.server_id).where(
            SyncMap.cooperative_id == coop_id
        )
    ):
        back.setdefault(table_name, {})[server_id] = local

    def to_local(table_name: str, value: int) -> int | str:
        return back.get(table_name, {}).get(value, f"server:{value}")

    out: dict[str, dict[int, dict[str, Any]]] = {}
    for table in capture.tracked_tables():
        keycol = capture.row_key_column(table)
        key_fk = next(iter(keycol.foreign_keys), None)
        if table.name == "cooperative":
            rows = _rows(table, table.c.id == coop_id)
        elif table.name == "user_account":
            ids = list(back.get("user_account", {}))
            rows = _rows(table, table.c.id.in_(ids)) if ids else []
        else:
            rows = _rows(table, table.c.cooperative_id == coop_id)
        mine: dict[int, dict[str, Any]] = {}
        for r in rows:
            if key_fk is not None:
                local = to_local(key_fk.column.table.name, r[keycol.name])
            else:
                local = to_local(table.name, r[keycol.name])
            if isinstance(local, str):
                continue  # a row the server wrote itself (a mentor's membership)
            mine[local] = _clean(table, r, to_local)
        out[table.name] = mine
    return out


def _clean(table, row, to_local) -> dict[str, Any]:
    ignored = IGNORED.get(table.name, set())
    secret = capture.SECRET_COLUMNS.get(table.name, frozenset())
    out = {}
    for col in table.c:
        if col.name in ignored or col.name in secret:
            continue
        if col.primary_key and not col.foreign_keys:
            continue  # the row's own id: the dump's key already names it in the outlet's ids
        value = row[col.name]
        ref = capture.ref_table(col)
        if value is not None and ref is not None:
            value = to_local(ref, value)
        out[col.name] = wire.normalise(value)
    if table.name == "cooperative":
        out.pop("cooperative_id", None)
    return out


def differences(outlet: dict, server: dict, limit: int = 20) -> list[str]:
    """Human-readable differences, at most ``limit``."""
    found: list[str] = []
    for table in sorted(set(outlet) | set(server)):
        a, b = outlet.get(table, {}), server.get(table, {})
        for key in sorted(set(a) | set(b), key=str):
            if a.get(key) != b.get(key):
                found.append(f"{table} #{key}: gerai={a.get(key)} server={b.get(key)}")
                if len(found) >= limit:
                    return found
    return found
