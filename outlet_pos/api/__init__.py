"""JSON API v1 (DESIGN §2.1): integrations and phones talk to the same services as the pages.

Token-authenticated (``Authorization: Bearer opk_...``, tokens made on the "Token API" page),
scoped, and idempotent on every POST. Every answer is JSON, errors included:
``{"error": <Indonesian message>, "field": ..., "code": ...}``. The description of every
endpoint is served at /api/v1/openapi.json, written from the same declarations that check
the requests (``spec.endpoint``).
"""

from flask import Blueprint

from outlet_pos.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Bearer tokens, not cookies, authenticate the API: there is no session for CSRF to protect.
csrf.exempt(bp)

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
