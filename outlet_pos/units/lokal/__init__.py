"""Local business units (unit lokal) made from a form, not from code: a name, a template
(fisheries, livestock, LPG 3 kg base, cold storage, agent services, or plain), the flows it
uses, its catalog; it sells through the core's checkout and is its own column in the income
statement per unit."""

from flask import Blueprint

bp = Blueprint("lokal", __name__, url_prefix="/unit-lokal")

from outlet_pos.units.lokal import rules  # noqa: E402

rules.register()

from outlet_pos.units.lokal import views, views_agent, views_fish  # noqa: E402,F401
