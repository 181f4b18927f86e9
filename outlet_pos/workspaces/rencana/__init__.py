"""Business plan (rencana bisnis): targets per unit per year, entered by pengurus, compared
with the books month by month."""

from flask import Blueprint

bp = Blueprint("rencana", __name__, url_prefix="/rencana-bisnis")

from outlet_pos.workspaces.rencana import views  # noqa: E402,F401
