"""The mentor's workspace: portfolio, one cooperative's dashboard, health assessments, visit
notes and charts. Pages about one cooperative work on the current cooperative; the portfolio
row switches to it (only among the cooperatives the user coaches, 404 otherwise)."""

from flask import Blueprint

bp = Blueprint("pendamping", __name__, url_prefix="/pendamping")

from outlet_pos.workspaces.pendamping import (  # noqa: E402,F401
    views_health,
    views_portfolio,
    views_trends,
    views_visits,
)
