"""JSON API v1 (DESIGN §2.1): integrations and phones talk to the same services as the pages.

Only public, read-only endpoints so far (the loan simulator); token-authenticated ones join
here later. Every answer is JSON, errors included: ``{"error": ..., "parameter": ...}``.
"""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from outlet_pos.api import loans  # noqa: E402,F401
