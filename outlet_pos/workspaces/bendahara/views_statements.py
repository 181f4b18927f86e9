"""The cooperative's financial statements (SAK EP): Neraca, Perhitungan Hasil Usaha (in total or
per unit), Arus Kas, Perubahan Ekuitas and the notes, for a fiscal year, a month or any range,
with the same period a year earlier beside it. Every account figure opens the general ledger
of that account over the same dates; ``?fmt=pdf|xlsx&statement=...`` downloads."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from flask import render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import NumberRange, Optional, Regexp

from outlet_pos.core.access import requires
from outlet_pos.core.closing.year_end import fiscal_bounds
from outlet_pos.core.documents.statements_pdf import (
    Signature,
    StatementTable,
    notes_part,
    render_document,
    render_statement_pdf,
    render_statements_xlsx,
    statement_part,
    statement_table,
)
from outlet_pos.core.documents.tables import MIMETYPES
from outlet_pos.core.ledger.services import fiscal_year
from outlet_pos.core.statements.financial import (
    Statement,
    balance_sheet,
    cash_flow,
    equity_changes,
    income_statement,
    year_ago,
)
from outlet_pos.core.tenancy import Cooperative, require_cooperative
from outlet_pos.formatting import tanggal
from outlet_pos.forms import TanggalField, opsional
from outlet_pos.shell.downloads import attachment, report_frame
from outlet_pos.workspaces.bendahara import bp
from outlet_pos.workspaces.bendahara.common import default_range
from outlet_pos.workspaces.bendahara.statements_notes import MONTHS, Notes, notes_of

TABS = {
    "neraca": "Neraca",
    "phu": "Perhitungan Hasil Usaha",
    "arus_kas": "Arus Kas",
    "ekuitas": "Perubahan Ekuitas",
    "catatan": "Catatan",
}
DOWNLOADS = {
    "neraca": "Neraca",
    "phu": "Perhitungan hasil usaha",
    "phu_unit": "Hasil usaha per unit",
    "arus_kas": "Arus kas",
    "ekuitas": "Perubahan ekuitas",
    "catatan": "Catatan",
    "semua": "Semua laporan",
}
KINDS = {"tahun": "Tahun buku", "bulan": "Bulan", "rentang": "Rentang tanggal"}


class PeriodForm(FlaskForm):
    """The period chooser (GET, no CSRF): a fiscal year, a month, or a range of dates."""

    class Meta:
        csrf = False

    jenis = SelectField("Periode", choices=KINDS, default="tahun", validate_choice=False)
    tahun = IntegerField(
        "Tahun buku",
        validators=[opsional(), NumberRange(2000, 2100, message="Tahun 2000–2100.")],
    )
    bulan = StringField(
        "Bulan",
        validators=[Optional(), Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", message="Pilih bulan.")],
    )
    date_from = TanggalField("Dari tanggal", validators=[opsional()])
    date_to = TanggalField("Sampai tanggal", validators=[opsional()])
    banding = SelectField(
        "Pembanding",
        choices={"1": "Periode sama tahun lalu", "0": "Tanpa pembanding"},
        default="1",
        validate_choice=False,
    )


@dataclass
class Period:
    date_from: date
    date_to: date
    label: str
    comparative: bool
    args: dict  # the query arguments that name this period again (links, downloads)


def _period(coop: Cooperative) -> tuple[PeriodForm, Period]:
    form = PeriodForm(request.args)
    form.validate()
    today = coop.today()
    kind = form.jenis.data if form.jenis.data in KINDS else "tahun"
    args: dict = {"jenis": kind}
    if kind == "bulan" and form.bulan.data and not form.bulan.errors:
        y, m = (int(p) for p in form.bulan.data.split("-"))
        first = date(y, m, 1)
        last = date(y, m, calendar.monthrange(y, m)[1])
        label = f"{MONTHS[m - 1]} {y}"
        args["bulan"] = form.bulan.data
    elif kind == "rentang":
        first, last = default_range(coop, form.date_from.data, form.date_to.data)
        form.date_from.data, form.date_to.data = first, last
        label = f"{tanggal(first)} – {tanggal(last)}"
        args.update(date_from=first.isoformat(), date_to=last.isoformat())
    else:
        kind = "tahun"
        year = form.tahun.data if form.tahun.data and not form.tahun.errors else None
        year = year or fiscal_year(coop, today)
        first, last = fiscal_bounds(coop, year)
        form.tahun.data = year
        label = f"Tahun buku {year}"
        args = {"jenis": "tahun", "tahun": year}
    if first <= today < last:
        last = today  # a period still running is shown to date
        label += f" s.d. {tanggal(today)}"
    form.jenis.data = kind
    comparative = form.banding.data != "0"
    args["banding"] = "1" if comparative else "0"
    return form, Period(first, last, label, comparative, args)


def _statement(coop: Cooperative, key: str, p: Period) -> Statement:
    if key == "neraca":
        return balance_sheet(coop, p.date_to)
    if key in ("phu", "phu_unit"):
        return income_statement(coop, p.date_from, p.date_to)
    if key == "arus_kas":
        return cash_flow(coop, p.date_from, p.date_to)
    return equity_changes(coop, p.date_from, p.date_to)


def _notes(coop: Cooperative, p: Period) -> Notes:
    return notes_of(coop, p.date_to, year_ago(p.date_to))


def _ledger(account_id: int, a: date, b: date, unit: int | None = None) -> str:
    args = {"account_id": account_id, "date_from": a.isoformat(), "date_to": b.isoformat()}
    if unit is not None:
        args["unit"] = unit
    return url_for("bendahara.ledger_page", **args)


def _links(table: StatementTable, st: Statement, p: Period) -> list[list[str | None]]:
    """For every row, the drill-down of each amount cell: the general ledger of the line's
    account over the same dates (and unit), or None where a figure has no single account."""
    now_from = p.date_from
    prior_from, prior_to = year_ago(p.date_from), st.prior_to
    out: list[list[str | None]] = []
    for row in table.rows:
        links: list[str | None] = []
        for col in table.columns:
            kind = col.key[0]
            url = None
            if kind == "equity":
                url = _ledger(col.key[1], p.date_from, p.date_to)
            elif row.account_id is not None and row.kind == "line":
                if kind == "amount":
                    url = _ledger(row.account_id, now_from, st.date_to)
                elif kind == "prior":
                    url = _ledger(row.account_id, prior_from, prior_to)
                elif kind == "unit" and col.key[1] is not None:
                    url = _ledger(row.account_id, now_from, st.date_to, col.key[1])
            elif row.code == "315100" and kind in ("amount", "prior") and table.key == "neraca":
                url = url_for("bendahara.statements", tab="phu", **p.args)
            links.append(url)
        out.append(links)
    return out


def _signature(coop: Cooperative) -> Signature:
    place = coop.desa or coop.kecamatan or coop.kabupaten
    return Signature(place, tanggal(coop.today()), body=f"Pengurus {coop.name}")


def _download(coop: Cooperative, p: Period, fmt: str, which: str):
    which = which if which in DOWNLOADS else "semua"
    stamp = f"{p.date_from:%Y%m%d}-{p.date_to:%Y%m%d}"
    name = f"laporan-keuangan-{which.replace('_', '-')}-{stamp}.{fmt}"
    keys = ["neraca", "phu", "phu_unit", "arus_kas", "ekuitas"] if which == "semua" else [which]
    tables: list[StatementTable] = []
    computed: dict[str, Statement] = {}
    for key in keys:
        if key == "catatan":
            continue
        base = "phu" if key == "phu_unit" else key
        if base not in computed:
            computed[base] = _statement(coop, base, p)
        tables.append(
            statement_table(computed[base], per_unit=key == "phu_unit", comparative=p.comparative)
        )
    notes = _notes(coop, p) if which in ("semua", "catatan") else None
    notes_period = f"Per {tanggal(p.date_to)} dengan pembanding {tanggal(year_ago(p.date_to))}"
    title = "Laporan Keuangan" if which == "semua" else DOWNLOADS[which]
    frame = report_frame(coop, title, p.label)
    if fmt == "xlsx":
        data = render_statements_xlsx(frame, tables, notes, notes_period)
        return attachment(data, MIMETYPES[fmt], name)
    sign = _signature(coop)
    if len(tables) == 1 and notes is None:
        key = keys[0]
        data = render_statement_pdf(
            frame,
            computed["phu" if key == "phu_unit" else key],
            per_unit=key == "phu_unit",
            comparative=p.comparative,
            signature=sign,
        )
    else:
        parts = [statement_part(t, sign) for t in tables]
        if notes is not None:
            parts.append(notes_part(notes, notes_period, sign))
        data = render_document(frame, parts, title=f"{title} — {p.label}")
    return attachment(data, MIMETYPES[fmt], name)


@bp.route("/laporan-keuangan")
@requires("ledger.view")
def statements():
    coop = require_cooperative()
    form, p = _period(coop)
    tab = request.args.get("tab", "neraca")
    tab = tab if tab in TABS else "neraca"
    per_unit = tab == "phu" and request.args.get("per_unit") == "1"
    fmt = request.args.get("fmt")
    if fmt in MIMETYPES:
        which = request.args.get("statement") or ("phu_unit" if per_unit else tab)
        return _download(coop, p, fmt, which)
    context: dict = {}
    if tab == "catatan":
        context["notes"] = _notes(coop, p)
        context["notes_prior_from"] = year_ago(p.date_from)
    else:
        st = _statement(coop, tab, p)
        table = statement_table(st, per_unit=per_unit, comparative=p.comparative)
        context.update(st=st, table=table, links=_links(table, st, p), rows=table.rows)
    return render_template(
        "bendahara/statements/page.html",
        form=form,
        period=p,
        tab=tab,
        tabs=TABS,
        per_unit=per_unit,
        downloads=DOWNLOADS,
        ledger=_ledger,
        **context,
    )


from outlet_pos.workspaces.bendahara import views_rat  # noqa: E402,F401
