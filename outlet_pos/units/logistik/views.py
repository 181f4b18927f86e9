"""Pages of the parcel desk: the parcel list, intake with a server-side quote ("Hitung"), the
parcel's timeline, the A6 waybill PDF, the scan page, and couriers with dated tariffs. The
money pages (COD, courier settlements, reports) are ``views_money``."""

from __future__ import annotations

from decimal import Decimal

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from outlet_pos.core.access import requires
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.core.sales import shifts
from outlet_pos.core.tenancy import get_scoped_or_404, parse_id, require_cooperative, scoped
from outlet_pos.extensions import db
from outlet_pos.units.logistik import bp
from outlet_pos.units.logistik.forms import (
    CourierForm,
    IntakeForm,
    ScanForm,
    StatusForm,
    TariffForm,
    VoidForm,
    place_error,
)
from outlet_pos.units.logistik.models import KINDS, SERVICES, STATUSES, ZONES, Courier, Parcel
from outlet_pos.units.logistik.money_models import ParcelCharge
from outlet_pos.units.logistik.parcels import advance, allowed_next, intake, quote_values, scan
from outlet_pos.units.logistik.tariffs import add_tariff, couriers, save_courier, tariff_table
from outlet_pos.units.logistik.voids import active_charge, can_void, return_and_refund
from outlet_pos.units.logistik.waybill import dec, kg, render_waybill, waybill_data

DESK, MANAGE = "logistics.desk", "logistics.manage"
LIST_LIMIT = 300


def user():
    return current_user._get_current_object()


@bp.context_processor
def _labels() -> dict:
    """Labels and a check for the tab bar: a tab shows once its page exists (the money
    helper's pages may not be there yet)."""
    return {"parcel_statuses": STATUSES, "parcel_services": SERVICES, "parcel_zones": ZONES,
            "parcel_kinds": KINDS, "kg": kg, "dec": dec,
            "logistik_has": lambda ep: ep in current_app.view_functions}  # fmt: skip


def _my_shift(coop):
    shift = shifts.open_shift_for(current_user)
    return shift if shift is not None and shift.cooperative_id == coop.id else None


@bp.route("/paket")
@requires(DESK)
def parcels():
    status = request.args.get("status", "")
    q = (request.args.get("q") or "").strip()[:60]
    stmt = scoped(Parcel).order_by(Parcel.id.desc())
    if status in STATUSES:
        stmt = stmt.where(Parcel.status == status)
    if q:
        like = f"%{q}%"
        fields = (Parcel.number, Parcel.receiver_name, Parcel.sender_name, Parcel.receiver_phone)
        stmt = stmt.where(or_(*(f.ilike(like) for f in fields)))
    rows = db.session.scalars(stmt.limit(LIST_LIMIT + 1)).all()
    return render_template("logistik/parcels.html", rows=rows[:LIST_LIMIT], status=status, q=q,
                           truncated=len(rows) > LIST_LIMIT)  # fmt: skip


def _intake_page(form: IntakeForm, info=None, status: int = 200):
    coop = require_cooperative()
    form.fill_choices(couriers(coop, active_only=True))
    return render_template("logistik/parcel_new.html", form=form, info=info,
                           shift=_my_shift(coop)), status  # fmt: skip


@bp.route("/paket/baru", methods=["GET", "POST"])
@requires(DESK)
def parcel_new():
    coop = require_cooperative()
    form = IntakeForm()
    if not form.is_submitted():
        return _intake_page(form)
    form.fill_choices(couriers(coop, active_only=True))
    if not form.validate():
        return _intake_page(form, status=400)
    if "hitung" in request.form:
        try:
            info = quote_values(coop, form.values())
        except DomainError as exc:
            place_error(form, exc)
            return _intake_page(form, status=400)
        return _intake_page(form, info)
    try:
        parcel = run_transaction(intake, coop, user(), _my_shift(coop), form.values())
    except DomainError as exc:
        place_error(form, exc)
        return _intake_page(form, status=400)
    flash(_("Paket %(number)s diterima. Cetak resinya.", number=parcel.number), "success")
    return redirect(url_for("logistik.parcel", parcel_id=parcel.id))


def _detail_page(parcel: Parcel, form: StatusForm | None = None, status: int = 200,
                 void_form: VoidForm | None = None):  # fmt: skip
    form = form or StatusForm(formdata=None)
    form.status.choices = [("", "— pilih —")] + [(s, STATUSES[s]) for s in allowed_next(parcel)]
    charge = active_charge(parcel) or db.session.scalar(
        select(ParcelCharge).where(ParcelCharge.parcel_id == parcel.id)
    )
    return render_template("logistik/parcel_detail.html", p=parcel, form=form, charge=charge,
                           void_form=void_form or VoidForm(formdata=None),
                           voidable=can_void(parcel)), status  # fmt: skip


@bp.route("/paket/<int:parcel_id>")
@requires(DESK)
def parcel(parcel_id: int):
    return _detail_page(get_scoped_or_404(Parcel, parcel_id))


@bp.route("/paket/<int:parcel_id>/status", methods=["POST"])
@requires(DESK)
def parcel_status(parcel_id: int):
    coop = require_cooperative()
    parcel = get_scoped_or_404(Parcel, parcel_id)
    form = StatusForm()
    if form.validate():
        try:
            parcel = run_transaction(advance, coop, parcel, user(), form.status.data,
                                     form.note.data, form.place.data,
                                     _my_shift(coop))  # fmt: skip
        except DomainError as exc:
            place_error(form, exc)
        else:
            flash(
                _(
                    "Paket %(number)s: %(status_label)s.",
                    number=parcel.number,
                    status_label=parcel.status_label,
                ),
                "success",
            )
            return redirect(url_for("logistik.parcel", parcel_id=parcel_id))
    return _detail_page(get_scoped_or_404(Parcel, parcel_id), form, 400)


