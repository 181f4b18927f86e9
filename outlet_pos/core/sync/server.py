"""The server's half of sync: one-time registration codes, applying an outlet's batches
exactly once and in order, and checking the journal's hash chain as it arrives.

Rules of ownership (no conflicts to merge, so none are merged):
- A synced cooperative's books and operations are written at its outlet only. On the server
  they are read-only: the ``before_flush`` guard below refuses any other write to them.
- The server writes only what is its own: mentors' memberships, visits and assessments,
  its audit rows, API tokens, and master data (HET, rubric, price caps), which flows down.
- Users written by an outlet arrive renamed (``kasir@<installation>``), never as admins and
  without a usable password: they are names on the books, not logins on the server.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from datetime import timedelta
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import delete, event, insert, select, update
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from outlet_pos.core.db import lock_for_update, utcnow
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.ledger.models import JournalEntry, JournalLine
from outlet_pos.core.ledger.services import GENESIS_HASH, entry_hash
from outlet_pos.core.sync import capture, wire
from outlet_pos.core.sync.models import SyncInstallation, SyncMap
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db

CODE_DAYS = 7
# What a journal entry's hash covers (and its place in the chain): never changed once sent.
HASHED = {
    "journal_entry": ("number", "date", "prev_hash", "hash"),
    "journal_line": ("entry_id", "account_id", "debit", "credit", "line_no"),
}
MAX_RECORDS = 5000
# Tables the server itself writes for a synced cooperative (everything else is the outlet's).
SERVER_WRITABLE = frozenset(
    {
        "membership",
        "audit_event",
        "health_assessment",
        "mentor_visit",
        "visit_action",
        "api_token",
        "api_idempotency",
        "sync_installation",
        "sync_map",
    }
)


class SyncRefused(DomainError):
    """A batch or request the server will not apply; ``status`` is the HTTP answer."""

    def __init__(self, message: str, status: int = 422, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.extra = extra


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().replace("-", "").encode()).hexdigest()


def issue_code(name: str, *, timezone: str = "WIB") -> tuple[Cooperative, str]:
    """A new, empty cooperative on the server awaiting its outlet, and its one-time code.

    The cooperative exists at once so the district can assign its mentor; it stays empty
    (no chart, no units) until the outlet's first push brings its own.
    """
    name = (name or "").strip()
    if not name:
        raise ValidationError("Nama koperasi wajib diisi.", field="name")
    coop = Cooperative(name=name[:200], timezone=timezone)
    db.session.add(coop)
    db.session.flush()
    code = "-".join(secrets.token_hex(2).upper() for _ in range(4))
    db.session.add(
        SyncInstallation(
            cooperative_id=coop.id,
            public_id=str(uuid.uuid4()),
            code_hash=_code_hash(code),
            code_expires_at=utcnow() + timedelta(days=CODE_DAYS),
        )
    )
    db.session.flush()
    return coop, code


def register(code: str, public_key: str, outlet_name: str, outlet_coop_id: int) -> dict:
    """Bind the outlet's key to the cooperative the code was issued for (once)."""
    if not isinstance(code, str) or not code.strip():
        raise SyncRefused("Kode pendaftaran wajib diisi.", 400)
    try:
        wire.load_public_key(public_key)
    except (ValueError, TypeError) as exc:
        raise SyncRefused("Kunci publik gerai tidak sah.", 400) from exc
    if type(outlet_coop_id) is not int or outlet_coop_id <= 0:
        raise SyncRefused("Nomor koperasi gerai tidak sah.", 400)
    inst = db.session.scalar(
        lock_for_update(
            select(SyncInstallation).where(SyncInstallation.code_hash == _code_hash(code))
        )
    )
    if inst is None or inst.status != "pending":
        raise SyncRefused("Kode pendaftaran tidak dikenal atau sudah dipakai.", 403)
    if inst.code_expires_at and inst.code_expires_at < utcnow():
        raise SyncRefused("Kode pendaftaran sudah kedaluwarsa; minta kode baru.", 403)
    inst.public_key = public_key
    inst.status = "active"
    inst.code_hash = ""
    inst.outlet_name = (outlet_name or "")[:200]
    inst.registered_at = utcnow()
    db.session.add(
        SyncMap(
            cooperative_id=inst.cooperative_id,
            table_name="cooperative",
            local_id=outlet_coop_id,
            server_id=inst.cooperative_id,
        )
    )
    db.session.flush()
    return {"installation_id": inst.public_id, "cooperative_id": inst.cooperative_id}


