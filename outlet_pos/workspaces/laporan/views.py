"""Report pages; each also downloads as PDF (?format=pdf) or Excel (?format=xlsx)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import render_template, request
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from outlet_pos.core.access import requires
from outlet_pos.core.inventory.services import fmt_qty
from outlet_pos.core.sales.models import Shift
from outlet_pos.core.tenancy import BusinessUnit, Cooperative, get_scoped_or_404
from outlet_pos.core.tenancy import require_cooperative as _coop
from outlet_pos.extensions import db
from outlet_pos.formatting import tanggal
from outlet_pos.shell.downloads import send_report
from outlet_pos.workspaces.laporan import bp, exports
from outlet_pos.workspaces.laporan import queries as q
from outlet_pos.workspaces.laporan.forms import DateFilter, ItemFilter, RangeFilter
from outlet_pos.workspaces.laporan.queries_shift import shift_list, shift_report
from outlet_pos.workspaces.laporan.queries_stock import stock_valuation

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("pdf", "xlsx")


def shift_time(moment, day: date) -> str:
    """A shift's opening or closing time in the cooperative's zone: the time alone on the
    shift's business date, with the date when it differs (a shift past midnight)."""
    if moment is None:
        return ""
    local = _coop().local_time(moment)
    if local.date() == day:
        return f"{local:%H:%M}"
    return f"{tanggal(local).rsplit(' ', 1)[0]} {local:%H:%M}"


@bp.context_processor
def _helpers() -> dict:
    return {"fmt_qty": fmt_qty, "shift_time": shift_time}


def quick_ranges(today: date) -> list[tuple[str, date, date]]:
    first = date(today.year, today.month, 1)
    last_month_end = first - timedelta(days=1)
    return [
        ("Hari ini", today, today),
        ("Kemarin", today - timedelta(days=1), today - timedelta(days=1)),
        ("7 hari", today - timedelta(days=6), today),
        ("Bulan ini", first, today),
        ("Bulan lalu", date(last_month_end.year, last_month_end.month, 1), last_month_end),
    ]


class Filter:
    """The parsed filter of a report page: form, dates, unit, and the query to keep."""

    def __init__(self, coop: Cooperative, form_cls=RangeFilter) -> None:
        self.form = form = form_cls(request.args)
        units = db.session.scalars(
            select(BusinessUnit)
            .where(BusinessUnit.cooperative_id == coop.id, BusinessUnit.active.is_(True))
            .order_by(BusinessUnit.name)
        ).all()
        form.unit.choices = [SelectChoice("", "Semua unit")] + [
            SelectChoice(str(u.id), u.name) for u in units
        ]
        form.validate()
        raw = form.unit.data or ""
        self.unit = next((u for u in units if str(u.id) == raw), None)
        self.unit_id = self.unit.id if self.unit else None
        today = coop.today()
        self.args = {"unit": self.unit_id or ""}
        if hasattr(form, "as_of"):
            self.as_of = form.as_of.data or today
            form.as_of.data = self.as_of
            self.args["as_of"] = self.as_of.isoformat()
            return
        d1 = form.date_from.data or date(today.year, today.month, 1)
        d2 = form.date_to.data or today
        self.date_from, self.date_to = min(d1, d2), max(d1, d2)
        form.date_from.data, form.date_to.data = self.date_from, self.date_to
        self.args.update(date_from=self.date_from.isoformat(), date_to=self.date_to.isoformat())
        self.quick = quick_ranges(today)

    @property
    def subtitle(self) -> str:
        return f"Unit usaha: {self.unit.name}" if self.unit else "Semua unit usaha"

    @property
    def period(self) -> str:
        return f"{tanggal(self.date_from)} – {tanggal(self.date_to)}"

    @property
    def stamp(self) -> str:
        return f"{self.date_from:%Y%m%d}-{self.date_to:%Y%m%d}"


