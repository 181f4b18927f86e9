"""The server's sync endpoints (``/sync/v1``): JSON in, JSON out, signed by the outlet's key.

They answer only on an installation configured as a sync server (``OUTLET_POS_SYNC_SERVER=1``);
elsewhere they are 404. No session, no CSRF: every call but ``register`` carries an Ed25519
signature over method, path, timestamp and body; ``register`` carries a one-time code.
"""

from __future__ import annotations

import json

from flask import Blueprint, abort, current_app, jsonify, request
from sqlalchemy.exc import DataError, IntegrityError

from outlet_pos.core.access import public
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.core.sync import master, server, wire
from outlet_pos.extensions import db

bp = Blueprint("sync", __name__, url_prefix="/sync/v1")


def _error(message: str, status: int, **extra):
    return jsonify({"error": message, **extra}), status


@bp.app_context_processor
def _status_for_templates() -> dict:
    """``sync_status()`` in every page: what the cashier sees of the outlet's last sync."""

    def sync_status():
        from flask import g

        from outlet_pos.core.sync import outlet

        coop = getattr(g, "cooperative", None)
        if coop is None or db.engine.dialect.name != "sqlite":
            return None
        st = outlet.status(coop.id)
        return st if st.linked else None

    return {"sync_status": sync_status}


@bp.before_request
def _only_on_a_server():
    if not current_app.config.get("SYNC_SERVER"):
        abort(404)
    if (request.content_length or 0) > wire.MAX_BODY:
        return _error("Batch terlalu besar.", 413)
    return None


@bp.errorhandler(404)
def _not_found(_exc):
    return _error("Tidak ditemukan.", 404)


@bp.errorhandler(405)
def _bad_method(_exc):
    return _error("Metode tidak diizinkan.", 405)


def _body() -> dict:
    try:
        data = json.loads(request.get_data() or b"{}")
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise server.SyncRefused("Isi permintaan harus objek JSON.", 400)
    return data


def _installation():
    """The signing outlet, or a refusal: unknown, revoked or a bad signature are all 401."""
    inst = server.installation(request.headers.get(wire.HEADER_INSTALLATION, ""))
    stamp = request.headers.get(wire.HEADER_TIMESTAMP, "")
    signature = request.headers.get(wire.HEADER_SIGNATURE, "")
    if (
        inst is None
        or inst.status != "active"
        or not wire.verify(
            inst.public_key, signature, request.method, request.path, stamp, request.get_data()
        )
    ):
        raise server.SyncRefused("Tanda tangan gerai tidak sah.", 401)
    return inst


def _refusal(exc: DomainError):
    status = getattr(exc, "status", 422)
    return _error(str(exc), status, **getattr(exc, "extra", {}))


@bp.post("/register")
@public
def register():
    try:
        body = _body()
        answer = run_transaction(
            server.register,
            body.get("code"),
            body.get("public_key"),
            str(body.get("outlet_name") or ""),
            body.get("cooperative_id"),
        )
    except DomainError as exc:
        return _refusal(exc)
    return jsonify(answer), 201


@bp.get("/state")
@public
def state():
    try:

        def action():
            inst = _installation()
            server.note_report(inst, {})
            return server.state(inst)

        return jsonify(run_transaction(action))
    except DomainError as exc:
        return _refusal(exc)


@bp.post("/push")
@public
def push():
    try:
        body = _body()

        def action():
            inst = _installation()
            answer = server.apply_batch(inst, body)
            server.note_report(inst, body)
            return answer

        return jsonify(run_transaction(action))
    except DomainError as exc:
        db.session.rollback()
        return _refusal(exc)
    except (IntegrityError, DataError) as exc:
        db.session.rollback()
        return _error(f"Batch melanggar batasan basis data: {type(exc.orig).__name__}", 422)


@bp.post("/master")
@public
def master_data():
    try:
        body = _body()
        _installation()
        items = master.newer_than(body.get("have") or {})
        db.session.rollback()
        return jsonify({"items": items})
    except DomainError as exc:
        return _refusal(exc)
