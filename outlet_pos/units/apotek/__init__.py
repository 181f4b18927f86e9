"""The village pharmacy (apotek desa): the drug master, prescriptions and their queue, the
apoteker on duty, dispensing through the core's checkout (FEFO batches, drug-class rules),
the narcotics/psychotropics register, expiry alerts and write-offs, and the reports."""

from flask import Blueprint

bp = Blueprint("apotek", __name__, url_prefix="/apotek")

from outlet_pos.units.apotek import register, rules  # noqa: E402

rules.register()
register.register()

from outlet_pos.units.apotek import views, views_register  # noqa: E402,F401