def installation(public_id: str) -> SyncInstallation | None:
    if not isinstance(public_id, str) or len(public_id) > 36:
        return None
    return db.session.scalar(
        select(SyncInstallation).where(SyncInstallation.public_id == public_id)
    )


def state(inst: SyncInstallation) -> dict:
    return {"applied_seq": inst.applied_seq, "batches": inst.batches, "records": inst.records}


def note_report(inst: SyncInstallation, body: dict) -> None:
    """Remember what the outlet says of its backlog (shown to the mentor)."""
    backlog = body.get("backlog")
    if type(backlog) is int and backlog >= 0:
        inst.reported_backlog = backlog
    inst.last_seen_at = utcnow()


# --- applying a batch ------------------------------------------------------------------------


class _Applier:
    """Applies one batch's records to the server's tables, translating ids through the map."""

    def __init__(self, inst: SyncInstallation) -> None:
        self.inst = inst
        self.coop_id = inst.cooperative_id
        self.tables = {t.name: t for t in capture.tracked_tables()}
        self.cache: dict[tuple[str, int], int] = {}
        self.missing: set[tuple[str, int]] = set()  # looked up, not mapped (yet)
        self.new_maps: list[dict] = []  # written in one statement before the batch ends
        self.new_entries: list[int] = []

    def prefetch(self, records: list) -> None:
        """Load in a few queries every map entry the batch can need (each row's own id and
        every foreign key it carries), instead of one query per reference."""
        wanted: dict[str, set[int]] = {}
        for rec in records:
            if not isinstance(rec, dict) or not isinstance(rec.get("t"), str):
                continue
            table = self.tables.get(rec["t"])
            if table is None or type(rec.get("r")) is not int:
                continue
            key = capture.row_key_column(table)
            key_fk = next(iter(key.foreign_keys), None)
            own = key_fk.column.table.name if key_fk is not None else table.name
            wanted.setdefault(own, set()).add(rec["r"])
            payload = rec.get("p")
            if not isinstance(payload, dict):
                continue
            for col in table.c:
                value = payload.get(col.name)
                ref = capture.ref_table(col) if col is not key else None
                if type(value) is int and ref is not None:
                    wanted.setdefault(ref, set()).add(value)
        for table_name, ids in wanted.items():
            ids_list = sorted(ids)
            for start in range(0, len(ids_list), 5000):
                chunk = ids_list[start : start + 5000]
                rows = db.session.execute(
                    select(SyncMap.local_id, SyncMap.server_id).where(
                        SyncMap.cooperative_id == self.coop_id,
                        SyncMap.table_name == table_name,
                        SyncMap.local_id.in_(chunk),
                    )
                )
                found = dict(rows.all())
                for local in chunk:
                    if local in found:
                        self.cache[(table_name, local)] = found[local]
                    else:
                        self.missing.add((table_name, local))

    def flush_maps(self) -> None:
        if self.new_maps:
            db.session.execute(insert(SyncMap), self.new_maps)
            self.new_maps = []

    def server_id(self, table: str, local: int, *, required: bool = True) -> int | None:
        key = (table, local)
        if key in self.cache:
            return self.cache[key]
        if key in self.missing:
            found = None
        else:
            found = db.session.scalar(
                select(SyncMap.server_id).where(
                    SyncMap.cooperative_id == self.coop_id,
                    SyncMap.table_name == table,
                    SyncMap.local_id == local,
                )
            )
        if found is None and required:
            raise SyncRefused(f"Baris {table} #{local} dirujuk sebelum dikirim.", 422)
        if found is not None:
            self.cache[key] = found
        return found

    def values(self, table, payload: dict) -> dict:
        cols = wire.column_map(table)
        unknown = set(payload) - set(cols)
        if unknown:
            raise SyncRefused(f"Kolom tidak dikenal di {table.name}: {sorted(unknown)[:3]}", 422)
        out: dict[str, Any] = {}
        for name, raw in payload.items():
            col = cols[name]
            try:
                value = wire.convert(col, raw)
            except (ValueError, TypeError, ArithmeticError) as exc:
                raise SyncRefused(f"Nilai {table.name}.{name} tidak sah.", 422) from exc
            ref = capture.ref_table(col)
            if value is not None and ref is not None:
                value = self.server_id(ref, value)
            out[name] = value
        if "cooperative_id" in cols:
            out["cooperative_id"] = self.coop_id
        return out

    def apply(self, rec: dict) -> None:
        table = self.tables.get(rec["t"]) if isinstance(rec.get("t"), str) else None
        if table is None:
            raise SyncRefused(f"Tabel tidak dikenal: {str(rec.get('t'))[:40]}", 422)
        local = rec.get("r")
        if type(local) is not int:
            raise SyncRefused("Nomor baris tidak sah.", 422)
        key = capture.row_key_column(table)
        key_is_fk = bool(key.foreign_keys)
        if rec.get("o") == "D":
            if table.name in HASHED:
                raise SyncRefused(f"Jurnal tidak boleh dihapus ({table.name} #{local}).", 422)
            target = self._target(table, key, local, key_is_fk)
            if target is not None:
                db.session.execute(delete(table).where(key == target))
                if not key_is_fk:
                    self.flush_maps()
                    db.session.execute(
                        delete(SyncMap).where(
                            SyncMap.cooperative_id == self.coop_id,
                            SyncMap.table_name == table.name,
                            SyncMap.local_id == local,
                        )
                    )
                    self.cache.pop((table.name, local), None)
                    self.missing.add((table.name, local))
            return
        if rec.get("o") != "U" or not isinstance(rec.get("p"), dict):
            raise SyncRefused("Perubahan tidak sah.", 422)
        values = self.values(table, rec["p"])
        values.pop(key.name, None)
        if table.name == "membership" and values.get("role") == "admin":
            raise SyncRefused("Peran admin hanya diberikan di server.", 422)
        if table.name == "cooperative":
            values.pop("id", None)
            db.session.execute(update(table).where(table.c.id == self.coop_id).values(values))
            return
        if table.name == "user_account":
            self._user_values(values)
        target = self._target(table, key, local, key_is_fk)
        exists = target is not None and (
            not key_is_fk
            or db.session.execute(select(key).where(key == target)).first() is not None
        )
        if exists:
            if table.name in HASHED:
                self._refuse_hashed_change(table, key, target, values, local)
            if values:
                db.session.execute(update(table).where(key == target).values(values))
            return
        if table.name == "journal_line" and (values.get("entry_id") or 0) <= (
            self.inst.chain_entry_id or 0
        ):
            raise SyncRefused("Baris jurnal baru untuk jurnal yang sudah diperiksa.", 422)
        if key_is_fk:
            db.session.execute(insert(table).values({**values, key.name: target}))
            return
        if table.name == "user_account":
            values.setdefault("password_hash", generate_password_hash(secrets.token_urlsafe(24)))
            values.setdefault("session_token", secrets.token_hex(16))
        new_id = db.session.execute(insert(table).values(values).returning(key)).scalar_one()
        self.new_maps.append(
            {
                "cooperative_id": self.coop_id,
                "table_name": table.name,
                "local_id": local,
                "server_id": new_id,
            }
        )
        self.cache[(table.name, local)] = new_id
        self.missing.discard((table.name, local))
        if table.name == "journal_entry":
            self.new_entries.append(new_id)

    def _refuse_hashed_change(self, table, key, target: int, values: dict, local: int) -> None:
        """A posted entry is never edited: a change to what its hash covers is refused."""
        names = HASHED[table.name]
        current = (
            db.session.execute(select(*[table.c[n] for n in names]).where(key == target))
            .one()
            ._mapping
        )
        if any(n in values and values[n] != current[n] for n in names):
            raise SyncRefused(f"Isi {table.name} #{local} berubah setelah dicatat; ditolak.", 422)

    def _target(self, table, key, local: int, key_is_fk: bool) -> int | None:
        if key_is_fk:
            return self.server_id(next(iter(key.foreign_keys)).column.table.name, local)
        return self.server_id(table.name, local, required=False)

    def _user_values(self, values: dict) -> None:
        values["is_admin"] = False
        if "username" in values:
            values["username"] = f"{str(values['username'])[:40]}@k{self.coop_id}"


