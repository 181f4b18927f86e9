"""The cashier's workspace: the selling screen, receipts and refunds, the shift and its cash."""

from flask import Blueprint

bp = Blueprint("kasir", __name__, url_prefix="/kasir")

from outlet_pos.workspaces.kasir import (  # noqa: E402,F401
    views,
    views_sales,
    views_shift,
)
