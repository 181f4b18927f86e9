"""The outlet's half of sync: register with a server by a one-time code, push the outbox in
batches, pull master data, and say how far behind it is.

Everything here is safe to interrupt: the outbox is only trimmed after the server says it
applied a batch, and each push first asks the server how far it got, so a reply lost on a bad
line costs one repeated batch that the server answers as a duplicate.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, select, text

from outlet_pos.core.db import run_transaction, utcnow
from outlet_pos.core.errors import DomainError
from outlet_pos.core.sync import capture, master, wire
from outlet_pos.core.sync.models import SyncLink, SyncOutbox
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db

BATCH_RECORDS = 1000
BATCH_BYTES = 4 * 1024 * 1024  # far below the server's request limit
TIMEOUT = 60


class SyncError(DomainError):
    """The push could not finish (no connection, refused batch); nothing was lost."""


@dataclass
class SyncResult:
    batches: int = 0
    records: int = 0
    duplicates: int = 0
    master_applied: list[str] = field(default_factory=list)
    backlog: int = 0
    applied_seq: int = 0


# --- transport -----------------------------------------------------------------------------

Transport = Callable[[str, str, dict[str, str], bytes], tuple[int, bytes]]


def http_transport(method: str, url: str, headers: dict[str, str], body: bytes):
    """Plain HTTP(S) with the standard library: no client dependency on a cheap laptop."""
    if not url.startswith(("http://", "https://")):
        raise SyncError("Alamat server harus diawali http:// atau https://.")
    req = urllib.request.Request(url, data=body if method == "POST" else None, method=method)
    for k, v in headers.items():
        req.add_header(k, v)
    try:
        # The scheme is checked above: only http(s) to the registered server.
        with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:  # nosec B310
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except (urllib.error.URLError, OSError) as exc:
        raise SyncError(f"Server sinkron tidak dapat dihubungi: {exc}") from exc


class Client:
    """Signed requests to the server on behalf of one link."""

    def __init__(self, link: SyncLink, transport: Transport | None = None) -> None:
        self.base = link.server_url.rstrip("/")
        self.installation = link.installation_id
        self.key = link.private_key
        self.transport = transport or http_transport

    def call(self, method: str, path: str, data: dict | None = None) -> dict:
        body = wire.canonical(data) if data is not None else b""
        stamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            wire.HEADER_INSTALLATION: self.installation,
            wire.HEADER_TIMESTAMP: stamp,
            wire.HEADER_SIGNATURE: wire.sign(self.key, method, path, stamp, body),
        }
        status, raw = self.transport(method, self.base + path, headers, body)
        return _answer(status, raw)


def _answer(status: int, raw: bytes) -> dict:
    try:
        data = json.loads(raw or b"{}")
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        # A captive portal on a village hotspot answers 200 with its own HTML page.
        data = {"error": f"Jawaban server bukan JSON (HTTP {status}): {raw[:120]!r}"}
        status = max(status, 502)
    if status >= 400:
        err = SyncError(str(data.get("error") or f"HTTP {status}"))
        err.status = status  # type: ignore[attr-defined]
        err.data = data  # type: ignore[attr-defined]
        raise err
    return data


# --- registration --------------------------------------------------------------------------


def link_for(coop_id: int | None = None) -> SyncLink | None:
    stmt = select(SyncLink).order_by(SyncLink.id)
    if coop_id is not None:
        stmt = stmt.where(SyncLink.cooperative_id == coop_id)
    return db.session.scalars(stmt).first()


def register(
    coop: Cooperative, server_url: str, code: str, transport: Transport | None = None
) -> SyncLink:
    """Register this outlet's cooperative with ``server_url`` and queue its whole history.

    The first push carries every existing row of the cooperative (a snapshot, parents before
    children); from then on the triggers queue each change as it commits.
    """
    if not server_url.startswith(("http://", "https://")):
        raise SyncError("Alamat server harus diawali http:// atau https://.")
    if db.engine.dialect.name != "sqlite":
        raise SyncError("Hanya instalasi gerai (SQLite) yang dapat didaftarkan ke server.")
    if link_for() is not None:
        raise SyncError("Gerai ini sudah terdaftar ke server sinkron.")
    private = wire.new_private_key()
    body = wire.canonical(
        {
            "code": code,
            "public_key": wire.public_key_of(private),
            "outlet_name": coop.name,
            "cooperative_id": coop.id,
        }
    )
    status, raw = (transport or http_transport)(
        "POST",
        server_url.rstrip("/") + "/sync/v1/register",
        {"Content-Type": "application/json"},
        body,
    )
    answer = _answer(status, raw)
    coop_id = coop.id

    def action() -> SyncLink:
        link = SyncLink(
            cooperative_id=coop_id,
            server_url=server_url.rstrip("/"),
            installation_id=str(answer["installation_id"]),
            private_key=private,
        )
        db.session.add(link)
        db.session.flush()
        conn = db.session.connection()
        capture.install_triggers(conn)
        link.schema_signature = capture.signature()
        _snapshot(conn, coop_id)
        return link

    link = run_transaction(action)
    capture.mark_linked(db.engine)
    return link


def _snapshot(conn, coop_id: int) -> None:
    """Queue every existing row of the cooperative (and the installation's users), parents
    before children. A row pointing at a row not queued yet (an entry and the entry that
    reversed it; a clinic visit and its prescription) goes first without that pointer, and
    again whole once every table is queued."""
    tables = capture.tracked_tables()
    position = {t.name: i for i, t in enumerate(tables)}
    second: list[tuple] = []
    for table in tables:
        full = capture.json_object_sql(table, "x")
        first = full
        key = capture.row_key_column(table)
        for col in table.c:
            ref = capture.ref_table(col) if col is not key else None
            if ref is not None and position.get(ref, -1) >= position[table.name]:
                first = f"json_set({first}, '$.{col.name}', NULL)"
        _queue(conn, table, first, coop_id)
        if first != full:
            second.append((table, full))
    for table, full in second:
        _queue(conn, table, full, coop_id)
    conn.execute(
        text(
            "INSERT INTO sync_outbox (cooperative_id, table_name, row_id, op) "
            "VALUES (:c, '', 0, 'T')"
        ),
        {"c": coop_id},
    )


def _queue(conn, table, payload: str, coop_id: int) -> None:
    key = capture.row_key_column(table).name
    if table.name == "cooperative":
        where = "x.id = :c"
    elif table.name == "user_account":
        where = "1 = 1"
    else:
        where = "x.cooperative_id = :c"
    conn.execute(
        # Our schema's table and column names only, no user input.
        text(
            "INSERT INTO sync_outbox (cooperative_id, table_name, row_id, op, payload) "
            f"SELECT :c, '{table.name}', x.{key}, 'U', {payload} "  # nosec B608
            f"FROM {table.name} x WHERE {where} ORDER BY x.{key}"
        ),
        {"c": coop_id},
    )


# --- push and pull -------------------------------------------------------------------------


def backlog(link: SyncLink) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(SyncOutbox)
        .where(SyncOutbox.cooperative_id == link.cooperative_id, SyncOutbox.op != "T")
    )


def _next_batch(link: SyncLink, after: int) -> list[SyncOutbox]:
    rows = db.session.scalars(
        select(SyncOutbox)
        .where(SyncOutbox.cooperative_id == link.cooperative_id, SyncOutbox.id > after)
        .order_by(SyncOutbox.id)
        .limit(BATCH_RECORDS)
    ).all()
    # End on a transaction boundary when there is one in reach, so the server can check the
    # hash chain; a single transaction bigger than a batch (the first snapshot) is split.
    size = 0
    for i, r in enumerate(rows):
        size += len(r.payload or "") + 64
        if size > BATCH_BYTES and i > 0:
            rows = rows[:i]
            break
    cut = max((i for i, r in enumerate(rows) if r.op == "T"), default=None)
    return rows[: cut + 1] if cut is not None else rows


def _acknowledge(link_id: int, upto: int) -> None:
    def action() -> None:
        link = db.session.get(SyncLink, link_id)
        if upto > link.acked_seq:
            db.session.execute(
                delete(SyncOutbox).where(
                    SyncOutbox.cooperative_id == link.cooperative_id, SyncOutbox.id <= upto
                )
            )
            link.acked_seq = upto
        link.last_sync_at = utcnow()
        link.last_error = ""

    run_transaction(action)


def push(link: SyncLink, transport: Transport | None = None, *, max_batches: int = 0):
    """Send the outbox in order until it is empty (or ``max_batches``)."""
    result = SyncResult()
    client = Client(link, transport)
    run_transaction(_mark_boundary, link.cooperative_id)
    server = client.call("GET", "/sync/v1/state")
    applied = server.get("applied_seq")
    if type(applied) is not int:
        raise SyncError("Jawaban server sinkron tidak dikenal.")
    _check_not_restored(link, applied)
    if applied > link.acked_seq:
        _acknowledge(link.id, applied)
    elif applied < link.acked_seq:
        raise SyncError(
            "Server sinkron mengaku menerima lebih sedikit dari yang sudah dikonfirmasi; "
            "hubungi admin kabupaten."
        )
    while True:
        db.session.expire_all()
        rows = _next_batch(link, link.acked_seq)
        if not rows:
            break
        batch = {
            "after_seq": link.acked_seq,
            "last_seq": rows[-1].id,
            "records": [
                {"t": r.table_name, "r": r.row_id, "o": r.op, "p": _payload(r)} for r in rows
            ],
            "backlog": backlog(link) - sum(1 for r in rows if r.op != "T"),
        }
        db.session.rollback()  # end the read before the network wait
        run_transaction(_note_sent, link.id, batch["last_seq"])
        try:
            answer = client.call("POST", "/sync/v1/push", batch)
        except SyncError as exc:
            expected = getattr(exc, "data", {}).get("expected_after_seq")
            if getattr(exc, "status", 0) == 409 and type(expected) is int:
                _check_not_restored(link, expected)
                if expected > link.acked_seq:
                    _acknowledge(link.id, expected)
                    continue
            raise
        result.batches += 1
        result.records += len(rows)
        result.duplicates += 1 if answer.get("duplicate") else 0
        if type(answer.get("applied_seq")) is not int:
            raise SyncError("Jawaban server sinkron tidak dikenal.")
        _acknowledge(link.id, answer["applied_seq"])
        result.applied_seq = answer["applied_seq"]
        if max_batches and result.batches >= max_batches:
            break
    result.backlog = backlog(link)
    db.session.commit()
    return result


def _note_sent(link_id: int, last_seq: int) -> None:
    link = db.session.get(SyncLink, link_id)
    link.sent_seq = max(link.sent_seq or 0, last_seq)


def _check_not_restored(link: SyncLink, applied: int) -> None:
    """The server holds changes this database never sent: it was restored from a backup
    older than its last sync. Pushing now would reuse ids the server already maps (and the
    outbox rows below ``applied`` would be dropped unsent), so stop and say so."""
    if applied > link.acked_seq and applied > (link.sent_seq or 0):
        raise SyncError(
            "Server sudah menerima perubahan yang tidak dikenal basis data ini (dipulihkan dari "
            "cadangan?). Sinkron dihentikan agar tidak ada yang tertimpa; hubungi admin kabupaten."
        )


def _payload(row: SyncOutbox):
    return json.loads(row.payload) if row.payload else None


def _mark_boundary(coop_id: int) -> None:
    db.session.execute(
        text(
            "INSERT INTO sync_outbox (cooperative_id, table_name, row_id, op) "
            "SELECT :c, '', 0, 'T' "
            "WHERE (SELECT op FROM sync_outbox WHERE cooperative_id = :c "
            "ORDER BY id DESC LIMIT 1) IN ('U', 'D')"
        ),
        {"c": coop_id},
    )


def sync_once(transport: Transport | None = None, *, coop_id: int | None = None) -> SyncResult:
    """Push everything, then pull master data; record the outcome on the link."""
    link = link_for(coop_id)
    if link is None:
        raise SyncError("Gerai ini belum terdaftar ke server sinkron.")
    link_id = link.id
    db.session.commit()  # end our read: the trigger check below takes its own write lock
    capture.ensure_capture(db.engine)

    def note(error: str) -> None:
        def action() -> None:
            row = db.session.get(SyncLink, link_id)
            row.last_attempt_at = utcnow()
            row.last_error = error[:500]

        run_transaction(action)

    try:
        result = push(link, transport)
        result = _with_master(result, link, transport)
    except SyncError as exc:
        db.session.rollback()
        note(str(exc))
        raise
    except Exception as exc:  # noqa: BLE001 - recorded for the cashier, then refused cleanly
        db.session.rollback()
        note(f"{type(exc).__name__}: {exc}")
        raise SyncError(f"Sinkron gagal: {type(exc).__name__}: {exc}") from exc
    note("")
    return result


def _with_master(result: SyncResult, link: SyncLink, transport: Transport | None):
    client = Client(link, transport)
    have = master.versions_held()
    answer = client.call("POST", "/sync/v1/master", {"have": have})
    for item in answer.get("items", []):
        kind = master.apply_downloaded(link.cooperative_id, item)
        if kind:
            result.master_applied.append(kind)
    return result


@dataclass
class Status:
    linked: bool
    server_url: str = ""
    last_sync_at: datetime | None = None
    last_error: str = ""
    backlog: int = 0

    @property
    def fresh(self) -> bool:
        """Synced within a day and no error: shown green; anything else amber."""
        if self.last_sync_at is None or self.last_error:
            return False
        return (utcnow() - self.last_sync_at).total_seconds() < 86_400


def status(coop_id: int) -> Status:
    """What the cashier sees: when the books last reached the server, and what still waits."""
    link = link_for(coop_id)
    if link is None:
        return Status(linked=False)
    return Status(
        linked=True,
        server_url=link.server_url,
        last_sync_at=link.last_sync_at,
        last_error=link.last_error,
        backlog=backlog(link),
    )