def apply_batch(inst: SyncInstallation, batch: dict) -> dict:
    """Apply one batch exactly once, in order. The caller commits (one transaction)."""
    after, last, records = batch.get("after_seq"), batch.get("last_seq"), batch.get("records")
    if type(after) is not int or type(last) is not int or not isinstance(records, list):
        raise SyncRefused("Format batch tidak sah.", 400)
    if not 0 <= after < last or len(records) > MAX_RECORDS:
        raise SyncRefused("Rentang batch tidak sah.", 400)
    locked = db.session.scalar(
        lock_for_update(select(SyncInstallation).where(SyncInstallation.id == inst.id))
        # The row is already in the session (the signature check read it): refresh it, or a
        # second push running at once would see a stale applied_seq and apply a batch twice.
        .execution_options(populate_existing=True)
    )
    if last <= locked.applied_seq:
        return {**state(locked), "duplicate": True}
    if after != locked.applied_seq:
        raise SyncRefused("Batch tidak berurutan.", 409, expected_after_seq=locked.applied_seq)
    applier = _Applier(locked)
    session: Session = db.session()
    session.info["sync_apply"] = True
    try:
        with session.no_autoflush:
            applier.prefetch(records)
            for rec in records:
                if not isinstance(rec, dict) or rec.get("o") not in ("U", "D", "T"):
                    raise SyncRefused("Perubahan tidak sah.", 422)
                if rec.get("o") == "T":
                    continue
                applier.apply(rec)
            applier.flush_maps()
        db.session.flush()
        if records and isinstance(records[-1], dict) and records[-1].get("o") == "T":
            check_chain(locked)
    finally:
        session.info.pop("sync_apply", None)
    locked.applied_seq = last
    locked.batches += 1
    locked.records += len(records)
    locked.last_applied_at = utcnow()
    locked.last_seen_at = utcnow()
    return {**state(locked), "duplicate": False}


