"""Purchasing pages: goods receipts and their returns. Bills, payments and the payables
aging are in views_bills.py; suppliers and purchase orders in views_suppliers.py (imported at
the end, so the blueprint's one import of this module registers all the purchasing pages)."""

from __future__ import annotations

from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from outlet_pos.core.access import requires
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.core.inventory.services import fmt_qty
from outlet_pos.core.purchasing import (
    GoodsReceipt,
    PurchaseOrder,
    PurchaseReturn,
    ReceiptLineIn,
    Supplier,
    bill_for,
    receive_goods,
    return_goods,
)
from outlet_pos.core.tenancy import (
    Cooperative,
    Outlet,
    get_scoped_or_404,
    parse_id,
    require_cooperative,
)
from outlet_pos.core.tenancy import scoped as scoped_select
from outlet_pos.extensions import db
from outlet_pos.money import format_number, round_half_up
from outlet_pos.workspaces.bendahara import bp
from outlet_pos.workspaces.bendahara.forms_purchasing import ReceiptForm, ReturnForm
from outlet_pos.workspaces.bendahara.purchasing_helpers import (
    PAGE_SIZE,
    PERM,
    active_suppliers,
    catalog,
    outlet_choices,
    place_error,
    resolve_line,
    used_lines,
    user,
)


