"""The installation admin's workspace: cooperatives, outlets, units, users and roles."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from outlet_pos.workspaces.admin import views, views_sync, views_tokens  # noqa: E402,F401
