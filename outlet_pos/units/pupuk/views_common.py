"""What every fertilizer page does the same way: the user, one action in one transaction with
its refusal flashed in Indonesian (``shell.actions``), and kg as people read them."""

from __future__ import annotations

from decimal import Decimal

from flask_login import current_user

from outlet_pos.core.inventory.services import fmt_qty
from outlet_pos.units.pupuk import bp
from outlet_pos.units.pupuk.models import FERTILIZER_TYPES
from outlet_pos.units.pupuk.services import season_of


def user():
    return current_user._get_current_object()


def kg(value) -> str:
    """``1.500`` / ``12,5`` (Indonesian notation, no trailing zeros)."""
    if value is None:
        return ""
    return fmt_qty(value if isinstance(value, Decimal) else Decimal(str(value)))


@bp.context_processor
def _pupuk_globals() -> dict:
    return {"kg": kg, "fertilizer_types": FERTILIZER_TYPES, "season_of": season_of}
