"""Idempotent submits: a POST carries an ``Idempotency-Key``; the first success is stored with
its answer in the same transaction as the business action, and a retry gets that answer
back, byte for byte, without touching the books again.

Rules (documented in openapi.json): the key is unique per cooperative; the same key with a
different body, for a different endpoint or from a different user is a 409; a refused
request stores nothing, so fixing the body and sending it again with the same key works.
Two copies of one request racing each other: on SQLite the second waits for the first
(BEGIN IMMEDIATE) and then replays it; on PostgreSQL the loser's insert hits the unique key,
``run_transaction`` runs it again, and the second run replays.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from flask import Response, jsonify
from sqlalchemy import select

from outlet_pos.api.errors import ApiError
from outlet_pos.api.models import ApiIdempotency
from outlet_pos.core.db import run_transaction, utcnow
from outlet_pos.extensions import db

REPLAYED_HEADER = "Idempotent-Replayed"


def fingerprint(body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def service_key(key: str) -> str:
    """The key handed to the service (sale, savings, loan payment): derived, so an API key
    can never collide with a key the counter's pages made for their own forms."""
    return "api:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:60]


def submit(call, key: str, endpoint: str, action: Callable[[], tuple[dict, int]]) -> Response:
    """Run ``action`` (which returns ``(payload, status)``) once per key; replay otherwise."""
    caller = call.caller
    coop_id, user_id, token_id = caller.coop.id, caller.user.id, caller.token.id
    digest = fingerprint(call.body)
    call.service_key = service_key(key)

    def once() -> tuple[dict, int, bool]:
        prior = db.session.scalar(
            select(ApiIdempotency).where(
                ApiIdempotency.cooperative_id == coop_id, ApiIdempotency.idempotency_key == key
            )
        )
        if prior is not None:
            if prior.user_id != user_id or prior.endpoint != endpoint:
                raise ApiError(
                    409,
                    "Idempotency-Key ini sudah dipakai untuk permintaan lain; buat kunci baru.",
                    field="Idempotency-Key",
                    code="idempotency_key_reused",
                )
            if prior.request_hash != digest:
                raise ApiError(
                    409,
                    "Idempotency-Key ini sudah dipakai dengan isi yang berbeda; kirim isi yang "
                    "sama untuk mengulang, atau buat kunci baru.",
                    field="Idempotency-Key",
                    code="idempotency_key_reused",
                )
            return json.loads(prior.response_json), prior.status_code, True
        payload, status = action()
        db.session.add(
            ApiIdempotency(
                cooperative_id=coop_id,
                idempotency_key=key,
                user_id=user_id,
                token_id=token_id,
                endpoint=endpoint[:100],
                request_hash=digest,
                status_code=status,
                response_json=json.dumps(payload, ensure_ascii=False, sort_keys=True),
                created_at=utcnow(),
            )
        )
        db.session.flush()
        return payload, status, False

    payload, status, replayed = run_transaction(once)
    resp = jsonify(payload)
    resp.status_code = status
    resp.headers[REPLAYED_HEADER] = "true" if replayed else "false"
    return resp
