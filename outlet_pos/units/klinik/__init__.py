"""The village clinic (klinik desa): patients, the day's queue, visit records with ICD-10
diagnoses, services from a tariff list, consumables from clinic stock, prescriptions sent to
the pharmacy queue, referral letters, billing at the counter or on member credit."""

from flask import Blueprint

bp = Blueprint("klinik", __name__, url_prefix="/klinik")

from outlet_pos.units.klinik import views  # noqa: E402,F401
