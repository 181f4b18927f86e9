"""Report pages of the fertilizer unit; each also downloads as PDF (``?fmt=pdf``) or Excel
(``?fmt=xlsx``) built from the same table spec (``reports.py``); the monthly redemption report
also as the plain CSV for upload (``?fmt=csv``)."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import select

from outlet_pos.core.access import requires
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.core.tenancy import require_cooperative as _coop
from outlet_pos.extensions import db
from outlet_pos.shell.downloads import attachment, send_report
from outlet_pos.units.pupuk import bp, reports
from outlet_pos.units.pupuk.forms import month_of
from outlet_pos.units.pupuk.models import Allocation
from outlet_pos.units.pupuk.services import SEASON, season_of

REPORTS = [
    ("pupuk.report_monthly", "Penebusan bulanan",
     "Per jenis pupuk dan per kelompok tani untuk satu bulan; PDF, Excel dan CSV untuk unggah."),
    ("pupuk.report_allocation", "Alokasi vs tertebus",
     "Alokasi e-RDKK setiap petani dalam satu musim tanam, yang sudah ditebus dan sisanya."),
    ("pupuk.report_not_redeemed", "Belum menebus",
     "Petani yang punya alokasi musim ini tetapi belum menebus sama sekali."),
    ("pupuk.report_stock", "Mutasi stok bersubsidi",
     "Stok awal, diterima, ditebus, retur dan stok akhir per jenis pupuk dalam satu bulan."),
]  # fmt: skip


def _season(coop: Cooperative) -> tuple[str, list[str]]:
    """The season asked for (``?musim=2026-MT1``, default the current one) and the seasons
    that have allocations, for the picker."""
    seasons = list(
        db.session.scalars(
            select(Allocation.season)
            .where(Allocation.cooperative_id == coop.id)
            .distinct()
            .order_by(Allocation.season.desc())
        )
    )
    current = season_of(coop.today())
    asked = (request.args.get("musim") or "").strip().upper()
    season = asked if SEASON.match(asked) else current
    if current not in seasons:
        seasons.insert(0, current)
    return season, seasons


SUBTITLE = "Unit Pupuk & Saprotan"


def _export(coop, table, title: str, period: str, name: str):
    """The ``?fmt=pdf|xlsx`` download of a report, or None for the HTML page."""
    return send_report(coop, table, title, period, name, subtitle=SUBTITLE)


@bp.route("/laporan", endpoint="reports")
@requires("pupuk.report")
def reports_index():
    return render_template("pupuk/report_index.html", reports=REPORTS)


@bp.route("/laporan/penebusan-bulanan")
@requires("pupuk.report")
def report_monthly():
    coop = _coop()
    first = month_of(request.args.get("bulan"), coop.today())
    data = reports.monthly(coop, first)
    name = f"penebusan-pupuk-{first:%Y-%m}"
    if request.args.get("fmt") == "csv":
        return attachment(reports.monthly_csv(data), "text/csv; charset=utf-8", f"{name}.csv")
    title, period = "Laporan Penebusan Pupuk Bersubsidi", reports.month_label(first)
    table = reports.monthly_table(data)
    return _export(coop, table, title, period, name) or render_template(
        "pupuk/report_monthly.html", title=title, period=period, args={"bulan": f"{first:%Y-%m}"},
        month=f"{first:%Y-%m}", data=data, table=table, csv=True,
    )  # fmt: skip


@bp.route("/laporan/alokasi")
@requires("pupuk.report")
def report_allocation():
    coop = _coop()
    season, seasons = _season(coop)
    rows = reports.allocation_rows(coop, season)
    title, period = "Alokasi dan Penebusan per Petani", f"Musim tanam {season}"
    table = reports.allocation_table(rows)
    return _export(coop, table, title, period, f"alokasi-pupuk-{season}") or render_template(
        "pupuk/report_allocation.html", title=title, period=period, args={"musim": season},
        season=season, seasons=seasons, rows=rows, table=table,
    )  # fmt: skip


@bp.route("/laporan/belum-menebus")
@requires("pupuk.report")
def report_not_redeemed():
    coop = _coop()
    season, seasons = _season(coop)
    rows = reports.not_redeemed(coop, season)
    title, period = "Petani yang Belum Menebus Pupuk", f"Musim tanam {season}"
    table = reports.not_redeemed_table(rows)
    return _export(coop, table, title, period, f"belum-menebus-{season}") or render_template(
        "pupuk/report_not_redeemed.html", title=title, period=period, args={"musim": season},
        season=season, seasons=seasons, rows=rows, table=table,
    )  # fmt: skip


@bp.route("/laporan/mutasi-stok")
@requires("pupuk.report")
def report_stock():
    coop = _coop()
    first = month_of(request.args.get("bulan"), coop.today())
    data = reports.stock_movement(coop, first)
    title, period = "Mutasi Stok Pupuk Bersubsidi", reports.month_label(first)
    table = reports.stock_table(data)
    name = f"mutasi-stok-pupuk-{first:%Y-%m}"
    return _export(coop, table, title, period, name) or render_template(
        "pupuk/report_stock.html", title=title, period=period, args={"bulan": f"{first:%Y-%m}"},
        month=f"{first:%Y-%m}", data=data, table=table,
    )  # fmt: skip