@bp.route("/penerimaan", methods=["GET", "POST"])
@requires(PERM)
def receipts():
    coop = require_cooperative()
    form = ReceiptForm()
    suppliers = active_suppliers(coop)
    form.supplier.choices = [("", "— pilih pemasok —")] + [(str(s.id), s.name) for s in suppliers]
    form.outlet.choices = outlet_choices(coop)
    if request.method == "GET":
        form.date.data = coop.today()
    order = _order_from_args(coop, form)
    if form.validate_on_submit():
        result = _submit_receipt(coop, form)
        if result is not None:
            flash(
                _("Penerimaan %(number)s tersimpan; barang masuk stok.", number=result.number),
                "success",
            )
            return redirect(url_for("bendahara.receipt_detail", receipt_id=result.id))
    stmt = scoped_select(GoodsReceipt, coop)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    page = min(max(request.args.get("hal", 1, type=int) or 1, 1), 100_000)
    rows = db.session.scalars(
        stmt.order_by(GoodsReceipt.date.desc(), GoodsReceipt.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return render_template(
        "bendahara/purchasing/receipts.html",
        page=page,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        form=form,
        receipts=rows,
        catalog=catalog(coop),
        order=order,
        suppliers=suppliers,
    ), (400 if request.method == "POST" else 200)


def _order_from_args(coop: Cooperative, form: ReceiptForm) -> PurchaseOrder | None:
    raw = request.args.get("pesanan") or form.order.data
    if not raw or not str(raw).isdigit():
        return None
    order = get_scoped_or_404(PurchaseOrder, raw, coop)
    if request.method == "GET":
        form.order.data = str(order.id)
        form.supplier.data = str(order.supplier_id)
        form.outlet.data = str(order.outlet_id)
        for i, ln in enumerate(order.lines):
            if i >= len(form.lines.entries):
                form.lines.append_entry()
            sub = form.lines.entries[i].form
            left = max(ln.qty - ln.received_qty, Decimal(0))
            sub.item.data, sub.unit.data = ln.item.sku, ln.item_unit.name
            sub.qty.data = fmt_qty(left)
            sub.cost.data = format_number(round_half_up(ln.unit_cost * left))
    return order


def _submit_receipt(coop: Cooperative, form: ReceiptForm) -> GoodsReceipt | None:
    low_outlet = form.outlet.data or (form.outlet.choices[0][0] if form.outlet.choices else "")
    supplier = db.session.get(Supplier, parse_id(form.supplier.data) or 0)
    outlet = db.session.get(Outlet, parse_id(low_outlet) or 0)
    if supplier is None or supplier.cooperative_id != coop.id:
        form.supplier.errors.append("Pilih pemasok.")
        return None
    if outlet is None or outlet.cooperative_id != coop.id:
        form.outlet.errors.append("Pilih gerai.")
        return None
    order = None
    if form.order.data and form.order.data.isdigit():
        order = get_scoped_or_404(PurchaseOrder, form.order.data, coop)
    lines, index = [], []
    for i, sub in used_lines(form):
        hit = resolve_line(coop, sub)
        if hit is not None:
            lines.append(
                ReceiptLineIn(
                    hit[0].id,
                    hit[1].id,
                    sub.qty.data,
                    sub.cost.amount,
                    sub.batch.data or "",
                    sub.expiry.data,
                )
            )
            index.append(i)
    if len(lines) != len(used_lines(form)):
        form.form_errors.append("Periksa baris barang yang ditandai.")
        return None
    try:
        return run_transaction(
            receive_goods,
            coop,
            supplier,
            outlet,
            lines,
            user=user(),
            day=form.date.data,
            supplier_ref=form.supplier_ref.data or "",
            order=order,
            paid_cash_account=form.paid.data or None,
            idempotency_key=form.idempotency_key.data,
        )
    except DomainError as exc:
        if exc.field and exc.field.startswith("lines-"):  # service index -> form row index
            _, idx, sub = exc.field.split("-", 2)
            exc.field = f"lines-{index[int(idx)]}-{sub}"
        elif exc.field == "account":
            exc.field = "paid"
        place_error(form, exc, ("date", "supplier_ref", "paid", "supplier", "outlet"))
        return None


def _receipt_page(coop, receipt, form, errors=None, status=200):
    returns = db.session.scalars(
        scoped_select(PurchaseReturn, coop)
        .where(PurchaseReturn.receipt_id == receipt.id)
        .order_by(PurchaseReturn.id)
    ).all()
    return render_template(
        "bendahara/purchasing/receipt_detail.html",
        receipt=receipt,
        bill=bill_for(receipt),
        returns=returns,
        form=form,
        errors=errors or {},
        typed=request.form,
        fmt_qty=fmt_qty,
    ), status


@bp.route("/penerimaan/<int:receipt_id>")
@requires(PERM)
def receipt_detail(receipt_id: int):
    coop = require_cooperative()
    receipt = get_scoped_or_404(GoodsReceipt, receipt_id, coop)
    form = ReturnForm()
    form.date.data = coop.today()
    return _receipt_page(coop, receipt, form)


@bp.route("/penerimaan/<int:receipt_id>/retur", methods=["POST"])
@requires(PERM)
def receipt_return(receipt_id: int):
    coop = require_cooperative()
    receipt = get_scoped_or_404(GoodsReceipt, receipt_id, coop)
    form = ReturnForm()
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        quantities = {
            ln.id: (request.form.get(f"qty-{ln.id}") or "").strip() or "0" for ln in receipt.lines
        }
        try:
            ret = run_transaction(
                return_goods,
                receipt,
                quantities,
                form.reason.data,
                user=user(),
                day=form.date.data,
            )
        except DomainError as exc:
            if exc.field and exc.field.startswith("qty"):
                errors[exc.field] = exc.message
            else:
                place_error(form, exc, ("date", "reason"))
        else:
            flash(
                _(
                    "Retur %(number)s tercatat senilai Rp%(total)s.",
                    number=ret.number,
                    total=format_number(ret.total),
                ),
                "success",
            )
            return redirect(url_for("bendahara.receipt_detail", receipt_id=receipt.id))
    receipt = get_scoped_or_404(GoodsReceipt, receipt_id, coop)
    return _receipt_page(coop, receipt, form, errors, 400)


# The other purchasing pages register their routes on import.
from outlet_pos.workspaces.bendahara import views_bills, views_suppliers  # noqa: E402,F401
