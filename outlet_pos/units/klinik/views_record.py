"""The visit record (``clinic.records`` only: petugas klinik): examination, diagnosis,
services, consumables, the prescription to the pharmacy and the referral letter. No other
role reaches these pages or the referral PDF (a 403)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from outlet_pos.core.access import requires
from outlet_pos.core.db import run_transaction, utcnow
from outlet_pos.core.errors import DomainError
from outlet_pos.core.inventory.models import Item
from outlet_pos.core.inventory.services import fmt_qty
from outlet_pos.core.tenancy import get_scoped_or_404, parse_id, require_cooperative
from outlet_pos.extensions import db
from outlet_pos.formatting import tanggal
from outlet_pos.shell.actions import act
from outlet_pos.units.apotek.models import DrugInfo
from outlet_pos.units.klinik import bp
from outlet_pos.units.klinik.forms import (
    ConsumableForm,
    PrescriptionForm,
    RecordForm,
    ReferralForm,
    ServiceForm,
    place_error,
)
from outlet_pos.units.klinik.models import SEXES
from outlet_pos.units.klinik.services import icd10
from outlet_pos.units.klinik.services.documents import ReferralData, render_referral
from outlet_pos.units.klinik.services.prescribers import prescribers
from outlet_pos.units.klinik.services.treatment import (
    active_tariffs,
    add_service,
    clinic_items,
    remove_service,
    send_prescription,
    use_consumable,
)
from outlet_pos.units.klinik.services.visits import (
    amend_record,
    amendments,
    finish_visit,
    is_closed,
    paid_bill,
    save_record,
)
from outlet_pos.units.klinik.services.visits import save_referral as save_referral_service
from outlet_pos.units.klinik.views import user
from outlet_pos.units.klinik.visit_models import Visit

RECORDS = "clinic.records"
RX_ROWS = 5
FIELD_LABELS = {name: str(field.args[0]) for name, field in vars(RecordForm).items()
                if name in RecordForm.FIELDS}  # fmt: skip


def drugs(coop) -> list[tuple[Item, DrugInfo]]:
    """The pharmacy's drugs (items with drug facts) for the prescription lines."""
    return db.session.execute(
        select(Item, DrugInfo)
        .join(DrugInfo, DrugInfo.item_id == Item.id)
        .where(Item.cooperative_id == coop.id, DrugInfo.cooperative_id == coop.id)
        .order_by(Item.name)
    ).all()


def vitals_text(v: Visit) -> str:
    parts = []
    if v.systolic and v.diastolic:
        parts.append(f"TD {v.systolic}/{v.diastolic} mmHg")
    if v.pulse:
        parts.append(f"nadi {v.pulse}x/menit")
    if v.temperature is not None:
        parts.append(f"suhu {fmt_qty(v.temperature)} °C")
    if v.spo2:
        parts.append(f"SpO2 {v.spo2}%")  # Helvetica has no subscript two
    if v.weight is not None:
        parts.append(f"BB {fmt_qty(v.weight)} kg")
    if v.height is not None:
        parts.append(f"TB {fmt_qty(v.height)} cm")
    return ", ".join(parts)


def _page(visit: Visit, status: int = 200, **forms):
    coop = require_cooperative()
    record_form = forms.get("record_form")
    if record_form is None:
        record_form = RecordForm(formdata=None)
        record_form.fill(visit)
    service_form = forms.get("service_form") or ServiceForm(formdata=None)
    service_form.tariff.choices = {"": "— pilih layanan —"} | {
        str(t.id): f"{t.code} {t.name}" for t in active_tariffs(coop)
    }
    consumable_form = forms.get("consumable_form") or ConsumableForm(formdata=None)
    consumable_form.item.choices = {"": "— pilih barang klinik —"} | {
        str(i.id): f"{i.name} ({i.base_uom})" for i in clinic_items(coop, visit.unit)
    }
    referral_form = forms.get("referral_form") or ReferralForm(formdata=None)
    if not referral_form.to.data and visit.referral_to:
        referral_form.to.data = visit.referral_to
        referral_form.reason.data = visit.referral_reason
        referral_form.summary.data = visit.referral_summary
    rx_form = forms.get("rx_form") or PrescriptionForm(formdata=None)
    rx_form.prescriber.choices = {"": "— petugas (obat bebas saja) —"} | {
        str(p.id): p.label for p in prescribers(coop, active_only=True)
    }
    return render_template(
        "klinik/record.html", v=visit, patient=visit.patient, record_form=record_form,
        service_form=service_form, consumable_form=consumable_form, rx_form=rx_form,
        closed=is_closed(visit), amendments=amendments(visit), field_labels=FIELD_LABELS,
        referral_form=referral_form, drugs=drugs(coop), rx_rows=RX_ROWS,
        icd_codes=icd10.codes(), bill=paid_bill(visit), today=coop.today(),
        age=visit.patient.age_on(visit.business_date),
    ), status  # fmt: skip


@bp.route("/kunjungan/<int:visit_id>/rekam", methods=["GET", "POST"])
@requires(RECORDS)
def visit_record(visit_id: int):
    coop = require_cooperative()
    visit = get_scoped_or_404(Visit, visit_id)
    if request.method == "GET":
        return _page(visit)
    form = RecordForm()
    if form.validate_on_submit():
        try:
            if is_closed(visit):  # finished or billed: a dated amendment with its reason
                run_transaction(amend_record, coop, visit, user(), form.values(),
                                form.amend_reason.data or "")  # fmt: skip
            else:
                run_transaction(save_record, coop, visit, user(), form.values())
        except DomainError as exc:
            place_error(form, exc)
        else:
            flash(_("Rekam medis disimpan."), "success")
            return redirect(url_for("klinik.visit_record", visit_id=visit_id))
    return _page(get_scoped_or_404(Visit, visit_id), 400, record_form=form)


