"""The clinic's tariff list and prescribers (``clinic.manage``) and reports
(``clinic.report``; counts and amounts only, no patient names)."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from outlet_pos.core.access import requires
from outlet_pos.core.db import run_transaction
from outlet_pos.core.documents import Column
from outlet_pos.core.documents.tables import Table
from outlet_pos.core.errors import DomainError
from outlet_pos.core.ledger.models import MONTHS_ID
from outlet_pos.core.tenancy import get_scoped_or_404, require_cooperative, scoped
from outlet_pos.extensions import db
from outlet_pos.shell.downloads import send_report
from outlet_pos.units.klinik import bp
from outlet_pos.units.klinik.forms import PrescriberForm, TariffForm, place_error
from outlet_pos.units.klinik.services import reports
from outlet_pos.units.klinik.services.prescribers import prescribers as prescriber_list
from outlet_pos.units.klinik.services.prescribers import save_prescriber
from outlet_pos.units.klinik.services.treatment import save_tariff
from outlet_pos.units.klinik.views import user
from outlet_pos.units.klinik.visit_models import ClinicPrescriber, ClinicTariff

REPORTS = {"bulan": "Kunjungan per bulan", "diagnosa": "Diagnosis (ICD-10)",
           "layanan": "Pendapatan per layanan"}  # fmt: skip


def _tariff_page(form: TariffForm, tariff: ClinicTariff | None, status: int = 200):
    rows = db.session.scalars(scoped(ClinicTariff).order_by(ClinicTariff.code)).all()
    return render_template("klinik/tariffs.html", rows=rows, form=form, tariff=tariff), status


@bp.route("/tarif", methods=["GET", "POST"])
@requires("clinic.manage")
def tariffs():
    return _save_tariff(None)


@bp.route("/tarif/<int:tariff_id>", methods=["GET", "POST"])
@requires("clinic.manage")
def tariff_edit(tariff_id: int):
    return _save_tariff(get_scoped_or_404(ClinicTariff, tariff_id))


def _save_tariff(tariff: ClinicTariff | None):
    coop = require_cooperative()
    form = TariffForm(obj=tariff) if tariff is not None else TariffForm()
    if request.method == "GET" and tariff is not None:
        form.price.data = str(tariff.price)
    if not form.is_submitted():
        return _tariff_page(form, tariff)
    if form.validate():
        try:
            run_transaction(save_tariff, coop, user(), code=form.code.data, name=form.name.data,
                            price=form.price.amount, active=form.active.data,
                            tariff=tariff)  # fmt: skip
        except DomainError as exc:
            place_error(form, exc)
        else:
            flash(_("Tarif layanan disimpan."), "success")
            return redirect(url_for("klinik.tariffs"))
    return _tariff_page(form, tariff, 400)


@bp.route("/penulis-resep", methods=["GET", "POST"])
@requires("clinic.manage")
def prescribers():
    return _save_prescriber(None)


@bp.route("/penulis-resep/<int:prescriber_id>", methods=["GET", "POST"])
@requires("clinic.manage")
def prescriber_edit(prescriber_id: int):
    return _save_prescriber(get_scoped_or_404(ClinicPrescriber, prescriber_id))


def _save_prescriber(row: ClinicPrescriber | None):
    """The clinic's prescribers and their SIP/STR: the examination page picks from them."""
    coop = require_cooperative()
    form = PrescriberForm(obj=row) if row is not None else PrescriberForm()
    status = 200
    if form.is_submitted():
        status = 400
        if form.validate():
            try:
                run_transaction(save_prescriber, coop, user(), name=form.name.data,
                                profession=form.profession.data,
                                license_no=form.license_no.data, active=form.active.data,
                                prescriber_id=row.id if row else None)  # fmt: skip
            except DomainError as exc:
                place_error(form, exc)
            else:
                flash(_("Penulis resep disimpan."), "success")
                return redirect(url_for("klinik.prescribers"))
    return render_template("klinik/prescribers.html", rows=prescriber_list(coop), form=form,
                           row=row), status  # fmt: skip


def _year(coop) -> int:
    raw = (request.args.get("tahun") or "").strip()
    year = int(raw) if raw.isascii() and raw.isdigit() and len(raw) == 4 else 0
    return year if 2000 <= year <= 2100 else coop.today().year


def _table(kind: str, year: int, months, diag, services) -> Table:
    if kind == "diagnosa":
        return Table(
            [Column("Bab", 0.08), Column("Kelompok", 0.32), Column("Kode", 0.1),
             Column("Diagnosis", 0.38), Column("Kasus", 0.12, "right")],
            [[r.chapter, r.chapter_name, r.code, r.name, r.count] for r in diag],
            ["Jumlah", "", "", "", sum(r.count for r in diag)],
            ["Hanya jumlah kasus; tidak memuat identitas pasien."],
        )  # fmt: skip
    if kind == "layanan":
        return Table(
            [Column("Layanan", 0.6), Column("Jumlah", 0.15, "right"),
             Column("Pendapatan", 0.25, "right")],
            [[r.name, r.qty, r.amount] for r in services],
            ["Jumlah", sum(r.qty for r in services), sum(r.amount for r in services)],
            ["Dari tagihan lunas (yang dibatalkan tidak dihitung)."],
        )  # fmt: skip
    return Table(
        [Column("Bulan", 0.4), Column("Kunjungan", 0.2, "right"),
         Column("Pasien", 0.2, "right"), Column("Batal", 0.2, "right")],
        [[f"{MONTHS_ID[r.month - 1]} {year}", r.visits, r.patients, r.cancelled] for r in months],
        ["Jumlah", sum(r.visits for r in months), "", sum(r.cancelled for r in months)],
    )  # fmt: skip


@bp.route("/laporan", endpoint="reports")
@requires("clinic.report")
def reports_page():
    coop = require_cooperative()
    year = _year(coop)
    kind = request.args.get("laporan") if request.args.get("laporan") in REPORTS else "bulan"
    start, end = date(year, 1, 1), date(year, 12, 31)
    months = reports.visits_per_month(coop, year)
    diag = reports.diagnoses(coop, start, end)
    services = reports.revenue_per_service(coop, start, end)
    table = _table(kind, year, months, diag, services)
    exported = send_report(coop, table, f"Laporan Klinik — {REPORTS[kind]}", f"Tahun {year}",
                           f"klinik-{kind}-{year}")  # fmt: skip
    if exported is not None:
        return exported
    return render_template("klinik/reports.html", year=year, kind=kind, kinds=REPORTS,
                           months=months, diag=diag, services=services,
                           months_id=MONTHS_ID)  # fmt: skip
