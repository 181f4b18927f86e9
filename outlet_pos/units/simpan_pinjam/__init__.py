"""The savings-and-loans unit (simpan pinjam): members, simpanan, loans, the loan simulator,
and its reports. Its subledger checks join ``outlet-pos verify`` through the core's registry."""

from flask import Blueprint

bp = Blueprint("simpin", __name__, url_prefix="/simpan-pinjam")

from outlet_pos.units.simpan_pinjam import checks  # noqa: E402

checks.register()
checks.register_checklist()

from outlet_pos.units.simpan_pinjam import (  # noqa: E402,F401
    views_admin,
    views_documents,
    views_loans,
    views_members,
    views_reports,
    views_savings,
    views_simulator,
)
