"""Purchasing pages: goods receipts (and their returns), supplier bills with the payables
aging (PDF, Excel), suppliers, and purchase orders (an optional step before a receipt)."""

from __future__ import annotations

from decimal import Decimal

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select

from outlet_pos.core.access import requires
from outlet_pos.core.db import run_transaction, utcnow
from outlet_pos.core.documents import Column, ReportFrame, render_table_report, render_table_xlsx
from outlet_pos.core.errors import DomainError
from outlet_pos.core.inventory.catalog import find_by_barcode
from outlet_pos.core.inventory.models import Item, ItemBarcode
from outlet_pos.core.inventory.services import fmt_qty
from outlet_pos.core.ledger import balances
from outlet_pos.core.purchasing import (
    AGING_BUCKETS,
    AGING_LABELS,
    GoodsReceipt,
    PurchaseOrder,
    PurchaseReturn,
    ReceiptLineIn,
    Supplier,
    SupplierBill,
    SupplierPayment,
    bill_for,
    cancel_order,
    create_order,
    pay_bill,
    payables_aging,
    receive_goods,
    return_goods,
    save_supplier,
)
from outlet_pos.core.tenancy import Cooperative, Outlet, get_scoped_or_404, require_cooperative
from outlet_pos.core.tenancy import scoped as scoped_select
from outlet_pos.extensions import db
from outlet_pos.formatting import tanggal
from outlet_pos.money import format_number, round_half_up
from outlet_pos.workspaces.bendahara import bp
from outlet_pos.workspaces.bendahara.forms_purchasing import (
    AgingForm,
    CancelOrderForm,
    OrderForm,
    PayForm,
    ReceiptForm,
    ReturnForm,
    SupplierForm,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERM = "purchase.manage"
PAGE_SIZE = 30


# --- helpers ---------------------------------------------------------------------------------


def _user():
    return current_user._get_current_object()


def _suppliers(coop: Cooperative) -> list[Supplier]:
    return db.session.scalars(
        scoped_select(Supplier, coop).where(Supplier.active.is_(True)).order_by(Supplier.name)
    ).all()


def _outlets(coop: Cooperative) -> list[tuple[str, str]]:
    rows = db.session.scalars(scoped_select(Outlet, coop).order_by(Outlet.id)).all()
    return [(str(o.id), o.name) for o in rows]


def _catalog(coop: Cooperative) -> list[dict]:
    """Items for the datalist (type SKU, name or barcode), with their units and barcodes."""
    items = db.session.scalars(
        scoped_select(Item, coop).where(Item.active.is_(True)).order_by(Item.name).limit(3000)
    ).all()
    codes: dict[int, list[str]] = {}
    for item_id, code in db.session.execute(
        select(ItemBarcode.item_id, ItemBarcode.code).where(ItemBarcode.cooperative_id == coop.id)
    ):
        codes.setdefault(item_id, []).append(code)
    return [
        {
            "sku": it.sku,
            "name": it.name,
            "units": [u.name for u in it.units],
            "barcodes": codes.get(it.id, [])[:4],
            "track_batch": it.track_batch,
        }
        for it in items
    ]


def _resolve(coop: Cooperative, sub) -> tuple[Item, object] | None:
    """The item and unit a line names: a barcode, a SKU or an exact name; errors beside it."""
    text = (sub.item.data or "").strip()
    hit = find_by_barcode(coop, text)
    if hit is not None:
        item, unit = hit
    else:
        item = db.session.scalar(
            scoped_select(Item, coop).where(
                or_(func.lower(Item.sku) == text.lower(), func.lower(Item.name) == text.lower())
            )
        )
        if item is None:
            sub.item.errors.append("Barang tidak ditemukan (ketik SKU, nama, atau barcode).")
            return None
        unit = item.base
    wanted = (sub.unit.data or "").strip().lower()
    if wanted and wanted != unit.name.lower():
        unit = next((u for u in item.units if u.name.lower() == wanted), None)
        if unit is None:
            names = ", ".join(u.name for u in item.units)
            sub.unit.errors.append(f"Satuan {item.name}: {names}.")
            return None
    return item, unit


def _place_error(form, exc: DomainError, fields: tuple[str, ...]) -> None:
    """Put a service's message beside the field it names (``lines-2-batch`` too)."""
    name = exc.field or ""
    if name.startswith("lines-"):
        _, idx, sub = name.split("-", 2)
        if idx.isdigit() and int(idx) < len(form.lines.entries):
            target = getattr(form.lines.entries[int(idx)].form, sub, None)
            if target is not None:
                target.errors.append(exc.message)
                return
    if name in fields:
        getattr(form, name).errors.append(exc.message)
    else:
        form.form_errors.append(exc.message)


def _used_lines(form):
    return [(i, sub.form) for i, sub in enumerate(form.lines) if not sub.form.is_blank()]


# --- goods receipts ----------------------------------------------------------------------------


@bp.route("/penerimaan", methods=["GET", "POST"])
@requires(PERM)
def receipts():
    coop = require_cooperative()
    form = ReceiptForm()
    suppliers = _suppliers(coop)
    form.supplier.choices = [("", "— pilih pemasok —")] + [(str(s.id), s.name) for s in suppliers]
    form.outlet.choices = _outlets(coop)
    if request.method == "GET":
        form.date.data = coop.today()
    order = _order_from_args(coop, form)
    if form.validate_on_submit():
        result = _submit_receipt(coop, form)
        if result is not None:
            flash(f"Penerimaan {result.number} tersimpan; barang masuk stok.", "success")
            return redirect(url_for("bendahara.receipt_detail", receipt_id=result.id))
    stmt = scoped_select(GoodsReceipt, coop)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    page = max(request.args.get("hal", 1, type=int) or 1, 1)
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
        catalog=_catalog(coop),
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
    supplier = db.session.get(Supplier, int(form.supplier.data or 0))
    outlet = db.session.get(Outlet, int(low_outlet or 0))
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
    for i, sub in _used_lines(form):
        hit = _resolve(coop, sub)
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
    if len(lines) != len(_used_lines(form)):
        form.form_errors.append("Periksa baris barang yang ditandai.")
        return None
    try:
        return run_transaction(
            receive_goods,
            coop,
            supplier,
            outlet,
            lines,
            user=_user(),
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
        _place_error(form, exc, ("date", "supplier_ref", "paid", "supplier", "outlet"))
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
                user=_user(),
                day=form.date.data,
            )
        except DomainError as exc:
            if exc.field and exc.field.startswith("qty"):
                errors[exc.field] = exc.message
            else:
                _place_error(form, exc, ("date", "reason"))
        else:
            flash(f"Retur {ret.number} tercatat senilai Rp{format_number(ret.total)}.", "success")
            return redirect(url_for("bendahara.receipt_detail", receipt_id=receipt.id))
    receipt = get_scoped_or_404(GoodsReceipt, receipt_id, coop)
    return _receipt_page(coop, receipt, form, errors, 400)


# --- bills, payments, aging -----------------------------------------------------------------


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
                user=_user(),
                day=form.date.data,
                reference=form.reference.data or "",
                idempotency_key=form.idempotency_key.data,
            )
        except DomainError as exc:
            _place_error(form, exc, ("amount", "account", "date", "reference"))
        else:
            bill = get_scoped_or_404(SupplierBill, bill_id, coop)
            state = (
                "lunas" if bill.status == "paid" else f"sisa Rp{format_number(bill.outstanding)}"
            )
            flash(f"Pembayaran tagihan {bill.number} tercatat ({state}).", "success")
            return redirect(url_for("bendahara.bills"))
    if bill.status != "open":
        flash(f"Tagihan {bill.number} sudah lunas.", "error")
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
            _user(),
            supplier,
        )
    except DomainError as exc:
        _place_error(form, exc, ("code", "name", "npwp", "phone", "address", "payment_terms_days"))
        return None
    flash(f"Pemasok {saved.name} tersimpan.", "success")
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
        (str(s.id), s.name) for s in _suppliers(coop)
    ]
    form.outlet.choices = _outlets(coop)
    if request.method == "GET":
        form.date.data = coop.today()
    if form.validate_on_submit():
        order = _submit_order(coop, form)
        if order is not None:
            flash(f"Pesanan {order.number} tersimpan.", "success")
            return redirect(url_for("bendahara.orders"))
    rows = db.session.scalars(
        scoped_select(PurchaseOrder, coop).order_by(PurchaseOrder.id.desc()).limit(100)
    ).all()
    return render_template(
        "bendahara/purchasing/orders.html",
        form=form,
        orders=rows,
        catalog=_catalog(coop),
        cancel=CancelOrderForm(formdata=None),
        totals={o.id: sum(round_half_up(ln.qty * ln.unit_cost) for ln in o.lines) for o in rows},
        fmt_qty=fmt_qty,
    ), (400 if request.method == "POST" else 200)


