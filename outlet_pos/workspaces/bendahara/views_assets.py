"""assets pages of the treasurer's desk: the fixed-asset register with book values (PDF and
Excel), registering an asset, its depreciation schedule and disposal, and the monthly
depreciation run."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from outlet_pos.core.access import requires
from outlet_pos.core.assets.models import DepreciationLine, DepreciationRun, FixedAsset
from outlet_pos.core.assets.schedule import from_index, last_day, month_index, schedule
from outlet_pos.core.assets.services import (
    accumulated,
    dispose_asset,
    is_asset_account,
    is_funding,
    is_proceeds,
    month_label,
    plan_depreciation,
    post_depreciation,
    register_asset,
)
from outlet_pos.core.db import run_transaction
from outlet_pos.core.documents import Column
from outlet_pos.core.documents.tables import Table
from outlet_pos.core.errors import DomainError
from outlet_pos.core.ledger.models import Account
from outlet_pos.core.tenancy import (
    Cooperative,
    get_scoped_or_404,
    parse_id,
    require_cooperative,
    scoped,
)
from outlet_pos.extensions import db
from outlet_pos.shell.downloads import send_report
from outlet_pos.workspaces.bendahara import bp
from outlet_pos.workspaces.bendahara.common import unit_choices
from outlet_pos.workspaces.bendahara.forms_assets import AssetForm, DepreciationForm, DisposeForm
from outlet_pos.workspaces.bendahara.forms_expenses import parse_month
from outlet_pos.workspaces.bendahara.purchasing_helpers import place_error

PERM = "asset.manage"
FIELDS = ("name", "code", "account", "unit", "acquired_on", "cost", "residual", "life_months",
          "funding", "location", "notes")  # fmt: skip
FIELD_ALIASES = {"date": "acquired_on"}


def user():
    return current_user._get_current_object()


def _accounts(coop: Cooperative, test) -> dict:
    rows = db.session.scalars(
        select(Account).where(Account.cooperative_id == coop.id, Account.active.is_(True),
                              Account.is_header.is_(False)).order_by(Account.code)
    )  # fmt: skip
    return {a.code: a.label for a in rows if test(a.code)}


@bp.route("/aset-tetap")
@requires(PERM)
def assets():
    coop = require_cooperative()
    status = request.args.get("status", "active")
    stmt = scoped(FixedAsset, coop).order_by(FixedAsset.code)
    if status in ("active", "disposed"):
        stmt = stmt.where(FixedAsset.status == status)
    rows = db.session.scalars(stmt).all()
    posted = accumulated(coop)
    items = [(a, posted.get(a.id, 0)) for a in rows]
    live = [(a, acc) for a, acc in items if a.status == "active"]
    totals = {
        "cost": sum(a.cost for a, _ in live),
        "acc": sum(acc for _, acc in live),
    }
    totals["book"] = totals["cost"] - totals["acc"]
    table = Table(
        [Column("Kode", 0.09), Column("Nama", 0.22), Column("Golongan", 0.13), Column("Unit", 0.09),
         Column("Perolehan", 0.09), Column("Umur (bln)", 0.06, "right"),
         Column("Harga perolehan", 0.11, "right"), Column("Akum. penyusutan", 0.11, "right"),
         Column("Nilai buku", 0.11, "right"), Column("Status", 0.07)],
        [[a.code, a.name, a.account.name, a.unit.name if a.unit else "", a.acquired_on,
          a.life_months, a.cost, acc, a.cost - acc if a.status == "active" else 0, a.status_label]
         for a, acc in items],
        ["Jumlah aset aktif", "", "", "", "", "", totals["cost"], totals["acc"], totals["book"],
         ""],
        landscape=True,
    )  # fmt: skip
    today = coop.today()
    exported = send_report(coop, table, "Daftar Aset Tetap", f"Per {today:%d-%m-%Y}",
                           f"aset-tetap-{today:%Y%m%d}")  # fmt: skip
    if exported is not None:
        return exported
    return render_template("bendahara/assets/list.html", items=items, totals=totals,
                           status=status)  # fmt: skip


def _form_page(coop: Cooperative, form: AssetForm, status: int = 200):
    form.account.choices = {"": "— pilih golongan —"} | _accounts(coop, is_asset_account)
    form.funding.choices = {"": "— pilih sumber dana —"} | _accounts(coop, is_funding)
    form.unit.choices = dict(unit_choices(coop))
    return render_template("bendahara/assets/new.html", form=form), status


@bp.route("/aset-tetap/baru", methods=["GET", "POST"])
@requires(PERM)
def asset_new():
    coop = require_cooperative()
    form = AssetForm()
    if request.method == "GET":
        form.acquired_on.data = coop.today()
        return _form_page(coop, form)
    if form.validate_on_submit():
        try:
            asset = run_transaction(
                register_asset, coop, user(),
                name=form.name.data, code=form.code.data, account=form.account.data,
                acquired_on=form.acquired_on.data, cost=form.cost.amount,
                residual=form.residual.amount or 0, life_months=int(form.life_months.data),
                funding=form.funding.data,
                unit=parse_id(form.unit.data),
                location=form.location.data, notes=form.notes.data,
            )  # fmt: skip
        except DomainError as exc:
            if exc.field in FIELD_ALIASES:
                exc.field = FIELD_ALIASES[exc.field]
            place_error(form, exc, FIELDS)
        else:
            flash(
                _("Aset %(code)s dicatat dan perolehannya diposting.", code=asset.code), "success"
            )
            return redirect(url_for("bendahara.asset_detail", fixed_asset_id=asset.id))
    return _form_page(coop, form, 400)


def _detail_page(coop: Cooperative, asset: FixedAsset, form=None, status: int = 200):
    posted = dict(
        db.session.execute(
            select(DepreciationRun.year * 12 + DepreciationRun.month - 1, DepreciationLine.amount)
            .join(DepreciationRun, DepreciationRun.id == DepreciationLine.run_id)
            .where(DepreciationLine.cooperative_id == coop.id,
                   DepreciationLine.asset_id == asset.id)
        ).all()
    )  # fmt: skip
    if form is None:
        form = DisposeForm(formdata=None)
        form.date.data = coop.today()
    form.proceeds_account.choices = {"": "—"} | _accounts(coop, is_proceeds)
    rows = schedule(asset.cost, asset.residual_amount, asset.life_months, asset.acquired_on)
    return render_template(
        "bendahara/assets/detail.html",
        a=asset,
        rows=rows,
        posted=posted,
        month_index=month_index,
        total_posted=sum(posted.values()),
        form=form,
    ), status


@bp.route("/aset-tetap/<int:fixed_asset_id>")
@requires(PERM)
def asset_detail(fixed_asset_id: int):
    coop = require_cooperative()
    return _detail_page(coop, get_scoped_or_404(FixedAsset, fixed_asset_id))


@bp.route("/aset-tetap/<int:fixed_asset_id>/lepas", methods=["POST"])
@requires(PERM)
def asset_dispose(fixed_asset_id: int):
    coop = require_cooperative()
    asset = get_scoped_or_404(FixedAsset, fixed_asset_id)
    form = DisposeForm()
    if form.validate_on_submit():
        try:
            run_transaction(
                dispose_asset, coop, asset, user(), day=form.date.data, kind=form.kind.data,
                reason=form.reason.data, proceeds=form.proceeds.amount or 0,
                proceeds_account=form.proceeds_account.data or None,
            )  # fmt: skip
        except DomainError as exc:
            place_error(form, exc, ("date", "kind", "proceeds", "proceeds_account", "reason"))
        else:
            flash(_("Aset %(code)s dilepas dari register.", code=asset.code), "success")
            return redirect(url_for("bendahara.asset_detail", fixed_asset_id=fixed_asset_id))
    asset = get_scoped_or_404(FixedAsset, fixed_asset_id)
    return _detail_page(coop, asset, form, 400)


def _default_month(coop: Cooperative) -> tuple[int, int]:
    """The last month that has ended (this month on its last day)."""
    today = coop.today()
    if today == last_day(today.year, today.month):
        return today.year, today.month
    return from_index(month_index(today.year, today.month) - 1)


def _run_page(coop: Cooperative, year: int, month: int, form=None, status: int = 200):
    run = db.session.scalar(
        scoped(DepreciationRun, coop).where(DepreciationRun.year == year,
                                            DepreciationRun.month == month)
    )  # fmt: skip
    plan = [] if run is not None else plan_depreciation(coop, year, month)
    if form is None:
        form = DepreciationForm(formdata=None)
        form.bulan.data = f"{year:04d}-{month:02d}"
    recent = db.session.scalars(
        scoped(DepreciationRun, coop)
        .order_by(DepreciationRun.year.desc(), DepreciationRun.month.desc())
        .limit(24)
    ).all()
    return render_template(
        "bendahara/assets/depreciation.html",
        label=month_label(year, month),
        run=run,
        plan=plan,
        form=form,
        recent=recent,
        month_label=month_label,
        ended=last_day(year, month) <= coop.today(),
    ), status


@bp.route("/aset-tetap/penyusutan")
@requires(PERM)
def assets_depreciation():
    coop = require_cooperative()
    year, month = parse_month(request.args.get("bulan")) or _default_month(coop)
    return _run_page(coop, year, month)


@bp.route("/aset-tetap/penyusutan", methods=["POST"])
@requires(PERM)
def assets_depreciation_post():
    coop = require_cooperative()
    form = DepreciationForm()
    if form.validate_on_submit() and form.bulan.month:
        year, month = form.bulan.month
        try:
            runs = run_transaction(post_depreciation, coop, year, month, user())
        except DomainError as exc:
            form.bulan.errors = [exc.message]
        else:
            if runs:
                months = ", ".join(month_label(r.year, r.month) for r in runs)
                total = sum(r.total_amount for r in runs)
                flash(
                    _(
                        "Penyusutan diposting untuk %(months)s: Rp%(total)s.",
                        months=months,
                        total=format(total, ","),
                    ).replace(",", "."),
                    "success",
                )
            elif db.session.scalar(
                scoped(DepreciationRun, coop).where(
                    DepreciationRun.year == year, DepreciationRun.month == month
                )
            ):
                flash(
                    _(
                        "Penyusutan %(month_label)s sudah diposting sebelumnya; tidak ada yang "
                        "diposting ulang.",
                        month_label=month_label(year, month),
                    ),
                    "info",
                )
            else:
                flash(
                    _(
                        "Tidak ada penyusutan untuk %(month_label)s.",
                        month_label=month_label(year, month),
                    ),
                    "info",
                )
            return redirect(url_for("bendahara.assets_depreciation", bulan=form.bulan.data))
    year, month = parse_month(form.bulan.data) or _default_month(coop)
    return _run_page(coop, year, month, form, 400)