def _export(coop, table, title: str, period: str, subtitle: str, name: str):
    """The ``?format=pdf|xlsx`` download of a report, or None for the page."""
    return send_report(coop, table, title, period, name, subtitle=subtitle, arg="format")


@bp.route("/penjualan")
@requires("sales.report")
def sales():
    coop = _coop()
    f = Filter(coop)
    report = q.daily_sales(coop, f.date_from, f.date_to, f.unit_id)
    table = exports.daily_table(report)
    title = "Ringkasan Penjualan Harian"
    return _export(coop, table, title, f.period, f.subtitle, f"penjualan-harian-{f.stamp}") or (
        render_template("laporan/sales.html", f=f, report=report)
    )


@bp.route("/penjualan/unit-bayar-kasir")
@requires("sales.report")
def breakdown():
    coop = _coop()
    f = Filter(coop)
    units = q.by_unit(coop, f.date_from, f.date_to, f.unit_id)
    tenders = q.tender_split(coop, f.date_from, f.date_to)
    cashiers = q.by_cashier(coop, f.date_from, f.date_to, f.unit_id)
    table = exports.breakdown_table(units, tenders, cashiers)
    title = "Penjualan per Unit, Cara Bayar dan Kasir"
    name = f"penjualan-unit-bayar-kasir-{f.stamp}"
    return _export(coop, table, title, f.period, f.subtitle, name) or render_template(
        "laporan/breakdown.html", f=f, units=units, tenders=tenders, cashiers=cashiers
    )


@bp.route("/barang")
@requires("sales.report")
def items():
    coop = _coop()
    f = Filter(coop, ItemFilter)
    report = q.item_sales(coop, f.date_from, f.date_to, f.unit_id, f.form.sort.data or "net")
    f.args["sort"] = report.sort
    f.form.sort.data = report.sort
    table = exports.item_table(report)
    title = "Penjualan per Barang"
    return _export(coop, table, title, f.period, f.subtitle, f"penjualan-barang-{f.stamp}") or (
        render_template("laporan/items.html", f=f, report=report)
    )


@bp.route("/shift")
@requires("sales.report")
def shifts():
    coop = _coop()
    f = Filter(coop)
    outlet_id = f.unit.outlet_id if f.unit else None
    result = shift_list(coop, f.date_from, f.date_to, outlet_id)
    subtitle = f"Gerai unit {f.unit.name}" if f.unit else "Semua gerai"
    table = exports.shifts_table(result)
    return _export(coop, table, "Laporan Shift Kasir", f.period, subtitle, f"shift-{f.stamp}") or (
        render_template("laporan/shifts.html", f=f, result=result)
    )


@bp.route("/shift/<int:shift_id>")
@requires("sales.report")
def shift(shift_id: int):
    coop = _coop()
    s = get_scoped_or_404(Shift, shift_id, coop)
    report = shift_report(coop, s)
    title = f"Laporan {'Z' if report.closed else 'X'} — Shift #{s.id}"
    opened = shift_time(s.opened_at, s.business_date)
    subtitle = f"Kasir {s.user.full_name} · {s.outlet.name} · dibuka {opened} {coop.timezone}"
    if s.closed_at:
        subtitle += f" · ditutup {shift_time(s.closed_at, s.business_date)}"
    period = tanggal(s.business_date)
    table = exports.shift_table(report)
    return _export(coop, table, title, period, subtitle, f"shift-{s.id}") or render_template(
        "laporan/shift.html", report=report, shift=s
    )


@bp.route("/stok")
@requires("sales.report")
def stock():
    coop = _coop()
    f = Filter(coop, DateFilter)
    val = stock_valuation(coop, f.as_of, f.unit_id)
    table = exports.stock_table(val)
    period = f"Per {tanggal(f.as_of)}"
    name = f"nilai-stok-{f.as_of:%Y%m%d}"
    return _export(coop, table, "Nilai Persediaan", period, f.subtitle, name) or (
        render_template("laporan/stock.html", f=f, val=val)
    )