def _submit_order(coop: Cooperative, form: OrderForm) -> PurchaseOrder | None:
    supplier = db.session.get(Supplier, int(form.supplier.data or 0))
    outlet_id = form.outlet.data or (form.outlet.choices[0][0] if form.outlet.choices else "0")
    outlet = db.session.get(Outlet, int(outlet_id))
    if supplier is None or supplier.cooperative_id != coop.id:
        form.supplier.errors.append("Pilih pemasok.")
        return None
    if outlet is None or outlet.cooperative_id != coop.id:
        form.outlet.errors.append("Pilih gerai.")
        return None
    lines, index = [], []
    for i, sub in _used_lines(form):
        hit = _resolve(coop, sub)
        if hit is not None:
            lines.append((hit[0], hit[1], sub.qty.data, sub.cost.amount))
            index.append(i)
    if len(lines) != len(_used_lines(form)):
        form.form_errors.append("Periksa baris yang ditandai.")
        return None
    try:
        return run_transaction(
            create_order,
            coop,
            supplier,
            outlet,
            lines,
            _user(),
            day=form.date.data,
            note=form.note.data or "",
        )
    except DomainError as exc:
        if exc.field and exc.field.startswith("lines-"):
            _, idx, sub = exc.field.split("-", 2)
            exc.field = f"lines-{index[int(idx)]}-{sub}"
        _place_error(form, exc, ("date", "note"))
        return None


@bp.route("/pesanan/batal", methods=["POST"])
@requires(PERM)
def order_cancel():
    coop = require_cooperative()
    form = CancelOrderForm()
    if not form.validate_on_submit() or not (form.order.data or "").isdigit():
        flash("Pesanan tidak dikenal.", "error")
        return redirect(url_for("bendahara.orders"))
    order = get_scoped_or_404(PurchaseOrder, form.order.data, coop)
    try:
        run_transaction(cancel_order, order, _user())
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(f"Pesanan {order.number} dibatalkan.", "success")
    return redirect(url_for("bendahara.orders"))
