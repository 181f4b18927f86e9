"""JSON API v1 (DESIGN §2.1): integrations and phones talk to the same services as the pages.

Token-authenticated (``Authorization: Bearer opk_...``, tokens made on the "Token API" page),
scoped, and idempotent on every POST. Every answer is JSON, errors included:
``{"error": <Indonesian message>, "field": ..., "code": ...}``. The description of every
endpoint is served at /api/v1/openapi.json, written from the same declarations that check
the requests (``spec.endpoint``).
"""

import hashlib

from flask import Blueprint, current_app, request
from flask_limiter.util import get_remote_address

from outlet_pos.extensions import csrf, limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Bearer tokens, not cookies, authenticate the API: there is no session for CSRF to protect.
csrf.exempt(bp)


def _rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def _rate_key() -> str:
    """Per token: a runaway client (a phone in a retry loop) slows only itself, not the other
    devices at the same outlet, which share one address behind its router. Requests without
    a token count per address. Only a digest is kept in the limiter's storage."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer ") and len(header) < 300:
        return "token:" + hashlib.sha256(header.encode()).hexdigest()[:32]
    return "addr:" + get_remote_address()


limiter.limit(_rate_limit, key_func=_rate_key)(bp)

from outlet_pos.api import errors  # noqa: E402

errors.register(bp)

from outlet_pos.api import (  # noqa: E402,F401
    catalog,
    loans,
    me,
    members,
    openapi,
    reports,
    sales,
    simpin,
)