def account_key_map(coop_id: int) -> dict[int, int] | None:
    """Server account id -> the outlet's, for a synced cooperative (hashes name the outlet's
    ids); None when the cooperative's books were written here."""
    if not db.session.scalar(
        select(SyncInstallation.id).where(
            SyncInstallation.cooperative_id == coop_id, SyncInstallation.status != "pending"
        )
    ):
        return None
    rows = db.session.execute(
        select(SyncMap.server_id, SyncMap.local_id).where(
            SyncMap.cooperative_id == coop_id, SyncMap.table_name == "account"
        )
    )
    return {s: loc for s, loc in rows}


def check_chain(inst: SyncInstallation) -> None:
    """Recompute the hash of every entry that arrived since the last check, in order, with the
    outlet's account ids, as the outlet computed them.

    Run at the end of every batch that ends on a transaction boundary; a batch that would
    leave a broken chain is refused whole, so the server never holds an altered ledger.
    """
    accounts = account_key_map(inst.cooperative_id) or {}
    since = inst.chain_entry_id or 0
    lines: dict[int, list[tuple[int, int, int]]] = {}
    for entry_id, account_id, debit, credit in db.session.execute(
        select(JournalLine.entry_id, JournalLine.account_id, JournalLine.debit, JournalLine.credit)
        .where(JournalLine.cooperative_id == inst.cooperative_id, JournalLine.entry_id > since)
        .order_by(JournalLine.entry_id, JournalLine.line_no)
    ):
        lines.setdefault(entry_id, []).append((accounts.get(account_id, -1), debit, credit))
    prev = inst.chain_hash or GENESIS_HASH
    for e in db.session.execute(
        select(
            JournalEntry.id,
            JournalEntry.number,
            JournalEntry.date,
            JournalEntry.prev_hash,
            JournalEntry.hash,
        )
        .where(JournalEntry.cooperative_id == inst.cooperative_id, JournalEntry.id > since)
        .order_by(JournalEntry.id)
    ):
        if e.prev_hash != prev or entry_hash(e.number, e.date, lines.get(e.id, []), prev) != e.hash:
            raise SyncRefused(f"Rantai hash jurnal {e.number} tidak cocok; batch ditolak.", 422)
        prev = e.hash
        inst.chain_entry_id = e.id
    inst.chain_hash = prev


# --- the guard: a synced cooperative's books are the outlet's -------------------------------


def guard_flush(session: Session, _context=None, _instances=None) -> None:
    """Refuse a server-side write to an outlet-owned row of a synced cooperative.

    Only on a sync server (``SYNC_SERVER``); outlets and stand-alone installations pay nothing.
    """
    if session.info.get("sync_apply") or not has_app_context():
        return
    if not current_app.config.get("SYNC_SERVER"):
        return
    touched = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", "")
        if table in SERVER_WRITABLE or table in capture.EXCLUDED:
            continue
        coop_id = obj.id if table == "cooperative" else getattr(obj, "cooperative_id", None)
        if coop_id is not None:
            touched.add(coop_id)
    if not touched:
        return
    with session.no_autoflush:
        synced = session.scalars(
            select(SyncInstallation.cooperative_id).where(
                # Pending too: a cooperative awaiting its outlet must stay empty for its books.
                SyncInstallation.status.in_(("pending", "active")),
                SyncInstallation.cooperative_id.in_(touched),
            )
        ).first()
    if synced is not None:
        raise DomainError(
            "Koperasi ini dibukukan di gerainya; ubah datanya di gerai, bukan di server."
        )


event.listen(Session, "before_flush", guard_flush)


def summary_json(inst: SyncInstallation) -> str:
    return json.dumps(state(inst))
