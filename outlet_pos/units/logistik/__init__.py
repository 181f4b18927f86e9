"""Post and logistics desk (pos & logistik): parcel intake with billable weight and a dated
zone tariff, insurance and cash on delivery, the waybill label, the status timeline by
scanning, the courier partner's payable and the agent commission, COD held and remitted, and
deliveries of the cooperative's own goods to members' houses."""

from flask import Blueprint

bp = Blueprint("logistik", __name__, url_prefix="/logistik")

from outlet_pos.units.logistik import views, views_money  # noqa: E402,F401
