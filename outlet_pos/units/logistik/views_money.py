"""Money pages of the parcel desk: COD received from couriers and handed to senders, paying
the courier partners, and the logistics reports (PDF/Excel). Views only parse and call
``money``/``reports``; each action is one transaction through ``shell.actions.act``."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from outlet_pos.core.access import requires
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.core.ledger.models import MONTHS_ID
from outlet_pos.core.sales import shifts
from outlet_pos.core.tenancy import get_scoped_or_404, parse_id, require_cooperative
from outlet_pos.money import format_rupiah
from outlet_pos.shell.actions import act
from outlet_pos.shell.downloads import send_report
from outlet_pos.units.logistik import bp, money, money_checks, reports
from outlet_pos.units.logistik.models import STATUSES, Courier, Parcel
from outlet_pos.units.logistik.money_models import COD_IN, COD_OUT, SETTLE_VIAS

money_checks.register()  # the subledger checks of ``outlet-pos verify``

MANAGE = "logistics.manage"
REPORT = "logistics.report"
TABLES = {"status": "Paket per status per bulan", "cod": "COD per paket",
          "komisi": "Komisi per bulan per kurir"}  # fmt: skip


class CodInForm(FlaskForm):
    via = SelectField("Diterima", choices=dict(COD_IN))


class CodOutForm(FlaskForm):
    via = SelectField("Serahkan", choices=dict(COD_OUT))


class SettleForm(FlaskForm):
    via = SelectField("Dibayar", choices=dict(SETTLE_VIAS))
    note = StringField("Catatan (no. transfer, nama petugas kurir)",
                       validators=[Optional(), Length(max=300)])  # fmt: skip


def _user():
    return current_user._get_current_object()


def _ids(name: str) -> list[int]:
    return [i for i in map(parse_id, request.form.getlist(name)) if i is not None]


@bp.route("/cod")
@requires(MANAGE)
def cod():
    coop = require_cooperative()
    return render_template(
        "logistik/cod.html",
        to_collect=reports.cod_rows(coop, stage="tagih"),
        to_remit=reports.cod_rows(coop, stage="serah"),
        totals=reports.cod_totals(coop),
        dues=reports.courier_dues(coop),
        settlements=reports.recent_settlements(coop),
        in_form=CodInForm(formdata=None),
        out_form=CodOutForm(formdata=None),
        shift=shifts.open_shift_for(_user()),
        cod_out=COD_OUT,
        parcel_page="logistik.parcel" in current_app.view_functions,
    )


@bp.route("/cod/terima", methods=["POST"])
@requires(MANAGE)
def cod_collect():
    coop = require_cooperative()
    back = url_for("logistik.cod")
    form = CodInForm()
    if not form.validate_on_submit():
        flash(_("Pilih cara terima setoran COD."), "error")
        return redirect(back)

    def done(moves) -> str:
        total = sum(m.amount for m in moves)
        return f"Setoran COD {len(moves)} paket ({format_rupiah(total)}) diterima dari kurir."

    return act(back, money.collect_cod, coop, _ids("parcel"), _user(), form.via.data, done=done)


@bp.route("/cod/<int:parcel_id>/serah", methods=["POST"])
@requires(MANAGE)
def cod_remit(parcel_id: int):
    coop = require_cooperative()
    parcel = get_scoped_or_404(Parcel, parcel_id)
    back = url_for("logistik.cod")
    form = CodOutForm()
    if not form.validate_on_submit():
        flash(_("Pilih cara menyerahkan COD ke pengirim."), "error")
        return redirect(back)

    def done(move) -> str:
        return (f"COD {parcel.number} {format_rupiah(move.amount)} diserahkan ke "
                f"{parcel.sender_name} ({move.via_label.lower()}).")  # fmt: skip

    return act(back, money.remit_cod, coop, parcel.id, _user(), form.via.data, done=done)


@bp.route("/kurir/<int:courier_id>/bayar", methods=["GET", "POST"])
@requires(MANAGE)
def courier_settle(courier_id: int):
    coop = require_cooperative()
    courier = get_scoped_or_404(Courier, courier_id)
    form = SettleForm()
    status = 200
    if request.method == "POST":
        chosen = _ids("charge")
        if form.validate_on_submit():
            try:
                settlement = run_transaction(money.settle_courier, coop, courier, _user(),
                                             form.via.data, charge_ids=chosen,
                                             note=form.note.data or "")  # fmt: skip
            except DomainError as exc:
                form.form_errors.append(exc.message)
            else:
                flash(
                    _(
                        "%(number)s: %(amount)s dibayar ke %(name)s untuk %(parcels)s paket.",
                        number=settlement.number,
                        amount=format_rupiah(settlement.amount),
                        name=courier.name,
                        parcels=settlement.parcels,
                    ),
                    "success",
                )
                return redirect(url_for("logistik.cod"))
        status = 400
    else:
        chosen = None
    charges = money.unsettled_charges(coop, courier)
    return render_template(
        "logistik/cod_settle.html", courier=courier, charges=charges, form=form,
        chosen=set(chosen) if chosen is not None else {c.id for c in charges},
        total=sum(c.courier_amount for c in charges), shift=shifts.open_shift_for(_user()),
    ), status  # fmt: skip


@bp.route("/laporan", endpoint="reports")  # the module `reports` keeps its name
@requires(REPORT)
def reports_page():
    coop = require_cooperative()
    today = coop.today()
    year = request.args.get("tahun", type=int) or today.year
    if not 2000 <= year <= today.year + 1:
        year = today.year
    by_status = reports.status_by_month(coop, year)
    cod_rows = reports.cod_rows(coop, year=year)
    commission = reports.commission_by_month(coop, year)
    which = request.args.get("tabel", "status")
    which = which if which in TABLES else "status"
    table = {"status": lambda: reports.status_table(by_status),
             "cod": lambda: reports.cod_table(cod_rows),
             "komisi": lambda: reports.commission_table(commission)}[which]()  # fmt: skip
    period = f"Tahun {year}"
    exported = send_report(coop, table, TABLES[which], period, f"logistik-{which}-{year}")
    if exported is not None:
        return exported
    return render_template(
        "logistik/reports.html", year=year, by_status=by_status, cod_rows=cod_rows,
        commission=commission, statuses=STATUSES, months=MONTHS_ID,
        parcel_total=sum(sum(counts.values()) for _, counts in by_status),
        totals=reports.cod_totals(coop), dues=reports.courier_dues(coop),
        years=list(range(today.year, today.year - 5, -1)),
    )  # fmt: skip
