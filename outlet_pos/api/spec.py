"""How an API endpoint is declared: one ``endpoint(...)`` call registers the route, checks the
token, the scope and the role permission, reads query parameters and the JSON body against
their schemas, runs a POST idempotently, and leaves an ``Operation`` on the view from which
/api/v1/openapi.json is written. Declaration, checks and document are one thing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Response, g, jsonify, request

from outlet_pos.api import bp
from outlet_pos.api.errors import ApiError
from outlet_pos.api.schema import INT32_MAX, check, parse_json, require
from outlet_pos.core.access import PERMISSIONS, PUBLIC

MAX_BODY = 256 * 1024  # a 200-line sale is ~20 KB
INTEGER_TEXT = re.compile(r"-?[0-9]{1,19}")


@dataclass(frozen=True)
class Param:
    """A query parameter: its schema is both the check and the documentation."""

    name: str
    schema: dict
    description: str
    required: bool = False


@dataclass(frozen=True)
class Operation:
    method: str
    summary: str
    tag: str
    responses: dict[int, tuple[str, dict]]  # success status -> (description, schema)
    description: str = ""
    scope: str | None = None  # None with permission None: public
    permission: str | None = None
    params: tuple[Param, ...] = ()
    body: dict | None = None
    idempotent: bool = False
    not_found: bool = False  # may answer 404 for an id in the body
    business_rules: bool = False  # may answer 422
    public: bool = False
    legacy_parameter: bool = False  # errors also carry "parameter" (the simulator's old name)


@dataclass
class Call:
    """What a view gets: the caller (None on public endpoints), the checked query and body,
    and, for an idempotent POST, the key to hand the service."""

    caller: Any
    args: dict[str, Any] = field(default_factory=dict)
    body: Any = None
    service_key: str | None = None


def endpoint(rule: str, op: Operation) -> Callable:
    if not op.public and (op.permission not in PERMISSIONS):
        raise ValueError(f"{rule}: unknown permission {op.permission}")

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(**path: Any):
            for value in path.values():
                if isinstance(value, int) and not 1 <= value <= INT32_MAX:
                    raise ApiError(404)
            caller = None if op.public else _authorize(op)
            try:
                call = Call(caller, _query(op.params))
            except ApiError as err:
                if op.legacy_parameter:
                    err.extra = {"parameter": err.field}
                raise
            if op.idempotent:
                from outlet_pos.api.idempotency import submit

                key = idempotency_key()
                call.body = read_body(op.body)
                return submit(call, key, f"{op.method} {rule}", lambda: view(call, **path))
            if op.body is not None:
                call.body = read_body(op.body)
            return _respond(view(call, **path))

        wrapped.api_operation = op  # type: ignore[attr-defined]
        wrapped.permission = PUBLIC if op.public else op.permission  # type: ignore[attr-defined]
        wrapped.api_scope = op.scope  # type: ignore[attr-defined]
        # No automatic OPTIONS: the API is not for browsers, and an undeclared method is a 405.
        return bp.route(rule, methods=[op.method], provide_automatic_options=False)(wrapped)

    return decorator


def _respond(result: Any) -> Response:
    if isinstance(result, Response):
        return result
    payload, status = result if isinstance(result, tuple) else (result, 200)
    resp = jsonify(payload)
    resp.status_code = status
    return resp


def _authorize(op: Operation):
    """The token's caller, with the scope and the role permission this endpoint needs."""
    from outlet_pos.api import tokens
    from outlet_pos.core.db import run_transaction, utcnow
    from outlet_pos.extensions import db

    now = utcnow()
    try:
        caller = tokens.caller_for(request.headers.get("Authorization"), now)
    except tokens.TokenRefused as exc:
        raise ApiError(401, exc.message, field="Authorization", code="unauthorized") from None
    if tokens.needs_touch(caller.token, now):
        # Its own short write, at most once a minute per token: a GET stays a read.
        token_id = caller.token.id
        db.session.rollback()
        run_transaction(tokens.touch, token_id, now)
    g.cooperative = caller.coop
    g.api_caller = caller
    if op.scope is not None and op.scope not in caller.scopes:
        raise ApiError(
            403,
            f"Token ini tidak memiliki cakupan {op.scope}.",
            field="Authorization",
            code="insufficient_scope",
        )
    if not caller.user.can(op.permission, caller.coop):
        raise ApiError(
            403,
            "Peran Anda di koperasi ini tidak mengizinkan tindakan ini.",
            code="forbidden",
        )
    return caller


def _query(params: tuple[Param, ...]) -> dict[str, Any]:
    known = {p.name: p for p in params}
    for name in request.args:
        if name not in known:
            raise ApiError(400, f"Parameter {name} tidak dikenal.", field=name)
    out: dict[str, Any] = {}
    for p in params:
        values = request.args.getlist(p.name)
        if len(values) > 1:
            raise ApiError(400, f"Parameter {p.name} hanya boleh dikirim sekali.", field=p.name)
        if not values:
            if p.required:
                raise ApiError(400, f"Parameter {p.name} wajib diisi.", field=p.name)
            out[p.name] = p.schema.get("default")
            continue
        raw = values[0]
        value: Any = raw
        if p.schema.get("type") == "integer":
            if not INTEGER_TEXT.fullmatch(raw):
                raise ApiError(400, f"Parameter {p.name} harus bilangan bulat.", field=p.name)
            value = int(raw)
        errors = check(p.schema, value, p.name)
        if errors:
            raise ApiError(400, errors[0][1], field=p.name, code="validation_error")
        out[p.name] = value
    return out


IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_SCHEMA = {
    "type": "string",
    "minLength": 1,
    "maxLength": 64,
    "pattern": "^[A-Za-z0-9._:~-]+$",
}


def idempotency_key() -> str:
    raw = request.headers.get(IDEMPOTENCY_HEADER)
    if raw is None:
        raise ApiError(
            400,
            f"Header {IDEMPOTENCY_HEADER} wajib dikirim (1 sampai 64 karakter, mis. UUID).",
            field=IDEMPOTENCY_HEADER,
            code="idempotency_key_missing",
        )
    if check(IDEMPOTENCY_SCHEMA, raw):
        raise ApiError(
            400,
            f"Header {IDEMPOTENCY_HEADER} harus 1 sampai 64 karakter: huruf, angka, . _ : ~ -",
            field=IDEMPOTENCY_HEADER,
            code="validation_error",
        )
    return raw


def read_body(schema: dict | None) -> Any:
    """The JSON body, checked against ``schema``: 415 unless JSON, 413 when too large, 400
    for anything malformed or off the schema."""
    if request.mimetype != "application/json":
        raise ApiError(415)
    length = request.content_length
    if length is not None and length > MAX_BODY:
        raise ApiError(413, f"Badan permintaan paling besar {MAX_BODY // 1024} KB.")
    # A chunked body has no length up front: read it (the app's MAX_CONTENT_LENGTH bounds
    # it) and measure. get_data caches, so an app-wide hook may have read it already.
    raw = request.get_data()
    if len(raw) > MAX_BODY:
        raise ApiError(413, f"Badan permintaan paling besar {MAX_BODY // 1024} KB.")
    value = parse_json(raw)
    if schema is not None:
        require(schema, value)
    return value
