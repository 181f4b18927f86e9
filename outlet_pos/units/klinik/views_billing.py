"""Billing at the desk (``clinic.desk``): the visit's services as a bill, paid in the cashier's
shift or on member credit, the kuitansi PDF, and the void (pengurus/bendahara: a reversal).
These pages show services and amounts only — no complaint, no diagnosis."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from outlet_pos.core.access import requires
from outlet_pos.core.db import run_transaction, utcnow
from outlet_pos.core.errors import DomainError
from outlet_pos.core.sales import shifts
from outlet_pos.core.sales.checkout import member_credit_balance
from outlet_pos.core.tenancy import get_scoped_or_404, require_cooperative
from outlet_pos.formatting import tanggal
from outlet_pos.units.klinik import bp
from outlet_pos.units.klinik.forms import BillForm, VoidForm, place_error
from outlet_pos.units.klinik.services.billing import bill_visit, bills_of, void_bill
from outlet_pos.units.klinik.services.documents import KwitansiData, render_kwitansi
from outlet_pos.units.klinik.views import user
from outlet_pos.units.klinik.visit_models import ClinicBill, Visit

DESK = "clinic.desk"
VOID = "ledger.reverse"  # pengurus, bendahara (and admin): voiding money is theirs


def _page(visit: Visit, form: BillForm | None = None, status: int = 200, void_form=None):
    coop = require_cooperative()
    member = visit.patient.member
    shift = shifts.open_shift_for(current_user)
    return render_template(
        "klinik/bill.html", v=visit, patient=visit.patient, bills=bills_of(visit),
        form=form or BillForm(formdata=None), void_form=void_form or VoidForm(formdata=None),
        member=member, owed=member_credit_balance(coop, member) if member else 0,
        shift=shift if shift is not None and shift.cooperative_id == coop.id else None,
        can_void=current_user.can(VOID),
    ), status  # fmt: skip


@bp.route("/kunjungan/<int:visit_id>/tagihan", methods=["GET", "POST"])
@requires(DESK)
def visit_bill(visit_id: int):
    coop = require_cooperative()
    visit = get_scoped_or_404(Visit, visit_id)
    form = BillForm()
    if not form.is_submitted():
        return _page(visit)
    if form.validate():
        try:
            bill = run_transaction(bill_visit, coop, visit, user(), form.method.data)
        except DomainError as exc:
            place_error(form, exc)
        else:
            flash(
                _(
                    "Tagihan %(number)s lunas (%(method_label)s).",
                    number=bill.number,
                    method_label=bill.method_label,
                ),
                "success",
            )
            return redirect(url_for("klinik.visit_bill", visit_id=visit_id))
    return _page(get_scoped_or_404(Visit, visit_id), form, 400)


@bp.route("/tagihan/<int:bill_id>/kuitansi.pdf")
@requires(DESK)
def bill_receipt(bill_id: int):
    coop = require_cooperative()
    bill = get_scoped_or_404(ClinicBill, bill_id)
    visit = bill.visit
    local = coop.local_time(utcnow())
    data = KwitansiData(
        coop_name=coop.name,
        coop_address=", ".join(x for x in (coop.address, coop.desa, coop.kabupaten) if x),
        number=bill.number, date=tanggal(bill.date),
        patient=f"{visit.patient.number} {visit.patient.name}", method=bill.method_label,
        amount=bill.amount, services=[(s.name, s.qty, s.amount) for s in visit.services],
        cashier=bill.created_by.full_name if bill.created_by else "",
        void_note=f"{bill.void_reason} ({bill.void_entry.number})" if bill.is_void else "",
        printed=f"Dicetak {tanggal(local)} {local:%H:%M} {coop.timezone} oleh "
        f"{current_user.full_name}",
    )  # fmt: skip
    return Response(render_kwitansi(data), mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{bill.number}.pdf"'})  # fmt: skip


@bp.route("/tagihan/<int:bill_id>/batal", methods=["POST"])
@requires(VOID)
def bill_void(bill_id: int):
    coop = require_cooperative()
    bill = get_scoped_or_404(ClinicBill, bill_id)
    form = VoidForm()
    if form.validate_on_submit():
        try:
            run_transaction(void_bill, coop, bill, user(), form.reason.data)
        except DomainError as exc:
            place_error(form, exc)
        else:
            flash(
                _("%(number)s dibatalkan; jurnal pembaliknya sudah diposting.", number=bill.number),
                "success",
            )
            return redirect(url_for("klinik.visit_bill", visit_id=bill.visit_id))
    bill = get_scoped_or_404(ClinicBill, bill_id)
    return _page(bill.visit, None, 400, void_form=form)
