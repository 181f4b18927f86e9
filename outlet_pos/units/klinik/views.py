"""The clinic's front desk (``clinic.desk``): patients and the day's queue. These pages show
names, numbers, dates and statuses only; the medical record is in ``views_record`` behind
``clinic.records``."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_

from outlet_pos.core.access import requires
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.core.inventory.services import fmt_qty
from outlet_pos.core.tenancy import get_scoped_or_404, require_cooperative, scoped
from outlet_pos.extensions import db
from outlet_pos.shell.actions import act
from outlet_pos.units.klinik import bp
from outlet_pos.units.klinik.forms import PatientForm, QueueForm, place_error
from outlet_pos.units.klinik.models import SEXES, Patient
from outlet_pos.units.klinik.services.patients import (
    register_patient,
    search_patients,
    update_patient,
)
from outlet_pos.units.klinik.services.visits import cancel_visit, day_queue, register_visit
from outlet_pos.units.klinik.visit_models import VISIT_STATUSES, Visit

DESK = "clinic.desk"


def user():
    """The real user object: services keep it beyond the request proxy."""
    return current_user._get_current_object()


@bp.context_processor
def _klinik_globals() -> dict:
    return {"sexes": SEXES, "visit_statuses": VISIT_STATUSES, "fmt_qty": fmt_qty}


@bp.route("/pasien")
@requires(DESK)
def patients():
    coop = require_cooperative()
    query = (request.args.get("q") or "").strip()[:100]
    rows = search_patients(coop, query)
    return render_template("klinik/patients.html", rows=rows, query=query)


@bp.route("/pasien/baru", methods=["GET", "POST"])
@requires(DESK)
def patient_new():
    coop = require_cooperative()
    form = PatientForm()
    if form.validate_on_submit():
        try:
            patient = run_transaction(register_patient, coop, user(), form.values())
        except DomainError as exc:
            place_error(form, exc)
        else:
            flash(
                _(
                    "Pasien %(name)s terdaftar dengan nomor %(number)s.",
                    name=patient.name,
                    number=patient.number,
                ),
                "success",
            )
            return redirect(url_for("klinik.patient_detail", patient_id=patient.id))
    status = 400 if request.method == "POST" else 200
    return render_template("klinik/patient_form.html", form=form, patient=None), status


@bp.route("/pasien/<int:patient_id>/ubah", methods=["GET", "POST"])
@requires(DESK)
def patient_edit(patient_id: int):
    coop = require_cooperative()
    patient = get_scoped_or_404(Patient, patient_id)
    form = PatientForm(obj=patient if request.method == "GET" else None)
    if request.method == "GET":
        form.member_number.data = patient.member.member_number if patient.member else ""
    if form.validate_on_submit():
        try:
            run_transaction(update_patient, coop, patient, user(), form.values())
        except DomainError as exc:
            place_error(form, exc)
        else:
            flash(_("Data pasien disimpan."), "success")
            return redirect(url_for("klinik.patient_detail", patient_id=patient_id))
    status = 400 if request.method == "POST" else 200
    return render_template("klinik/patient_form.html", form=form, patient=patient), status


@bp.route("/pasien/<int:patient_id>")
@requires(DESK)
def patient_detail(patient_id: int):
    patient = get_scoped_or_404(Patient, patient_id)
    visits = db.session.scalars(
        scoped(Visit).where(Visit.patient_id == patient.id).order_by(Visit.id.desc()).limit(200)
    ).all()
    return render_template("klinik/patient_detail.html", patient=patient, visits=visits,
                           can_records=current_user.can("clinic.records"))  # fmt: skip


@bp.route("/pasien/<int:patient_id>/antre", methods=["POST"])
@requires(DESK)
def patient_enqueue(patient_id: int):
    coop = require_cooperative()
    patient = get_scoped_or_404(Patient, patient_id)
    return act(url_for("klinik.queue"), register_visit, coop, user(), patient,
               done=lambda v: f"{patient.name} masuk antrean nomor {v.queue_label}.")  # fmt: skip


def parse_day(raw: str | None) -> date | None:
    """``?tanggal=2025-10-21`` (the date input); None when absent or malformed."""
    try:
        return date.fromisoformat((raw or "").strip()[:10])
    except ValueError:
        return None


@bp.route("/antrean")
@requires(DESK)
def queue():
    coop = require_cooperative()
    day = parse_day(request.args.get("tanggal")) or coop.today()
    rows = day_queue(coop, day)
    counts = {key: sum(1 for v in rows if v.status == key) for key in VISIT_STATUSES}
    return render_template("klinik/queue.html", rows=rows, day=day, counts=counts,
                           is_today=day == coop.today(), form=QueueForm(formdata=None),
                           can_records=current_user.can("clinic.records"))  # fmt: skip


@bp.route("/antrean/tambah", methods=["POST"])
@requires(DESK)
def queue_add():
    coop = require_cooperative()
    form = QueueForm()
    back = url_for("klinik.queue")
    if not form.validate_on_submit():
        flash(_("Isi nomor RM atau NIK pasien."), "error")
        return redirect(back)
    key = form.patient.data.strip()
    patient = db.session.scalar(
        scoped(Patient).where(or_(Patient.number == key.upper(), Patient.nik == key))
    )
    if patient is None:
        flash(
            _("Pasien %(key)s tidak ditemukan; daftarkan dulu sebagai pasien baru.", key=key),
            "error",
        )
        return redirect(back)
    return act(back, register_visit, coop, user(), patient,
               done=lambda v: f"{patient.name} masuk antrean nomor {v.queue_label}.")  # fmt: skip


@bp.route("/kunjungan/<int:visit_id>/batal", methods=["POST"])
@requires(DESK)
def visit_cancel(visit_id: int):
    coop = require_cooperative()
    visit = get_scoped_or_404(Visit, visit_id)
    return act(url_for("klinik.queue", tanggal=visit.business_date.isoformat()), cancel_visit,
               coop, visit, user(), done=f"Antrean {visit.queue_label} dibatalkan.")  # fmt: skip


from outlet_pos.units.klinik import views_admin, views_billing, views_record  # noqa: E402,F401
