"""Receipts of the day, a sale's detail, printing and reprinting, refunds with a supervisor."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from outlet_pos.core.access import User, requires
from outlet_pos.core.db import run_transaction
from outlet_pos.core.documents.receipt import RECEIPT_WIDTHS, render_receipt
from outlet_pos.core.errors import DomainError
from outlet_pos.core.sales.models import SALE_STATUSES, Sale
from outlet_pos.core.sales.refunds import refund
from outlet_pos.core.tenancy import Cooperative, get_scoped_or_404, require_cooperative, scoped
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah
from outlet_pos.workspaces.kasir import bp, receipts, services
from outlet_pos.workspaces.kasir.forms import RefundForm

LIST_LIMIT = 200


@bp.route("/struk")
@requires("pos.sell")
def sales():
    coop = require_cooperative()
    q = request.args.get("q", "").strip()[:40]
    outlet = services.counter_outlet(coop, current_user)
    stmt = scoped(Sale, coop)
    if q:  # a number may be from another day: a customer brings back yesterday's receipt
        stmt = stmt.where(Sale.number.ilike(f"%{q}%"))
    else:
        stmt = stmt.where(Sale.date == coop.today(), Sale.outlet_id == (outlet.id if outlet else 0))
    rows = db.session.scalars(stmt.order_by(Sale.id.desc()).limit(LIST_LIMIT)).all()
    return render_template(
        "kasir/sales.html", rows=rows, q=q, outlet=outlet, statuses=SALE_STATUSES,
        today=coop.today(),
    )  # fmt: skip


@bp.route("/struk/<int:sale_id>")
@requires("pos.sell")
def sale_detail(sale_id: int):
    coop = require_cooperative()
    sale = get_scoped_or_404(Sale, sale_id, coop)
    return render_template(
        "kasir/sale_detail.html", sale=sale, refunds=receipts.refunds_of(sale),
        statuses=SALE_STATUSES, left=receipts.refundable(sale),
    )  # fmt: skip


def _count_print(sale_id: int, user_id: int, width: int) -> bool:
    return receipts.take_print(db.session.get(Sale, sale_id), db.session.get(User, user_id), width)


@bp.route("/struk/<int:sale_id>/<int:width>")
@requires("pos.sell")
def receipt_pdf(sale_id: int, width: int):
    coop = require_cooperative()
    if width not in RECEIPT_WIDTHS:
        abort(404)
    get_scoped_or_404(Sale, sale_id, coop)
    user_id = current_user.id
    # Counting the print writes: end this GET's read transaction so the write begins its own.
    db.session.rollback()
    copy = run_transaction(_count_print, sale_id, user_id, width)
    sale = db.session.get(Sale, sale_id)
    pdf = render_receipt(receipts.receipt_data(sale, copy=copy), width)
    name = f"struk-{sale.number}-{width}mm{'-salinan' if copy else ''}.pdf"
    headers = {"Content-Disposition": f'inline; filename="{name}"'}
    return Response(pdf, mimetype="application/pdf", headers=headers)


def _refund(coop: Cooperative, user: User, sale_id: int, quantities, reason, approver_id, key):
    shift = services.current_shift(coop, user)
    if shift is None:
        raise DomainError("Buka shift dulu: uang retur keluar dari laci Anda.")
    approver = db.session.get(User, approver_id) if approver_id else None
    doc = refund(
        db.session.get(Sale, sale_id), quantities, reason, user=user, shift=shift,
        approver=approver, idempotency_key=key,
    )  # fmt: skip
    if approver is not None:
        services.audit_approval(coop, approver, user, "retur", doc.number)
    return doc.id, doc.number, doc.total


@bp.route("/struk/<int:sale_id>/retur", methods=["GET", "POST"])
@requires("pos.sell")
def refund_page(sale_id: int):
    coop = require_cooperative()
    sale = get_scoped_or_404(Sale, sale_id, coop)
    if sale.kind != "sale":
        abort(404)
    user = current_user._get_current_object()
    form = RefundForm()
    needs_approval = not user.can("pos.refund", coop)
    typed = {line.id: request.form.get(f"qty-{line.id}", "").strip()[:20] for line in sale.lines}
    errors: list[str] = []
    if form.validate_on_submit():
        quantities = {lid: q for lid, q in typed.items() if q and q.strip("0,.")}
        approver_id = None
        if needs_approval:
            approval = run_transaction(
                services.verify_approver, coop, user, form.approver_username.data.strip().lower(),
                form.approver_password.data or "", "pos.refund", "retur",
            )  # fmt: skip
            if approval.user is None:
                form.approver_password.errors.append(approval.message)
            approver_id = approval.user.id if approval.user else None
        if not needs_approval or approver_id:
            try:
                doc_id, number, total = run_transaction(
                    _refund, coop, user, sale_id, quantities, form.reason.data,
                    approver_id, form.idempotency_key.data,
                )  # fmt: skip
            except DomainError as exc:
                (form.reason.errors if exc.field == "reason" else errors).append(exc.message)
            else:
                flash(
                    _(
                        "Retur %(number)s tersimpan: %(total)s dikembalikan.",
                        number=number,
                        total=format_rupiah(total),
                    ),
                    "success",
                )
                return redirect(url_for("kasir.sale_detail", sale_id=doc_id))
    sale = get_scoped_or_404(Sale, sale_id, coop)
    shift = services.current_shift(coop, user)
    return render_template(
        "kasir/refund.html",
        sale=sale,
        form=form,
        left=receipts.refundable(sale),
        typed=typed,
        errors=errors,
        needs_approval=needs_approval,
        shift=shift,
    ), (400 if request.method == "POST" else 200)