@bp.route("/paket/<int:parcel_id>/batal", methods=["POST"])
@requires(MANAGE)
def parcel_void(parcel_id: int):
    """Refund the sender: a parcel still at the counter is returned, one already returned
    only gets its refund (``voids.return_and_refund``)."""
    coop = require_cooperative()
    parcel = get_scoped_or_404(Parcel, parcel_id)
    form = VoidForm()
    if form.validate():
        try:
            run_transaction(return_and_refund, coop, parcel, user(), _my_shift(coop),
                            form.reason.data)  # fmt: skip
        except DomainError as exc:
            place_error(form, exc)
        else:
            flash(
                _("Ongkos kirim paket %(number)s dikembalikan ke pengirim.", number=parcel.number),
                "success",
            )
            return redirect(url_for("logistik.parcel", parcel_id=parcel_id))
    return _detail_page(get_scoped_or_404(Parcel, parcel_id), status=400, void_form=form)


@bp.route("/paket/<int:parcel_id>/resi")
@requires(DESK)
def waybill(parcel_id: int):
    coop = require_cooperative()
    parcel = get_scoped_or_404(Parcel, parcel_id)
    pdf = render_waybill(waybill_data(parcel, coop.name))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="resi-{parcel.number}.pdf"'})  # fmt: skip


@bp.route("/pindai", methods=["GET", "POST"], endpoint="scan")
@requires(DESK)
def scan_page():
    coop = require_cooperative()
    form = ScanForm()
    parcel = None
    if form.is_submitted():
        if form.validate():
            try:
                parcel = run_transaction(scan, coop, user(), form.code.data, form.status.data,
                                         form.note.data, form.place.data)  # fmt: skip
            except DomainError as exc:
                place_error(form, exc)
            else:
                flash(
                    _(
                        "%(number)s: %(status_label)s.",
                        number=parcel.number,
                        status_label=parcel.status_label,
                    ),
                    "success",
                )
                parcel = db.session.get(Parcel, parcel.id)
                keep = form.status.data
                form = ScanForm(formdata=None)
                form.status.data = keep  # the next parcel of the batch goes the same way
        if parcel is None:
            return render_template("logistik/scan.html", form=form, p=None), 400
    return render_template("logistik/scan.html", form=form, p=parcel)


def _tariff_page(tariff_form=None, courier_form=None, courier: Courier | None = None,
                 status: int = 200):  # fmt: skip
    coop = require_cooperative()
    tariff_form = tariff_form or TariffForm(formdata=None)
    all_couriers = couriers(coop)
    tariff_form.courier.choices = [("", "— pilih kurir —")] + [
        (str(c.id), c.name) for c in all_couriers
    ]
    if not tariff_form.valid_from.data and not tariff_form.valid_from.raw_data:
        tariff_form.valid_from.data = coop.today()
    return render_template(
        "logistik/tariffs.html", couriers=all_couriers, rows=tariff_table(coop, coop.today()),
        tariff_form=tariff_form, courier_form=courier_form or CourierForm(formdata=None),
        courier=courier, today=coop.today(),
    ), status  # fmt: skip


@bp.route("/tarif", methods=["GET", "POST"])
@requires(MANAGE)
def tariffs():
    coop = require_cooperative()
    form = TariffForm()
    if not form.is_submitted():
        return _tariff_page()
    if form.validate():
        try:
            row = run_transaction(
                add_tariff, coop, user(),
                courier_id=parse_id(form.courier.data),
                service=form.service.data, zone=form.zone.data, first_kg=form.first_kg.amount,
                next_kg=form.next_kg.amount, valid_from=form.valid_from.data,
                eta_days=form.eta_days.data,
            )  # fmt: skip
        except DomainError as exc:
            place_error(form, exc)
        else:
            flash(
                _(
                    "Tarif %(service)s %(zone)s ditambahkan.",
                    service=row.service,
                    zone=ZONES[row.zone],
                ),
                "success",
            )
            return redirect(url_for("logistik.tariffs"))
    return _tariff_page(tariff_form=form, status=400)


@bp.route("/kurir", methods=["POST"])
@requires(MANAGE)
def courier_new():
    return _save_courier(None)


@bp.route("/kurir/<int:courier_id>", methods=["GET", "POST"])
@requires(MANAGE)
def courier_edit(courier_id: int):
    return _save_courier(get_scoped_or_404(Courier, courier_id))


def _save_courier(courier: Courier | None):
    coop = require_cooperative()
    if request.method == "GET":
        form = CourierForm(obj=courier)
        form.insurance_min.data = str(courier.insurance_min)
        form.insurance_rate_percent.data = dec(courier.insurance_rate * 100)
        form.commission_percent.data = dec(courier.commission_percent)
        form.rounding_kg.data = "0.5" if courier.rounding_kg == Decimal("0.5") else "1"
        return _tariff_page(courier_form=form, courier=courier)
    form = CourierForm()
    if form.validate():
        try:
            saved = run_transaction(
                save_courier, coop, user(), code=form.code.data, name=form.name.data,
                commission_percent=form.commission_percent.data,
                rounding_kg=form.rounding_kg.data,
                insurance_rate_percent=form.insurance_rate_percent.data,
                insurance_min=form.insurance_min.amount, active=form.active.data,
                courier=courier,
            )  # fmt: skip
        except DomainError as exc:
            place_error(form, exc)
        else:
            flash(_("Kurir %(name)s disimpan.", name=saved.name), "success")
            return redirect(url_for("logistik.tariffs"))
    return _tariff_page(courier_form=form, courier=courier, status=400)
