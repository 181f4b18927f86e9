"""Report pages of the savings-and-loans unit; each also downloads as PDF (``?fmt=pdf``) or
Excel (``?fmt=xlsx``) built from the same table spec (``reports.py``)."""

from __future__ import annotations

from datetime import date

from flask import render_template, request
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import NumberRange

from outlet_pos.core.access import requires
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.core.tenancy import require_cooperative as _coop
from outlet_pos.formatting import tanggal
from outlet_pos.forms import TanggalField, opsional
from outlet_pos.shell.downloads import send_report
from outlet_pos.units.simpan_pinjam import bp, reports, reports_loans, reports_savings
from outlet_pos.units.simpan_pinjam.models import COLLECTIBILITY, SAVINGS_KINDS
from outlet_pos.units.simpan_pinjam.schedule import METHODS

REPORTS = [
    (
        "simpin.report_portfolio",
        "Portofolio & kolektibilitas",
        "Sisa pinjaman per golongan kolektibilitas dan cadangan kerugian yang wajib dibentuk.",
    ),
    (
        "simpin.report_arrears",
        "Daftar tunggakan",
        "Untuk penagihan lapangan: per desa, dengan nomor telepon dan jumlah yang harus ditagih.",
    ),
    (
        "simpin.report_savings",
        "Saldo simpanan",
        "Saldo pokok, wajib, sukarela dan berjangka setiap anggota.",
    ),
    (
        "simpin.report_interest",
        "Bunga & PPh simpanan",
        "Bunga yang dikreditkan dan PPh final 10% yang dipotong per bulan.",
    ),
    (
        "simpin.report_reconciliation",
        "Rekonsiliasi buku pembantu",
        "Buku pembantu anggota dibandingkan dengan akun kontrol di buku besar.",
    ),
]


class AsOfFilter(FlaskForm):
    class Meta:
        csrf = False

    as_of = TanggalField("Per tanggal", validators=[opsional()])


class YearFilter(FlaskForm):
    class Meta:
        csrf = False

    year = IntegerField(
        "Tahun",
        validators=[opsional(), NumberRange(2000, 2100, message="Tahun 2000–2100.")],
    )


def _as_of(coop: Cooperative) -> tuple[AsOfFilter, date]:
    form = AsOfFilter(request.args)
    form.validate()
    day = form.as_of.data or coop.today()
    form.as_of.data = day
    return form, day


SUBTITLE = "Unit Simpan Pinjam"


def _export(coop, table, title: str, period: str, name: str):
    """The ``?fmt=pdf|xlsx`` download of a report, or None for the HTML page."""
    return send_report(coop, table, title, period, name, subtitle=SUBTITLE)


@bp.route("/laporan", endpoint="reports")
@requires("simpin.report")
def reports_index():
    return render_template("simpin/report_index.html", reports=REPORTS)


@bp.route("/laporan/portofolio")
@requires("simpin.report")
def report_portfolio():
    coop = _coop()
    form, day = _as_of(coop)
    data = reports_loans.portfolio(coop, day)
    title, period = "Portofolio Pinjaman per Kolektibilitas", f"Per {tanggal(day)}"
    table = reports_loans.portfolio_table(data)
    name = f"portofolio-pinjaman-{day:%Y%m%d}"
    return _export(coop, table, title, period, name) or render_template(
        "simpin/report_portfolio.html",
        title=title,
        period=period,
        form=form,
        args={"as_of": day.isoformat()},
        p=data,
        classes=COLLECTIBILITY,
        methods=METHODS,
        percent=reports.percent,
    )


@bp.route("/laporan/tunggakan")
@requires("simpin.report")
def report_arrears():
    coop = _coop()
    day = coop.today()
    rows = reports_loans.arrears(coop, day)
    title, period = "Daftar Tunggakan Pinjaman untuk Penagihan", f"Per {tanggal(day)}"
    table = reports_loans.arrears_table(rows)
    name = f"tunggakan-pinjaman-{day:%Y%m%d}"
    return _export(coop, table, title, period, name) or render_template(
        "simpin/report_arrears.html",
        title=title,
        period=period,
        args={},
        rows=rows,
        groups=reports_loans.by_desa(rows),
        totals=table.totals,
    )


@bp.route("/laporan/saldo-simpanan")
@requires("simpin.report")
def report_savings():
    coop = _coop()
    form, day = _as_of(coop)
    data = reports_savings.savings_balances(coop, day)
    title, period = "Saldo Simpanan Anggota", f"Per {tanggal(day)}"
    table = reports_savings.savings_table(data)
    name = f"saldo-simpanan-{day:%Y%m%d}"
    return _export(coop, table, title, period, name) or render_template(
        "simpin/report_savings.html",
        title=title,
        period=period,
        form=form,
        args={"as_of": day.isoformat()},
        report=data,
        kinds=SAVINGS_KINDS,
    )


@bp.route("/laporan/bunga-pajak")
@requires("simpin.report")
def report_interest():
    coop = _coop()
    form = YearFilter(request.args)
    year = form.year.data if form.validate() and form.year.data else coop.today().year
    form.year.data = year
    rows = reports_savings.interest_by_month(coop, year)
    title, period = "Bunga Simpanan dan PPh Final Dipotong", f"Tahun {year}"
    table = reports_savings.interest_table(rows, year)
    return _export(coop, table, title, period, f"bunga-pajak-{year}") or render_template(
        "simpin/report_interest.html",
        title=title,
        period=period,
        form=form,
        args={"year": year},
        rows=rows,
        year=year,
        totals=table.totals,
    )


@bp.route("/laporan/rekonsiliasi")
@requires("simpin.report")
def report_reconciliation():
    coop = _coop()
    form, day = _as_of(coop)
    rows = reports.reconciliation(coop, day)
    title, period = "Rekonsiliasi Buku Pembantu dengan Akun Kontrol", f"Per {tanggal(day)}"
    table = reports.reconciliation_table(rows)
    name = f"rekonsiliasi-simpan-pinjam-{day:%Y%m%d}"
    return _export(coop, table, title, period, name) or render_template(
        "simpin/report_reconciliation.html",
        title=title,
        period=period,
        form=form,
        args={"as_of": day.isoformat()},
        rows=rows,
    )
