"""Business plan pages of the current cooperative: the overview per unit, the entry form
(pengurus) and the month-by-month comparison with its PDF and Excel."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.validators import ValidationError as FormValidationError

from outlet_pos.core.access import requires
from outlet_pos.core.db import run_transaction
from outlet_pos.core.documents import Column
from outlet_pos.core.documents.tables import Table
from outlet_pos.core.errors import DomainError
from outlet_pos.core.plans.actuals import Actuals, members_before
from outlet_pos.core.plans.models import LEVEL_METRICS, METRICS, PlanTarget
from outlet_pos.core.plans.overview import overview, plan_units
from outlet_pos.core.plans.services import (
    FIRST_YEAR,
    LAST_YEAR,
    Comparison,
    clear_plan,
    comparison,
    fiscal_year_of,
    level_path,
    month_label,
    monthly_from_annual,
    planned,
    save_plan,
    spread,
    suggestion,
    unit_metrics,
)
from outlet_pos.core.tenancy import (
    BusinessUnit,
    Cooperative,
    get_scoped_or_404,
    require_cooperative,
)
from outlet_pos.extensions import db
from outlet_pos.money import format_number
from outlet_pos.shell.downloads import send_report
from outlet_pos.workspaces.rencana import bp
from outlet_pos.workspaces.rencana.forms import GrowthForm, month_fields, parse_growth, plan_form


@dataclass
class EditRow:
    key: str  # form prefix: u12_sales, koperasi_members
    unit: BusinessUnit | None
    metric: str

    @property
    def unit_id(self) -> int | None:
        return self.unit.id if self.unit is not None else None

    @property
    def label(self) -> str:
        return METRICS[self.metric]


def fy_label(coop: Cooperative, year: int) -> str:
    """``2025`` for a calendar fiscal year, ``Jul 2025 – Jun 2026`` otherwise."""
    if (coop.fiscal_year_start_month or 1) == 1:
        return str(year)
    return f"{month_label(coop, year, 1)} – {month_label(coop, year, 12)}"


def _year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        abort(404)
    return year


def _years(coop: Cooperative, chosen: int) -> list[int]:
    current = fiscal_year_of(coop, coop.today())
    saved = db.session.scalars(
        db.select(PlanTarget.year).where(PlanTarget.cooperative_id == coop.id).distinct()
    )
    return sorted({current - 2, current - 1, current, current + 1, chosen, *saved})


@bp.route("/")
@requires("plan.view")
def plan():
    coop = require_cooperative()
    raw = request.args.get("tahun", "")
    current = fiscal_year_of(coop, coop.today())
    year = (
        int(raw)
        if raw.isascii() and raw.isdigit() and FIRST_YEAR <= int(raw) <= LAST_YEAR
        else current
    )
    groups, actuals = overview(coop, year)
    upto = month_label(coop, year, actuals.elapsed) if actuals.elapsed else None
    return render_template("rencana/plan.html", year=year, years=_years(coop, year),
                           groups=groups, upto=upto, elapsed=actuals.elapsed,
                           fy=fy_label(coop, year),
                           fy_label=lambda y: fy_label(coop, y))  # fmt: skip


# --- entry ----------------------------------------------------------------------------------


def _edit_rows(coop: Cooperative, plans: dict) -> list[EditRow]:
    rows = [
        EditRow(f"u{unit.id}_{metric}", unit, metric)
        for unit in plan_units(coop, plans)
        for metric in unit_metrics(unit)
    ]
    return rows + [EditRow("koperasi_members", None, "members")]


def _initial(coop: Cooperative, year: int, rows: list[EditRow], plans: dict) -> dict:
    start = members_before(coop, year)
    data = {}
    for row in rows:
        monthly = plans.get((row.unit_id, row.metric))
        if monthly is None:
            data[row.key] = {"cara": "tahunan"}
            continue
        if row.metric in LEVEL_METRICS:
            fits, annual = level_path(start, monthly[-1]) == monthly, monthly[-1]
        else:
            fits, annual = spread(sum(monthly)) == monthly, sum(monthly)
        months = {f"b{i}": format_number(v) for i, v in enumerate(monthly, start=1)}
        data[row.key] = {
            "cara": "tahunan" if fits else "bulanan",
            "tahunan": format_number(annual) if fits else "",
            **months,
        }
    return data


def _copied(coop: Cooperative, year: int, rows: list[EditRow], growth) -> dict:
    last = Actuals(coop, year - 1)
    data = {}
    for row in rows:
        monthly = suggestion(last, row.metric, row.unit_id, growth)
        if not any(monthly):  # nothing last year: leave the row empty, not a zero plan
            data[row.key] = {"cara": "tahunan"}
            continue
        annual = monthly[-1] if row.metric in LEVEL_METRICS else sum(monthly)
        data[row.key] = {
            "cara": "bulanan",
            "tahunan": format_number(annual),
            **{f"b{i}": format_number(v) for i, v in enumerate(monthly, start=1)},
        }
    return data


def _changes(coop: Cooperative, year: int, form, rows: list[EditRow], plans: dict) -> list:
    """(unit id, metric, 12 targets or None to withdraw) for each row the user changed. A row
    whose mode is missing from the submit was not on the page and stays as it is."""
    changes = []
    for row in rows:
        sub = form[row.key].form
        mode = sub.cara.data
        if mode == "tahunan":
            annual = sub.tahunan.amount
            monthly = (
                None if annual is None else monthly_from_annual(coop, year, row.metric, annual)
            )
        elif mode == "bulanan":
            amounts = [f.amount for f in month_fields(sub)]
            monthly = None if all(a is None for a in amounts) else [a or 0 for a in amounts]
        else:
            continue
        if monthly != plans.get((row.unit_id, row.metric)):
            changes.append((row.unit_id, row.metric, monthly))
    return changes


def _save_all(coop: Cooperative, user, year: int, changes: list) -> int:
    """One business action: every changed row of the form, or none of them."""
    for unit_id, metric, monthly in changes:
        if monthly is None:
            clear_plan(coop, user, year, unit_id, metric)
        else:
            save_plan(coop, user, year, unit_id, metric, monthly)
    return len(changes)


def _edit_page(coop, year, form, rows, growth_form, *, copied=False, status=200):
    return render_template("rencana/edit.html", year=year, fy=fy_label(coop, year), form=form,
                           rows=rows, growth_form=growth_form, copied=copied,
                           months=[month_label(coop, year, i) for i in range(1, 13)],
                           month_fields=month_fields), status  # fmt: skip


@bp.route("/<int:year>/ubah", methods=["GET", "POST"])
@requires("plan.manage")
def edit(year: int):
    coop = require_cooperative()
    year = _year(year)
    plans = planned(coop, year)
    rows = _edit_rows(coop, plans)
    keys = [r.key for r in rows]
    growth_form = GrowthForm(request.args)
    if request.method == "GET":
        copied = "salin" in request.args
        if copied:
            try:
                growth = parse_growth(growth_form.tumbuh.data)
            except FormValidationError as exc:
                growth_form.tumbuh.errors = [str(exc)]
                copied = False
        data = _copied(coop, year, rows, growth) if copied else _initial(coop, year, rows, plans)
        return _edit_page(coop, year, plan_form(keys, data=data), rows, growth_form, copied=copied)
    form = plan_form(keys, formdata=request.form)
    if not form.validate():
        bad = [f"{r.unit.name if r.unit else 'Seluruh koperasi'} · {r.label}" for r in rows
               if form[r.key].errors]  # fmt: skip
        flash(
            _("Periksa isian yang ditandai: %(fields)s.", fields="; ".join(bad or [_("formulir")])),
            "error",
        )
        return _edit_page(coop, year, form, rows, growth_form, status=400)
    try:
        changes = _changes(coop, year, form, rows, plans)
        done = run_transaction(_save_all, coop, current_user._get_current_object(), year, changes)
    except DomainError as exc:
        flash(exc.message, "error")
        return _edit_page(coop, year, form, rows, growth_form, status=400)
    if not done:
        flash(_("Tidak ada perubahan pada rencana."), "info")
        return redirect(url_for("rencana.edit", year=year))
    flash(
        _(
            "Rencana bisnis tahun buku %(fy_label)s disimpan (%(done)s target).",
            fy_label=fy_label(coop, year),
            done=done,
        ),
        "success",
    )
    return redirect(url_for("rencana.plan", tahun=year))


# --- comparison -----------------------------------------------------------------------------


def _table(cmp: Comparison, unit_name: str) -> Table:
    count = cmp.is_level

    def pct(value) -> str:
        return "" if value is None else f"{value}%".replace(".", ",")

    if count:
        columns = [Column("Bulan", 0.28), Column("Target (orang)", 0.24, "right"),
                   Column("Realisasi (orang)", 0.24, "right"),
                   Column("Capaian", 0.24, "right")]  # fmt: skip
        rows = [[r.label, r.target, r.actual, pct(r.pct)] for r in cmp]
        totals = ["Akhir tahun / terakhir", cmp.annual_target, cmp.actual_to_date,
                  pct(cmp.pct_of_annual)]  # fmt: skip
    else:
        columns = [Column("Bulan", 0.16), Column("Target", 0.14, "right"),
                   Column("Realisasi", 0.14, "right"), Column("Capaian", 0.1, "right"),
                   Column("Target kumulatif", 0.16, "right"),
                   Column("Realisasi kumulatif", 0.16, "right"),
                   Column("Capaian kumulatif", 0.14, "right")]  # fmt: skip
        rows = [[r.label, r.target, r.actual, pct(r.pct), r.cum_target, r.cum_actual,
                 pct(r.cum_pct)] for r in cmp]  # fmt: skip
        totals = ["Setahun", cmp.annual_target, cmp.actual_to_date, pct(cmp.pct_of_annual),
                  cmp.target_to_date, cmp.actual_to_date, pct(cmp.pct_to_date)]  # fmt: skip
    notes = [f"{METRICS[cmp.metric]} · {unit_name}."]
    if cmp.months_elapsed < 12:
        notes.append("Bulan yang belum berjalan hanya menampilkan target.")
    if not cmp.has_plan:
        notes.append("Belum ada target untuk ukuran ini.")
    return Table(columns, rows, totals, notes, landscape=not count)


@bp.route("/<int:year>/banding")
@requires("plan.view")
def compare(year: int):
    coop = require_cooperative()
    year = _year(year)
    metric = request.args.get("metric") or "sales"
    if metric not in METRICS:
        abort(404)
    raw_unit = request.args.get("unit") or ""
    unit = get_scoped_or_404(BusinessUnit, raw_unit) if raw_unit and metric != "members" else None
    if unit is not None and metric not in unit_metrics(unit):
        abort(404)
    cmp = comparison(coop, year, unit.id if unit else None, metric)
    unit_name = unit.name if unit else ("Seluruh koperasi" if metric == "members" else
                                         "Seluruh unit")  # fmt: skip
    title = f"Rencana vs Realisasi — {METRICS[metric]}"
    name = f"rencana-{year}-{metric}" + (f"-{unit.code}" if unit else "")
    period = f"Tahun buku {fy_label(coop, year)}"
    exported = send_report(coop, _table(cmp, unit_name), title, period, name, subtitle=unit_name)
    if exported is not None:
        return exported
    units = plan_units(coop, planned(coop, year))
    chart = _chart(cmp, title, metric)
    return render_template("rencana/compare.html", year=year, fy=fy_label(coop, year), cmp=cmp,
                           chart=chart,
                           unit=unit, unit_name=unit_name, units=units, metric=metric,
                           metrics=METRICS, unit_metrics=unit_metrics)  # fmt: skip


def _chart(cmp, title: str, metric: str):
    """Actual per month as bars under the plan's target as a dashed line (the shared SVG
    charts; no script, so it prints and works offline)."""
    from outlet_pos.core.documents.svg_charts import bar_line_chart
    from outlet_pos.core.mentoring.trends import month_label

    labels = [month_label(r.first_day.year, r.first_day.month) for r in cmp.rows]
    line = {"Target": [r.target or 0 for r in cmp.rows]} if cmp.has_plan else {}
    bars = {"Realisasi": [r.actual or 0 for r in cmp.rows]}
    return bar_line_chart(title, labels, bars, line, money=metric != "members")
