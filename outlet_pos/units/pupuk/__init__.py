"""The fertilizer unit (pupuk): farmers, e-RDKK allocations, HET as dated data, and the
redemption of subsidised fertilizer at the counter through the core's unit-rules hooks."""

from flask import Blueprint

bp = Blueprint("pupuk", __name__, url_prefix="/pupuk")

from outlet_pos.units.pupuk import checks, rules  # noqa: E402

checks.register()
rules.register()

from outlet_pos.units.pupuk import (  # noqa: E402,F401
    views_common,
    views_farmers,
    views_import,
    views_reports,
    views_setup,
)
