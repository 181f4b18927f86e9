"""Supplier bills: paying them (cash from the drawer or bank) and the payables aging, on the
page and as PDF and Excel."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from outlet_pos.core.access import requires
from outlet_pos.core.db import run_transaction, utcnow
from outlet_pos.core.documents import Column, ReportFrame, render_table_report, render_table_xlsx
from outlet_pos.core.errors import DomainError
from outlet_pos.core.ledger import balances
from outlet_pos.core.purchasing import (
    AGING_BUCKETS,
    AGING_LABELS,
    SupplierBill,
    SupplierPayment,
    pay_bill,
    payables_aging,
)
from outlet_pos.core.tenancy import Cooperative, get_scoped_or_404, require_cooperative
from outlet_pos.core.tenancy import scoped as scoped_select
from outlet_pos.extensions import db
from outlet_pos.formatting import tanggal
from outlet_pos.money import format_number
from outlet_pos.workspaces.bendahara import bp
from outlet_pos.workspaces.bendahara.forms_purchasing import AgingForm, PayForm
from outlet_pos.workspaces.bendahara.purchasing_helpers import PERM, XLSX, place_error, user


def _aging_date(coop: Cooperative):
    form = AgingForm(request.args)
    form.validate()
    form.as_of.data = form.as_of.data or coop.today()
    return form, form.as_of.data


def _ledger_payable(coop: Cooperative, as_of) -> int:
    """The 211100 Utang usaha balance as a positive amount owed, to set beside the aging."""
    return -balances(coop, as_of=as_of).get("211100", 0)


def _aging_notes(coop: Cooperative, aging) -> list[str]:
    ledger = _ledger_payable(coop, aging.as_of)
    notes = [f"Saldo akun 211100 Utang usaha di buku besar: Rp{format_number(ledger)}."]
    if ledger != aging.total:
        notes.append(
            f"Selisih Rp{format_number(ledger - aging.total)} adalah utang usaha yang tidak "
            "dicatat lewat tagihan pemasok (mis. saldo awal atau jurnal manual)."
        )
    return notes


def _bills_page(coop: Cooperative, forms: dict | None = None, status: int = 200):
    aging_form, as_of = _aging_date(coop)
    aging = payables_aging(coop, as_of)
    open_bills = db.session.scalars(
        scoped_select(SupplierBill, coop)
        .where(SupplierBill.status == "open")
        .order_by(SupplierBill.due_date, SupplierBill.id)
    ).all()
    forms = forms or {}
    for bill in open_bills:
        if bill.id not in forms:
            f = PayForm(prefix=f"bill{bill.id}", formdata=None)
            f.date.data = coop.today()
            f.amount.data = format_number(bill.outstanding)
            forms[bill.id] = f
    payments = db.session.scalars(
        scoped_select(SupplierPayment, coop)
        .order_by(SupplierPayment.date.desc(), SupplierPayment.id.desc())
        .limit(50)
    ).all()
    return render_template(
        "bendahara/purchasing/bills.html",
        aging=aging,
        aging_form=aging_form,
        bills=open_bills,
        forms=forms,
        payments=payments,
        buckets=AGING_BUCKETS,
        labels=AGING_LABELS,
        today=coop.today(),
        notes=_aging_notes(coop, aging),
    ), status


@bp.route("/tagihan")
@requires(PERM)
def bills():
    return _bills_page(require_cooperative())


@bp.route("/tagihan/<int:bill_id>/bayar", methods=["POST"])
@requires(PERM)
def bill_pay(bill_id: int):
    coop = require_cooperative()
    bill = get_scoped_or_404(SupplierBill, bill_id, coop)
    form = PayForm(prefix=f"bill{bill.id}")
    if form.validate_on_submit():
        try:
            run_transaction(
                pay_bill,
                bill,
                form.amount.amount,
                form.account.data,
                user=user(),
                day=form.date.data,
                reference=form.reference.data or "",
                idempotency_key=form.idempotency_key.data,
            )
        except DomainError as exc:
            place_error(form, exc, ("amount", "account", "date", "reference"))
        else:
            bill = get_scoped_or_404(SupplierBill, bill_id, coop)
            state = (
                "lunas" if bill.status == "paid" else f"sisa Rp{format_number(bill.outstanding)}"
            )
            flash(
                _(
                    "Pembayaran tagihan %(number)s tercatat (%(state)s).",
                    number=bill.number,
                    state=state,
                ),
                "success",
            )
            return redirect(url_for("bendahara.bills"))
    if bill.status != "open":
        flash(_("Tagihan %(number)s sudah lunas.", number=bill.number), "error")
        return redirect(url_for("bendahara.bills"))
    return _bills_page(coop, {bill.id: form}, 400)


AGING_COLUMNS = [
    Column("Pemasok", 0.28),
    *[Column(AGING_LABELS[b], 0.12, "right") for b in AGING_BUCKETS],
    Column("Jumlah", 0.12, "right"),
]


@bp.route("/tagihan/umur-utang.<fmt>")
@requires(PERM)
def aging_export(fmt: str):
    if fmt not in ("pdf", "xlsx"):
        abort(404)
    coop = require_cooperative()
    _form, as_of = _aging_date(coop)
    aging = payables_aging(coop, as_of)
    local = coop.local_time(utcnow())
    frame = ReportFrame(
        coop_name=coop.name,
        coop_address=", ".join(p for p in (coop.address, coop.desa, coop.kabupaten) if p),
        title="Umur Utang Usaha",
        period_label=f"Per {tanggal(as_of)}",
        printed_by=current_user.full_name,
        printed_at=f"{tanggal(local)} {local:%H:%M} {coop.timezone}",
        subtitle="Hari lewat jatuh tempo",
    )
    name = f"umur-utang-{as_of:%Y%m%d}.{fmt}"
    if fmt == "pdf":
        rows = [
            [
                r.supplier.name,
                *[format_number(r.buckets[b]) for b in AGING_BUCKETS],
                format_number(r.total),
            ]
            for r in aging.rows
        ]
        totals = [
            "Jumlah",
            *[format_number(aging.totals[b]) for b in AGING_BUCKETS],
            format_number(aging.total),
        ]
        notes = _aging_notes(coop, aging)
        data, mime = (
            render_table_report(frame, AGING_COLUMNS, rows, totals, notes),
            "application/pdf",
        )
    else:
        rows = [
            [r.supplier.name, *[r.buckets[b] for b in AGING_BUCKETS], r.total] for r in aging.rows
        ]
        totals = ["Jumlah", *[aging.totals[b] for b in AGING_BUCKETS], aging.total]
        data, mime = render_table_xlsx(frame, AGING_COLUMNS, rows, totals), XLSX
    return Response(
        data, mimetype=mime, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
