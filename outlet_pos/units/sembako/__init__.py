"""The sembako unit: catalog, stock levels, stock card, transfers, write-offs, stock counts."""

from decimal import Decimal

from flask import Blueprint

from outlet_pos.core.inventory.services import fmt_qty

bp = Blueprint("sembako", __name__, url_prefix="/sembako")


def _qty(value) -> str:
    """A quantity as the outlet reads it (``12``, ``2,5``); blank stays blank."""
    if value is None:
        return ""
    return fmt_qty(value if isinstance(value, Decimal) else Decimal(str(value)))


@bp.context_processor
def _helpers() -> dict:
    return {"fmt_qty": _qty}


from outlet_pos.units.sembako import views_catalog, views_stock  # noqa: E402,F401
