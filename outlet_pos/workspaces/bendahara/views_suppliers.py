"""Suppliers and purchase orders (an optional step before a goods receipt)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from outlet_pos.core.access import requires
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.core.inventory.services import fmt_qty
from outlet_pos.core.purchasing import (
    PurchaseOrder,
    Supplier,
    SupplierBill,
    cancel_order,
    create_order,
    save_supplier,
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
from outlet_pos.money import round_half_up
from outlet_pos.workspaces.bendahara import bp
from outlet_pos.workspaces.bendahara.forms_purchasing import (
    CancelOrderForm,
    OrderForm,
    SupplierForm,
)
from outlet_pos.workspaces.bendahara.purchasing_helpers import (
    PERM,
    active_suppliers,
    catalog,
    outlet_choices,
    place_error,
    resolve_line,
    used_lines,
    user,
)

# --- suppliers ---------------------------------------------------------------------------------


def _supplier_submit(coop: Cooperative, form: SupplierForm, supplier: Supplier | None):
    try:
        saved = run_transaction(
            save_supplier,
            coop,
            form.code.data,
            form.name.data,
            form.npwp.data or "",
            form.phone.data or "",
            form.address.data or "",
            getattr(form, "terms", 0),
            user(),
            supplier,
        )
    except DomainError as exc:
        place_error(form, exc, ("code", "name", "npwp", "phone", "address", "payment_terms_days"))
        return None
    flash(_("Pemasok %(name)s tersimpan.", name=saved.name), "success")
    return redirect(url_for("bendahara.suppliers"))


@bp.route("/pemasok", methods=["GET", "POST"])
@requires(PERM)
def suppliers():
    coop = require_cooperative()
    form = SupplierForm()
    if form.validate_on_submit():
        done = _supplier_submit(coop, form, None)
        if done is not None:
            return done
    rows = db.session.scalars(scoped_select(Supplier, coop).order_by(Supplier.name)).all()
    owed = dict(
        db.session.execute(
            select(
                SupplierBill.supplier_id, func.sum(SupplierBill.amount - SupplierBill.paid_amount)
            )
            .where(SupplierBill.cooperative_id == coop.id)
            .group_by(SupplierBill.supplier_id)
        ).all()
    )
    return render_template(
        "bendahara/purchasing/suppliers.html", form=form, suppliers=rows, owed=owed, edit=None
    ), (400 if request.method == "POST" else 200)


@bp.route("/pemasok/<int:supplier_id>", methods=["GET", "POST"])
@requires(PERM)
def supplier_edit(supplier_id: int):
    coop = require_cooperative()
    supplier = get_scoped_or_404(Supplier, supplier_id, coop)
    form = SupplierForm(obj=supplier if request.method == "GET" else None)
    if request.method == "GET":
        form.payment_terms_days.data = str(supplier.payment_terms_days)
    if form.validate_on_submit():
        done = _supplier_submit(coop, form, supplier)
        if done is not None:
            return done
    return render_template(
        "bendahara/purchasing/suppliers.html", form=form, suppliers=[], owed={}, edit=supplier
    ), (400 if request.method == "POST" else 200)


# --- purchase orders (optional) -------------------------------------------------------------


@bp.route("/pesanan", methods=["GET", "POST"])
@requires(PERM)
def orders():
    coop = require_cooperative()
    form = OrderForm()
    form.supplier.choices = [("", "— pilih pemasok —")] + [
        (str(s.id), s.name) for s in active_suppliers(coop)
    ]
    form.outlet.choices = outlet_choices(coop)
    if request.method == "GET":
        form.date.data = coop.today()
    if form.validate_on_submit():
        order = _submit_order(coop, form)
        if order is not None:
            flash(_("Pesanan %(number)s tersimpan.", number=order.number), "success")
            return redirect(url_for("bendahara.orders"))
    rows = db.session.scalars(
        scoped_select(PurchaseOrder, coop).order_by(PurchaseOrder.id.desc()).limit(100)
    ).all()
    return render_template(
        "bendahara/purchasing/orders.html",
        form=form,
        orders=rows,
        catalog=catalog(coop),
        cancel=CancelOrderForm(formdata=None),
        totals={o.id: sum(round_half_up(ln.qty * ln.unit_cost) for ln in o.lines) for o in rows},
        fmt_qty=fmt_qty,
    ), (400 if request.method == "POST" else 200)


def _submit_order(coop: Cooperative, form: OrderForm) -> PurchaseOrder | None:
    supplier = db.session.get(Supplier, parse_id(form.supplier.data) or 0)
    outlet_id = form.outlet.data or (form.outlet.choices[0][0] if form.outlet.choices else "0")
    outlet = db.session.get(Outlet, parse_id(outlet_id) or 0)
    if supplier is None or supplier.cooperative_id != coop.id:
        form.supplier.errors.append("Pilih pemasok.")
        return None
    if outlet is None or outlet.cooperative_id != coop.id:
        form.outlet.errors.append("Pilih gerai.")
        return None
    lines, index = [], []
    for i, sub in used_lines(form):
        hit = resolve_line(coop, sub)
        if hit is not None:
            lines.append((hit[0], hit[1], sub.qty.data, sub.cost.amount))
            index.append(i)
    if len(lines) != len(used_lines(form)):
        form.form_errors.append("Periksa baris yang ditandai.")
        return None
    try:
        return run_transaction(
            create_order,
            coop,
            supplier,
            outlet,
            lines,
            user(),
            day=form.date.data,
            note=form.note.data or "",
        )
    except DomainError as exc:
        if exc.field and exc.field.startswith("lines-"):
            _, idx, sub = exc.field.split("-", 2)
            exc.field = f"lines-{index[int(idx)]}-{sub}"
        place_error(form, exc, ("date", "note"))
        return None


@bp.route("/pesanan/batal", methods=["POST"])
@requires(PERM)
def order_cancel():
    coop = require_cooperative()
    form = CancelOrderForm()
    if not form.validate_on_submit() or not (form.order.data or "").isdigit():
        flash(_("Pesanan tidak dikenal."), "error")
        return redirect(url_for("bendahara.orders"))
    order = get_scoped_or_404(PurchaseOrder, form.order.data, coop)
    try:
        run_transaction(cancel_order, order, user())
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(_("Pesanan %(number)s dibatalkan.", number=order.number), "success")
    return redirect(url_for("bendahara.orders"))
