"""Trial balance (neraca saldo) and general ledger (buku besar): page, PDF and Excel."""

from __future__ import annotations

from datetime import datetime

from flask import Response, render_template, request
from flask_login import current_user

from outlet_pos.core.access import requires
from outlet_pos.core.db import utcnow
from outlet_pos.core.documents import Column, ReportFrame, render_table_report, render_table_xlsx
from outlet_pos.core.ledger.models import Account
from outlet_pos.core.tenancy import Cooperative, get_scoped_or_404, require_cooperative
from outlet_pos.formatting import tanggal
from outlet_pos.money import format_number, format_statement
from outlet_pos.workspaces.bendahara import bp
from outlet_pos.workspaces.bendahara.common import default_range, parse_unit, unit_choices
from outlet_pos.workspaces.bendahara.forms import RangeForm
from outlet_pos.workspaces.bendahara.queries import general_ledger, shown, trial_balance

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _range(coop: Cooperative) -> tuple[RangeForm, object, object, int | None]:
    form = RangeForm(request.args)
    form.unit.choices = unit_choices(coop, "Semua unit")
    form.validate()
    date_from, date_to = default_range(coop, form.date_from.data, form.date_to.data)
    form.date_from.data, form.date_to.data = date_from, date_to
    return form, date_from, date_to, parse_unit(form.unit.data)


def _frame(coop: Cooperative, title: str, date_from, date_to, subtitle: str = "") -> ReportFrame:
    local = coop.local_time(utcnow())
    address = ", ".join(p for p in (coop.address, coop.desa, coop.kabupaten, coop.provinsi) if p)
    return ReportFrame(
        coop_name=coop.name,
        coop_address=address,
        title=title,
        period_label=f"{tanggal(date_from)} – {tanggal(date_to)}",
        printed_by=current_user.full_name,
        printed_at=f"{tanggal(local)} {local:%H:%M} {coop.timezone}",
        subtitle=subtitle,
    )


def _download(data: bytes, mimetype: str, name: str) -> Response:
    return Response(
        data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def _stamp(date_from, date_to) -> str:
    return f"{date_from:%Y%m%d}-{date_to:%Y%m%d}"


@bp.route("/neraca-saldo")
@requires("ledger.view")
def trial_balance_page():
    coop = require_cooperative()
    form, date_from, date_to, unit_id = _range(coop)
    tb = trial_balance(coop, date_from, date_to, unit_id)
    fmt = request.args.get("format")
    if fmt in ("pdf", "xlsx"):
        return _trial_balance_export(coop, tb, fmt, unit_id)
    return render_template("bendahara/trial_balance.html", form=form, tb=tb, args=request.args)


TB_COLUMNS = [
    Column("Kode", 0.09),
    Column("Nama akun", 0.31),
    Column("Saldo awal", 0.15, "right"),
    Column("Debit", 0.15, "right"),
    Column("Kredit", 0.15, "right"),
    Column("Saldo akhir", 0.15, "right"),
]


def _trial_balance_export(coop: Cooperative, tb, fmt: str, unit_id: int | None) -> Response:
    subtitle = ""
    if unit_id:
        from outlet_pos.core.tenancy import BusinessUnit

        unit = get_scoped_or_404(BusinessUnit, unit_id, coop)
        subtitle = f"Unit usaha: {unit.name}"
    frame = _frame(coop, "Neraca Saldo", tb.date_from, tb.date_to, subtitle)
    name = f"neraca-saldo-{_stamp(tb.date_from, tb.date_to)}.{fmt}"
    if fmt == "pdf":
        rows = [
            [
                r.account.code,
                r.account.name,
                format_statement(r.opening).replace("Rp", ""),
                format_number(r.debit),
                format_number(r.credit),
                format_statement(r.closing).replace("Rp", ""),
            ]
            for r in tb.rows
        ]
        totals = [
            "",
            "Jumlah",
            "",
            format_number(tb.total_debit),
            format_number(tb.total_credit),
            "",
        ]
        notes = ["Saldo bertanda kurung adalah saldo kredit."]
        if not tb.balanced:
            notes.append("PERINGATAN: neraca saldo tidak seimbang — jalankan outlet-pos verify.")
        return _download(
            render_table_report(frame, TB_COLUMNS, rows, totals, notes), "application/pdf", name
        )
    rows = [
        [r.account.code, r.account.name, r.opening, r.debit, r.credit, r.closing] for r in tb.rows
    ]
    totals = ["", "Jumlah", None, tb.total_debit, tb.total_credit, None]
    return _download(render_table_xlsx(frame, TB_COLUMNS, rows, totals), XLSX, name)


GL_COLUMNS = [
    Column("Tanggal", 0.11),
    Column("Nomor", 0.14),
    Column("Keterangan", 0.30),
    Column("Debit", 0.15, "right"),
    Column("Kredit", 0.15, "right"),
    Column("Saldo", 0.15, "right"),
]


@bp.route("/buku-besar/<int:account_id>")
@requires("ledger.view")
def ledger_page(account_id: int):
    coop = require_cooperative()
    account = get_scoped_or_404(Account, account_id, coop)
    form, date_from, date_to, unit_id = _range(coop)
    opening, lines = general_ledger(coop, account, date_from, date_to, unit_id)
    fmt = request.args.get("format")
    if fmt in ("pdf", "xlsx"):
        frame = _frame(
            coop, "Buku Besar", date_from, date_to, f"Akun {account.code} {account.name}"
        )
        name = f"buku-besar-{account.code}-{_stamp(date_from, date_to)}.{fmt}"
        closing = lines[-1].balance if lines else opening
        if fmt == "pdf":

            def s(v: int) -> str:
                return format_statement(shown(v, account)).replace("Rp", "")

            rows = [["", "", "Saldo awal", "", "", s(opening)]] + [
                [
                    tanggal(ln.date),
                    ln.number,
                    ln.memo,
                    format_number(ln.debit) if ln.debit else "",
                    format_number(ln.credit) if ln.credit else "",
                    s(ln.balance),
                ]
                for ln in lines
            ]
            totals = [
                "",
                "",
                "Jumlah / saldo akhir",
                format_number(sum(ln.debit for ln in lines)),
                format_number(sum(ln.credit for ln in lines)),
                s(closing),
            ]
            return _download(
                render_table_report(frame, GL_COLUMNS, rows, totals), "application/pdf", name
            )
        rows = [[None, None, "Saldo awal", None, None, shown(opening, account)]] + [
            [
                ln.date,
                ln.number,
                ln.memo,
                ln.debit or None,
                ln.credit or None,
                shown(ln.balance, account),
            ]
            for ln in lines
        ]
        totals = [
            None,
            None,
            "Jumlah / saldo akhir",
            sum(ln.debit for ln in lines),
            sum(ln.credit for ln in lines),
            shown(closing, account),
        ]
        return _download(render_table_xlsx(frame, GL_COLUMNS, rows, totals), XLSX, name)
    return render_template(
        "bendahara/ledger.html",
        form=form,
        account=account,
        opening=opening,
        lines=lines,
        shown=lambda v: shown(v, account),
        args=request.args,
        now=datetime.now,
    )
