"""Pages of the pharmacy's books: the monthly narcotics/psychotropics register report (page,
PDF to sign, CSV for the Dinas Kesehatan), the expiry alert with the write-off of expired
batches, and the pharmacy's sales and near-expiry reports. Thin: parse, call, render."""

from __future__ import annotations

from datetime import date

from flask import render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from outlet_pos.core.access import Membership, User, requires
from outlet_pos.core.inventory.services import fmt_qty
from outlet_pos.core.ledger.models import MONTHS_ID
from outlet_pos.core.tenancy import Cooperative, parse_id, require_cooperative
from outlet_pos.extensions import db
from outlet_pos.formatting import tanggal
from outlet_pos.money import format_rupiah
from outlet_pos.shell.actions import act
from outlet_pos.shell.downloads import attachment, report_frame, send_report
from outlet_pos.units.apotek import bp
from outlet_pos.units.apotek.expiry import BANDS, expiry_bands, write_off_expired
from outlet_pos.units.apotek.register_pdf import render_register_pdf
from outlet_pos.units.apotek.register_report import register_csv, register_month
from outlet_pos.units.apotek.reports import expiry_table, sales_by_class, sales_table


@bp.context_processor
def _register_globals() -> dict:
    return {"fmt_qty": fmt_qty}


def _month(coop: Cooperative) -> date:
    """``?bulan=2026-02`` as the first of that month; anything else is this month."""
    parts = (request.args.get("bulan") or "").split("-")
    if len(parts) == 2 and all(p.isascii() and p.isdigit() and len(p) <= 4 for p in parts):
        year, month = int(parts[0]), int(parts[1])
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return date(year, month, 1)
    return coop.today().replace(day=1)


def _pharmacist(coop: Cooperative) -> str:
    """Who signs: the signed-in apoteker, else the cooperative's first apoteker."""
    if "apoteker" in current_user.roles_in(coop):
        return current_user.full_name
    name = db.session.scalar(
        select(User.full_name)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.cooperative_id == coop.id, Membership.role == "apoteker")
        .order_by(Membership.id)
        .limit(1)
    )
    return name or ""


@bp.route("/register")
@requires("pharmacy.register")
def register_report():
    coop = require_cooperative()
    first = _month(coop)
    report = register_month(coop, first.year, first.month, coop.today())
    name = f"register-narkotika-psikotropika-{first:%Y-%m}"
    fmt = request.args.get("fmt")
    if fmt == "csv":
        return attachment(register_csv(report), "text/csv; charset=utf-8", f"{name}.csv")
    title = "Laporan Register Narkotika & Psikotropika"
    if fmt == "pdf":
        frame = report_frame(coop, title, report.label, wide=True)
        place = coop.desa or coop.kecamatan or coop.kabupaten
        data = render_register_pdf(
            frame, report, place=place, day=tanggal(coop.today()), pharmacist=_pharmacist(coop)
        )
        return attachment(data, "application/pdf", f"{name}.pdf")
    return render_template(
        "apotek/register.html", title=title, report=report, month=f"{first:%Y-%m}",
        args={"bulan": f"{first:%Y-%m}"},
    )  # fmt: skip


@bp.route("/kedaluwarsa")
@requires("pharmacy.view")
def expiry():
    coop = require_cooperative()
    today = coop.today()
    bands = expiry_bands(coop, today)
    totals = {key: sum(r.value for r in rows) for key, rows in bands.items()}
    return render_template(
        "apotek/expiry.html", bands=bands, labels=BANDS, totals=totals, today=today,
        can_write_off=current_user.can("pharmacy.manage", coop),
    )  # fmt: skip


def _int(name: str) -> int | None:
    return parse_id(request.form.get(name))


@bp.route("/kedaluwarsa/hapus", methods=["POST"])
@requires("pharmacy.manage")
def expiry_write_off():
    coop = require_cooperative()
    user = current_user._get_current_object()
    return act(
        url_for("apotek.expiry"),
        write_off_expired,
        coop,
        user,
        _int("batch_id"),
        _int("location_id"),
        request.form.get("reason", ""),
        done=lambda entry: (
            f"Batch dihapus dari stok; jurnal {entry.number} ({format_rupiah(entry.total)})."
        ),
    )


@bp.route("/laporan")
@requires("pharmacy.report")
def reports():
    coop = require_cooperative()
    first = _month(coop)
    period = f"{MONTHS_ID[first.month - 1]} {first.year}"
    today = coop.today()
    rows = sales_by_class(coop, first.year, first.month)
    sales = sales_table(rows)
    near = expiry_table(coop, today)
    if request.args.get("tabel") == "kedaluwarsa":
        sent = send_report(coop, near, "Obat Mendekati Kedaluwarsa", f"Per {tanggal(today)}",
                           f"obat-kedaluwarsa-{today:%Y-%m-%d}")  # fmt: skip
    else:
        sent = send_report(coop, sales, "Penjualan Obat per Golongan", period,
                           f"penjualan-obat-{first:%Y-%m}")  # fmt: skip
    if sent is not None:
        return sent
    return render_template(
        "apotek/reports.html", rows=rows, sales=sales, near=near, period=period, today=today,
        month=f"{first:%Y-%m}", args={"bulan": f"{first:%Y-%m}"},
    )  # fmt: skip
