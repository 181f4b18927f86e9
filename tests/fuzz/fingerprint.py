"""A cheap picture of the whole database, to tell whether a refused submission wrote anything.

Per table: the row count, the highest id and a digest of every row's content (so an UPDATE
left behind by a refusal shows too, not only an INSERT), plus the journal's last hash. The
fuzz world is a few hundred rows, so reading all of it costs milliseconds.
"""

from __future__ import annotations

import hashlib

from outlet_pos.extensions import db

Fingerprint = dict[str, tuple[int, object, str]]


def fingerprint(app) -> Fingerprint:
    """{table: (rows, max id, content digest)} and ``journal_entry.last_hash``.

    Straight on the driver's cursor: a hundred ``SELECT *`` through the ORM cost ten times
    the reading, and this runs after every refused submission."""
    out: Fingerprint = {}
    with app.app_context():
        conn = db.engine.raw_connection()
        try:
            cur = conn.cursor()
            for table in db.metadata.sorted_tables:
                cur.execute(f'SELECT * FROM "{table.name}"')
                names = [d[0] for d in cur.description]
                rows = sorted(map(repr, cur.fetchall()))
                digest = hashlib.blake2b("\n".join(rows).encode(), digest_size=12).hexdigest()
                top = None
                if "id" in names:
                    cur.execute(f'SELECT max(id) FROM "{table.name}"')
                    top = cur.fetchone()[0]
                out[table.name] = (len(rows), top, digest)
            cur.execute("SELECT hash FROM journal_entry ORDER BY id DESC LIMIT 1")
            last = cur.fetchone()
            out["journal_entry.last_hash"] = (0, None, last[0] if last else "")
            cur.close()
        finally:
            conn.rollback()
            conn.close()
    return out


def changed(before: Fingerprint, after: Fingerprint, ignore: frozenset[str] = frozenset()) -> list:
    """The tables whose picture differs, with the counts before -> after."""
    return [
        f"{name}: rows {before.get(name, (0,))[0]} -> {after[name][0]}, "
        f"max id {before.get(name, (0, None))[1]} -> {after[name][1]}"
        for name in sorted(after)
        if name not in ignore and before.get(name) != after[name]
    ]


def violations(app, coop_id: int) -> list[str]:
    """``outlet-pos verify``'s checks for one cooperative (the other is never touched)."""
    from outlet_pos.core.tenancy import Cooperative
    from outlet_pos.core.verify import CHECKS

    with app.app_context():
        try:
            coop = db.session.get(Cooperative, coop_id)
            return [f"{label}: {v}" for label, check in CHECKS for v in check(coop)]
        finally:
            db.session.rollback()
            db.session.remove()
