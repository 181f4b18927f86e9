"""The pharmacy's queue: open prescriptions newest first (patient, allergies, prescriber,
lines with stock on hand and the batch FEFO will take), the apoteker's duty buttons, one
prescription's page and its salinan resep PDF. Dispensing and the drug master live in
views_dispense.py and views_drugs.py."""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, url_for
from flask_login import current_user

from outlet_pos.core.access import requires
from outlet_pos.core.db import utcnow
from outlet_pos.core.errors import NotFound
from outlet_pos.core.inventory.services import fmt_qty
from outlet_pos.core.tenancy import require_cooperative
from outlet_pos.shell.actions import act
from outlet_pos.units.apotek import bp, dispense, duty, prescriptions
from outlet_pos.units.apotek.documents import CopyData, CopyLine, mark_for, render_prescription_copy
from outlet_pos.units.apotek.drugs import pharmacy_unit
from outlet_pos.units.apotek.forms import ActionForm, CancelForm
from outlet_pos.units.apotek.prescription_models import Prescription


@bp.context_processor
def _helpers() -> dict:
    return {"fmt_qty": fmt_qty}


def _user():
    return current_user._get_current_object()


def _rx_or_404(rx_id: int) -> Prescription:
    try:
        return prescriptions.get_prescription(require_cooperative(), rx_id)
    except NotFound:
        abort(404)


@bp.route("/resep")
@requires("pharmacy.view")
def queue():
    coop = require_cooperative()
    rows = prescriptions.queue(coop)
    q = request.args.get("q", "").strip()[:100]
    return render_template(
        "apotek/queue.html",
        rows=rows,
        views=prescriptions.line_views(coop, rows),
        closed=prescriptions.recent_closed(coop, limit=50 if q else 20, q=q),
        q=q,
        duty=duty.on_duty(coop),
        my_duty=duty.open_duty_of(coop, current_user)
        if current_user.can("pharmacy.dispense")
        else None,
        shift=dispense.open_shift_of(coop, current_user),
        form=ActionForm(),
        has_unit=pharmacy_unit(coop) is not None,
    )


@bp.route("/bertugas", methods=["POST"])
@requires("pharmacy.dispense")
def duty_start():
    back = url_for("apotek.queue")
    if not ActionForm().validate_on_submit():
        return redirect(back)
    return act(
        back, duty.start_duty, require_cooperative(), _user(), done="Anda tercatat sedang bertugas."
    )


@bp.route("/selesai-bertugas", methods=["POST"])
@requires("pharmacy.dispense")
def duty_end():
    back = url_for("apotek.queue")
    if not ActionForm().validate_on_submit():
        return redirect(back)
    return act(
        back, duty.end_duty, require_cooperative(), _user(), done="Tugas Anda selesai dicatat."
    )


@bp.route("/resep/<int:prescription_id>")
@requires("pharmacy.view")
def prescription(prescription_id: int):
    coop = require_cooperative()
    rx = _rx_or_404(prescription_id)
    return render_template(
        "apotek/prescription.html",
        rx=rx,
        views=prescriptions.line_views(coop, [rx])[rx.id],
        sales=dispense.sales_of(rx),
        shown=request.args.get("struk", type=int),
        cancel=CancelForm(),
    )


@bp.route("/resep/<int:prescription_id>/batal", methods=["POST"])
@requires("pharmacy.dispense")
def prescription_cancel(prescription_id: int):
    coop = require_cooperative()
    rx = _rx_or_404(prescription_id)
    back = url_for("apotek.prescription", prescription_id=rx.id)
    form = CancelForm()
    if not form.validate_on_submit():
        return act(back, prescriptions.cancel_prescription, coop, _user(), rx.id, "")
    return act(
        back,
        prescriptions.cancel_prescription,
        coop,
        _user(),
        rx.id,
        form.reason.data,
        done=f"Resep {rx.number} dibatalkan.",
    )


def copy_data(rx: Prescription, apoteker: str) -> CopyData:
    coop = require_cooperative()
    unit = pharmacy_unit(coop)
    patient = rx.patient
    detail = []
    if patient is not None:
        age = patient.age_on(rx.written_on)
        if age is not None:
            detail.append(f"umur {age} th")
        detail.append(patient.number)
    from outlet_pos.formatting import tanggal

    return CopyData(
        coop_name=coop.name,
        coop_address=coop.address or "",
        pharmacy_name=unit.name if unit is not None else "Apotek",
        number=rx.number,
        written_on=tanggal(rx.written_on),
        copied_on=tanggal(coop.today()),
        prescriber=rx.prescriber,
        prescriber_note=rx.prescriber_note,
        patient=rx.display_name,
        patient_detail=" · ".join(detail),
        apoteker=apoteker,
        lines=[
            CopyLine(
                drug=line.item.name,
                qty=f"{fmt_qty(line.qty)} {line.item.base_uom}",
                signa=line.dosage,
                mark=mark_for(line.qty, line.dispensed_qty, fmt_qty),
            )
            for line in rx.lines
        ],
        note="Dibatalkan: " + rx.cancel_reason if rx.status == "batal" else "",
        printed=f"Dicetak {coop.local_time(utcnow()):%d/%m/%Y %H:%M} oleh {current_user.full_name}",
    )


@bp.route("/resep/<int:prescription_id>/salinan")
@requires("pharmacy.dispense")
def prescription_copy(prescription_id: int):
    """The salinan resep (p.c.c.): the apoteker certifies the copy with their own name, so
    only an apoteker may print it."""
    rx = _rx_or_404(prescription_id)
    pdf = render_prescription_copy(copy_data(rx, current_user.full_name))
    headers = {"Content-Disposition": f'inline; filename="salinan-{rx.number}.pdf"'}
    return Response(pdf, mimetype="application/pdf", headers=headers)


from outlet_pos.units.apotek import views_dispense, views_drugs  # noqa: E402,F401