@bp.route("/kunjungan/<int:visit_id>/selesai", methods=["POST"])
@requires(RECORDS)
def visit_finish(visit_id: int):
    coop = require_cooperative()
    visit = get_scoped_or_404(Visit, visit_id)
    return act(url_for("klinik.visit_record", visit_id=visit_id), finish_visit, coop, visit,
               user(), done=f"Kunjungan {visit.queue_label} selesai.")  # fmt: skip


def _int(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    return parse_id(raw)


@bp.route("/kunjungan/<int:visit_id>/layanan", methods=["POST"])
@requires(RECORDS)
def visit_service(visit_id: int):
    coop = require_cooperative()
    visit = get_scoped_or_404(Visit, visit_id)
    back = url_for("klinik.visit_record", visit_id=visit_id) + "#layanan"
    remove = _int(request.form.get("remove"))
    if remove is not None:
        return act(back, remove_service, coop, visit, user(), remove, done="Layanan dihapus.")
    form = ServiceForm()
    if not form.validate_on_submit():
        flash(_("Pilih layanan dan jumlahnya (1 atau lebih)."), "error")
        return redirect(back)
    return act(back, add_service, coop, visit, user(), _int(form.tariff.data), form.qty.data,
               done="Layanan ditambahkan.")  # fmt: skip


@bp.route("/kunjungan/<int:visit_id>/bahan", methods=["POST"])
@requires(RECORDS)
def visit_consumable(visit_id: int):
    coop = require_cooperative()
    visit = get_scoped_or_404(Visit, visit_id)
    back = url_for("klinik.visit_record", visit_id=visit_id) + "#bahan"
    form = ConsumableForm()
    if not form.validate_on_submit():
        flash(_("Pilih barang dan isi jumlahnya."), "error")
        return redirect(back)
    return act(back, use_consumable, coop, visit, user(), _int(form.item.data), form.qty.data,
               done="Pemakaian bahan dicatat dan stok klinik berkurang.")  # fmt: skip


def _rx_lines() -> list[dict]:
    """The filled prescription rows of the form (blank rows skipped)."""
    lines = []
    for n in range(RX_ROWS):
        item = _int(request.form.get(f"rx_item_{n}"))
        qty_raw = (request.form.get(f"rx_qty_{n}") or "").strip().replace(",", ".")[:20]
        dosage = (request.form.get(f"rx_dosage_{n}") or "").strip()
        if item is None and not qty_raw and not dosage:
            continue
        try:
            qty = Decimal(qty_raw) if qty_raw else None
        except InvalidOperation:
            qty = None
        lines.append({"item_id": item, "qty": qty, "dosage": dosage})
    return lines


@bp.route("/kunjungan/<int:visit_id>/resep", methods=["POST"])
@requires(RECORDS)
def visit_prescription(visit_id: int):
    coop = require_cooperative()
    visit = get_scoped_or_404(Visit, visit_id)
    back = url_for("klinik.visit_record", visit_id=visit_id) + "#resep"
    form = PrescriptionForm()
    if not form.validate_on_submit():
        flash(_("Catatan resep terlalu panjang."), "error")
        return redirect(back)
    return act(back, send_prescription, coop, visit, user(), _rx_lines(), form.note.data or "",
               _int(form.prescriber.data), done="Resep dikirim ke antrean apotek.")  # fmt: skip


@bp.route("/kunjungan/<int:visit_id>/rujukan", methods=["POST"])
@requires(RECORDS)
def visit_referral(visit_id: int):
    coop = require_cooperative()
    visit = get_scoped_or_404(Visit, visit_id)
    form = ReferralForm()
    if form.validate_on_submit():
        try:
            run_transaction(save_referral_service, coop, visit, user(), to=form.to.data,
                            reason=form.reason.data, summary=form.summary.data)  # fmt: skip
        except DomainError as exc:
            place_error(form, exc)
        else:
            flash(_("Surat rujukan disimpan."), "success")
            return redirect(url_for("klinik.visit_record", visit_id=visit_id) + "#rujukan")
    return _page(get_scoped_or_404(Visit, visit_id), 400, referral_form=form)


@bp.route("/kunjungan/<int:visit_id>/rujukan.pdf")
@requires(RECORDS)
def referral_pdf(visit_id: int):
    coop = require_cooperative()
    v = get_scoped_or_404(Visit, visit_id)
    if not v.referral_number:
        flash(_("Belum ada surat rujukan untuk kunjungan ini."), "warning")
        return redirect(url_for("klinik.visit_record", visit_id=visit_id))
    p = v.patient
    age = p.age_on(v.business_date)
    local = coop.local_time(utcnow())
    data = ReferralData(
        coop_name=coop.name,
        coop_address=", ".join(x for x in (coop.address, coop.desa, coop.kabupaten) if x),
        clinic_name=v.unit.name, number=v.referral_number, date=tanggal(v.business_date),
        to=v.referral_to, patient_name=p.name, patient_number=p.number,
        sex=SEXES.get(p.sex, p.sex), age=f"{age} tahun" if age is not None else "-",
        address=p.address, allergies=p.allergies, vitals=vitals_text(v),
        complaint=v.complaint, examination=v.examination,
        diagnosis=f"{v.icd10_code} {v.diagnosis_text}".strip(), reason=v.referral_reason,
        summary=v.referral_summary,
        doctor=v.examined_by.full_name if v.examined_by else current_user.full_name,
        printed=f"Dicetak {tanggal(local)} {local:%H:%M} {coop.timezone} oleh "
        f"{current_user.full_name}",
    )  # fmt: skip
    return Response(render_referral(data), mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{v.referral_number}.pdf"',
        "Cache-Control": "no-store"})  # fmt: skip
