"""The savings-and-loans unit (simpan pinjam): members, simpanan, loans, the loan simulator."""

from flask import Blueprint

bp = Blueprint("simpin", __name__, url_prefix="/simpan-pinjam")

from outlet_pos.units.simpan_pinjam import checks  # noqa: E402

checks.register()
