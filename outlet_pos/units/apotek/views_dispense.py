"""Serving a prescription (the apoteker's open shift, cash / QRIS / member credit) and
typing in an outside prescription. Both are the apoteker's (``pharmacy.dispense``)."""

from __future__ import annotations

from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from outlet_pos.core.access import requires
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.core.inventory.services import parse_qty
from outlet_pos.core.tenancy import require_cooperative
from outlet_pos.extensions import db
from outlet_pos.units.apotek import bp, dispense, duty, prescriptions
from outlet_pos.units.apotek.drugs import drug_rows
from outlet_pos.units.apotek.forms import DispenseForm, OutsideRxForm
from outlet_pos.units.apotek.views import _rx_or_404, _user

PATIENT_LIMIT = 500


def _quantities(rx) -> dict[int, Decimal] | None:
    """{line id: base qty} from the qty_<line id> inputs; a blank input dispenses nothing,
    a form without any of them (a plain "serve it all" post) everything that remains."""
    if not any(key.startswith("qty_") for key in request.form):
        return None
    out = {}
    for line in rx.lines:
        raw = (request.form.get(f"qty_{line.id}") or "").strip()
        if raw:
            try:
                out[line.id] = parse_qty(raw)
            except DomainError:
                raise DomainError(f"{line.item.name}: jumlah tidak valid.") from None
    return out


def _dispense_page(rx, form: DispenseForm, status: int = 200):
    coop = require_cooperative()
    try:
        planned = dispense.plan(rx)
    except DomainError:
        planned = []
    return render_template(
        "apotek/dispense.html",
        rx=rx,
        form=form,
        plan={p.line_id: p for p in planned},
        total=sum(p.total for p in planned),
        views=prescriptions.line_views(coop, [rx])[rx.id],
        member=dispense.patient_member(rx),
        shift=dispense.open_shift_of(coop, current_user),
        duty=duty.on_duty(coop),
    ), status


@bp.route("/resep/<int:prescription_id>/layani", methods=["GET", "POST"])
@requires("pharmacy.dispense")
def dispense_page(prescription_id: int):
    coop = require_cooperative()
    rx = _rx_or_404(prescription_id)
    if not rx.is_open:
        flash(
            _(
                "Resep %(number)s sudah %(status)s.",
                number=rx.number,
                status=rx.status_label.lower(),
            ),
            "error",
        )
        return redirect(url_for("apotek.prescription", prescription_id=rx.id))
    form = DispenseForm()
    if request.method == "GET" or not form.validate_on_submit():
        return _dispense_page(rx, form, 200 if request.method == "GET" else 400)
    try:
        sale = run_transaction(
            dispense.dispense,
            coop,
            _user(),
            rx.id,
            quantities=_quantities(rx),
            method=form.method.data,
            tendered=form.tendered.amount,
            reference=form.reference.data or "",
            idempotency_key=form.idempotency_key.data,
        )
    except DomainError as exc:
        db.session.rollback()
        form.form_errors.append(exc.message)
        return _dispense_page(_rx_or_404(prescription_id), form, 400)
    flash(_("Obat diserahkan: struk %(number)s.", number=sale.number), "success")
    return redirect(url_for("apotek.prescription", prescription_id=rx.id, struk=sale.id))


def _patient_choices(coop) -> list[tuple[str, str]]:
    from outlet_pos.units.klinik.models import Patient  # the clinic imports this package

    rows = db.session.scalars(
        select(Patient)
        .where(Patient.cooperative_id == coop.id)
        .order_by(Patient.name)
        .limit(PATIENT_LIMIT)
    )
    return [("", "— pasien luar (isi nama) —")] + [
        (str(p.id), f"{p.name} · {p.number}") for p in rows
    ]


def _create(coop, user, form: OutsideRxForm):
    from outlet_pos.units.klinik.models import Patient

    patient = None
    if form.patient.data:
        patient = db.session.get(Patient, int(form.patient.data))
        if patient is None or patient.cooperative_id != coop.id:
            raise DomainError("Pasien tidak ditemukan.", field="patient")
    lines = [
        {
            "item_id": int(sub.form.item.data),
            "qty": sub.form.qty.qty or 0,
            "dosage": sub.form.dosage.data,
        }
        for sub in form.lines
        if not sub.form.is_blank()
    ]
    return prescriptions.create_prescription(
        coop,
        user,
        patient=patient,
        prescriber=form.prescriber.data,
        written_on=form.written_on.data,
        lines=lines,
        source="luar",
        patient_name=form.patient_name.data or "",
        prescriber_note=form.prescriber_note.data,
    )


@bp.route("/resep/baru", methods=["GET", "POST"])
@requires("pharmacy.dispense")
def prescription_new():
    coop = require_cooperative()
    form = OutsideRxForm()
    form.patient.choices = _patient_choices(coop)
    drugs = [("", "— pilih obat —")] + [
        (str(r.item.id), f"{r.item.name} ({r.info.class_label})")
        for r in drug_rows(coop)
        if r.item.active
    ]
    for sub in form.lines:
        sub.form.item.choices = drugs
    if request.method == "GET":
        form.written_on.data = coop.today()
    if form.validate_on_submit():
        valid = {value for value, _label in drugs if value}
        if any(sub.form.item.data not in valid for sub in form.lines if not sub.form.is_blank()):
            form.form_errors.append("Pilih obat dari daftar.")
        else:
            try:
                rx = run_transaction(_create, coop, _user(), form)
            except DomainError as exc:
                db.session.rollback()
                target = getattr(form, exc.field or "", None)
                if target is not None and isinstance(getattr(target, "errors", None), list):
                    target.errors.append(exc.message)
                else:
                    form.form_errors.append(exc.message)
            else:
                flash(_("Resep %(number)s masuk antrean.", number=rx.number), "success")
                return redirect(url_for("apotek.prescription", prescription_id=rx.id))
    if request.method == "POST" and (form.errors or form.form_errors):
        return render_template("apotek/rx_new.html", form=form), 400
    return render_template("apotek/rx_new.html", form=form)
