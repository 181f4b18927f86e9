"""Sales and stock reports: per day, unit, tender, cashier, item; shifts; stock valuation."""

from flask import Blueprint

bp = Blueprint("laporan", __name__, url_prefix="/laporan")

from outlet_pos.workspaces.laporan import views  # noqa: E402,F401
