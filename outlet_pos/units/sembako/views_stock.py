"""Stock pages: levels, stock card, transfer, write-off, and stock counts (stock opname)."""

from __future__ import annotations

from decimal import Decimal

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from outlet_pos.core.access import requires
from outlet_pos.core.db import run_transaction, utcnow
from outlet_pos.core.documents import Column, ReportFrame, render_table_report
from outlet_pos.core.errors import DomainError
from outlet_pos.core.inventory import counting
from outlet_pos.core.inventory.counting_models import COUNT_STATUSES, StockCount
from outlet_pos.core.inventory.models import Batch, Item, Location
from outlet_pos.core.inventory.services import fmt_qty
from outlet_pos.core.tenancy import get_scoped_or_404, require_cooperative
from outlet_pos.extensions import db
from outlet_pos.formatting import tanggal
from outlet_pos.units.sembako import bp
from outlet_pos.units.sembako.forms import (
    CountCancelForm,
    CountCreateForm,
    StockCardForm,
    StockFilterForm,
    TransferForm,
    WriteOffForm,
)
from outlet_pos.units.sembako.queries import (
    as_id,
    category_choices,
    count_page,
    expiring,
    find_item,
    item_locations,
    item_options,
    location_choices,
    low_stock,
    stock_card,
    stock_rows,
    unit_choices,
)


def _user():
    return current_user._get_current_object()


def _put_error(form, exc: DomainError, fields: dict[str, str]) -> None:
    name = fields.get(exc.field or "", exc.field)
    target = getattr(form, name, None) if name else None
    if target is not None and isinstance(getattr(target, "errors", None), list):
        target.errors.append(exc.message)
    else:
        form.form_errors.append(exc.message)


@bp.route("/stok")
@requires("stock.view")
def stock():
    coop = require_cooperative()
    form = StockFilterForm(request.args)
    form.location.choices = location_choices(coop, "Semua lokasi")
    form.unit.choices = unit_choices(coop, "Semua unit")
    form.category.choices = category_choices(coop, "Semua kategori")
    form.validate()
    location_id = as_id(form.location.data)
    rows = stock_rows(
        coop,
        q=form.q.data,
        location_id=location_id,
        unit_id=as_id(form.unit.data),
        category=form.category.data or "",
        status=form.status.data or "",
    )
    today = coop.today()
    return render_template(
        "sembako/stock.html",
        form=form,
        rows=rows,
        total_value=sum(r.value for r in rows),
        low=low_stock(coop),
        expiring=expiring(coop, today, 90, location_id),
        today=today,
    )


@bp.route("/barang/<int:item_id>/kartu-stok")
@requires("stock.view")
def stock_card_page(item_id: int):
    coop = require_cooperative()
    item = get_scoped_or_404(Item, item_id, coop)
    places = item_locations(item)
    form = StockCardForm(request.args)
    form.lokasi.choices = {str(loc.id): f"{loc.code} — {loc.name}" for loc in places}
    chosen = next((loc for loc in places if str(loc.id) == form.lokasi.data), None)
    location = chosen or (places[0] if places else None)
    rows, truncated = stock_card(item, location) if location else ([], False)
    if location:
        form.lokasi.data = str(location.id)
    return render_template(
        "sembako/stock_card.html",
        item=item,
        form=form,
        location=location,
        rows=rows,
        truncated=truncated,
    )


def _item_field(coop, form) -> Item | None:
    item = find_item(coop, form.item.data)
    if item is None:
        form.item.errors.append("Barang dengan SKU atau barcode ini tidak ditemukan.")
    return item


def _location(coop, raw) -> Location | None:
    loc = db.session.get(Location, as_id(raw) or 0)
    return loc if loc is not None and loc.cooperative_id == coop.id else None


@bp.route("/stok/transfer", methods=["GET", "POST"])
@requires("stock.manage")
def transfer():
    coop = require_cooperative()
    form = TransferForm()
    form.source.choices = location_choices(coop, "— pilih lokasi —")
    form.target.choices = form.source.choices
    if request.method == "GET" and request.args.get("sku"):
        form.item.data = request.args["sku"][:60]
    if form.validate_on_submit():
        item = _item_field(coop, form)
        source, target = _location(coop, form.source.data), _location(coop, form.target.data)
        if source is None:
            form.source.errors.append("Pilih lokasi asal.")
        if target is None:
            form.target.errors.append("Pilih lokasi tujuan.")
        if item and source and target:
            try:
                value = run_transaction(
                    counting.transfer_stock, coop, source, target, item, form.qty.qty, _user(),
                    note=form.note.data or "",
                )  # fmt: skip
            except DomainError as exc:
                _put_error(form, exc, {"target": "target", "qty": "qty", "batch": "item"})
            else:
                flash(
                    _(
                        "%(qty)s %(unit)s %(name)s dipindah dari %(source)s ke %(target)s "
                        "(nilai Rp%(value)s).",
                        qty=fmt_qty(form.qty.qty),
                        unit=item.base_uom,
                        name=item.name,
                        source=source.name,
                        target=target.name,
                        value=format(value, ","),
                    ).replace(",", "."),
                    "success",
                )
                return redirect(url_for("sembako.stock", location=target.id))
    status = 400 if request.method == "POST" else 200
    return render_template("sembako/transfer.html", form=form, options=item_options(coop)), status


@bp.route("/stok/hapus", methods=["GET", "POST"])
@requires("stock.manage")
def write_off():
    coop = require_cooperative()
    form = WriteOffForm()
    form.location.choices = location_choices(coop, "— pilih lokasi —")
    if request.method == "GET":
        form.item.data = (request.args.get("sku") or "")[:60]
        form.batch.data = (request.args.get("batch") or "")[:40]
        form.location.data = request.args.get("lokasi") or ""
    if form.validate_on_submit():
        item = _item_field(coop, form)
        location = _location(coop, form.location.data)
        if location is None:
            form.location.errors.append("Pilih lokasi.")
        batch_id = None
        if item is not None and (form.batch.data or "").strip():
            batch = db.session.scalar(
                select(Batch).where(Batch.item_id == item.id, Batch.code == form.batch.data.strip())
            )
            if batch is None:
                form.batch.errors.append(f"Batch ini tidak ada untuk {item.name}.")
            batch_id = batch.id if batch else None
        if item and location and not form.batch.errors:
            try:
                entry = run_transaction(
                    counting.write_off, coop, location, item, form.qty.qty, form.reason.data,
                    _user(), batch_id=batch_id,
                )  # fmt: skip
            except DomainError as exc:
                _put_error(form, exc, {"reason": "reason", "qty": "qty", "batch": "batch"})
            else:
                flash(
                    _(
                        "Penghapusan %(name)s diposting dengan jurnal %(number)s.",
                        name=item.name,
                        number=entry.number,
                    ),
                    "success",
                )
                return redirect(url_for("sembako.stock", location=location.id))
    status = 400 if request.method == "POST" else 200
    return render_template("sembako/write_off.html", form=form, options=item_options(coop)), status


# --- stock counts -------------------------------------------------------------------------------


def _counts_page(form: CountCreateForm, status: int = 200):
    coop = require_cooperative()
    page = min(max(request.args.get("hal", 1, type=int) or 1, 1), 100_000)
    counts, line_counts, values, total, pages = count_page(coop, page)
    return render_template(
        "sembako/counts.html", form=form, counts=counts, line_counts=line_counts,
        values=values, statuses=COUNT_STATUSES, page=page, pages=pages, total=total,
    ), status  # fmt: skip


def _create_form(coop) -> CountCreateForm:
    form = CountCreateForm()
    form.location.choices = location_choices(coop, "— pilih lokasi —")
    form.category.choices = category_choices(coop, "Semua barang")
    return form


@bp.route("/opname")
@requires("stock.view")
def counts():
    return _counts_page(_create_form(require_cooperative()))


@bp.route("/opname/baru", methods=["POST"])
@requires("stock.manage")
def count_create():
    coop = require_cooperative()
    form = _create_form(coop)
    if form.validate_on_submit():
        location = _location(coop, form.location.data)
        if location is None:
            form.location.errors.append("Pilih lokasi.")
        else:
            items = None
            if form.category.data:
                items = list(
                    db.session.scalars(
                        select(Item.id).where(
                            Item.cooperative_id == coop.id, Item.category == form.category.data
                        )
                    )
                )
            try:
                count = run_transaction(
                    counting.create_count, coop, location, _user(), items=items,
                    note=form.note.data or "",
                )  # fmt: skip
            except DomainError as exc:
                _put_error(form, exc, {"items": "category"})
            else:
                flash(
                    _(
                        "Stok opname %(number)s dibuat; cetak lembar hitungnya.",
                        number=count.number,
                    ),
                    "success",
                )
                return redirect(url_for("sembako.count_detail", count_id=count.id))
    return _counts_page(form, 400)


def _detail(count: StockCount, errors: dict[int, str] | None = None, typed=None, status=200):
    variances = counting.preview_variances(count) if count.status == "submitted" else None
    return render_template(
        "sembako/count_detail.html", count=count, statuses=COUNT_STATUSES,
        variances=variances, errors=errors or {}, typed=typed or {},
        cancel_form=CountCancelForm(),
    ), status  # fmt: skip


@bp.route("/opname/<int:count_id>")
@requires("stock.view")
def count_detail(count_id: int):
    return _detail(get_scoped_or_404(StockCount, count_id))


@bp.route("/opname/<int:count_id>/simpan", methods=["POST"])
@requires("stock.manage")
def count_save(count_id: int):
    count = get_scoped_or_404(StockCount, count_id)
    typed = {
        line.id: request.form.get(f"line-{line.id}", "")[:20]
        for line in count.lines
        if f"line-{line.id}" in request.form
    }
    submit = bool(request.form.get("submit"))

    def action():
        counting.record_counts(count, typed, _user())
        if submit:
            counting.submit_count(count, _user())

    try:
        run_transaction(action)
    except DomainError as exc:
        db.session.expire_all()
        count = get_scoped_or_404(StockCount, count_id)
        if (exc.field or "").startswith("line-"):
            return _detail(count, {int(exc.field[5:]): exc.message}, typed, 400)
        flash(exc.message, "error")
        return _detail(count, {}, typed, 400)
    flash(
        _("Stok opname diajukan untuk disetujui.") if submit else _("Hasil hitung tersimpan."),
        "success",
    )
    return redirect(url_for("sembako.count_detail", count_id=count_id))


def _transition(count_id: int, fn, done: str, *args):
    count = get_scoped_or_404(StockCount, count_id)
    try:
        run_transaction(fn, count, _user(), *args)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(done.format(number=count.number), "success")
    return redirect(url_for("sembako.count_detail", count_id=count_id))


@bp.route("/opname/<int:count_id>/ajukan", methods=["POST"])
@requires("stock.manage")
def count_submit(count_id: int):
    return _transition(count_id, counting.submit_count, "Stok opname {number} diajukan.")


@bp.route("/opname/<int:count_id>/posting", methods=["POST"])
@requires("stock.approve")
def count_post(count_id: int):
    return _transition(
        count_id, counting.approve_and_post, "Stok opname {number} disetujui dan diposting."
    )


@bp.route("/opname/<int:count_id>/batal", methods=["POST"])
@requires("stock.manage")
def count_cancel(count_id: int):
    form = CountCancelForm()
    form.validate_on_submit()
    reason = (form.reason.data or "")[:300]
    return _transition(count_id, counting.cancel_count, "Stok opname {number} dibatalkan.", reason)


SHEET_COLUMNS = [
    Column("SKU", 0.13),
    Column("Nama barang", 0.27),
    Column("Batch", 0.16),
    Column("Kedaluwarsa", 0.13),
    Column("Stok sistem", 0.12, "right"),
    Column("Hasil hitung", 0.19, "right"),
]
WRITE_HERE = "_" * 13  # a line to write the counted quantity on


@bp.route("/opname/<int:count_id>/lembar.pdf")
@requires("stock.view")
def count_sheet(count_id: int):
    coop = require_cooperative()
    count = get_scoped_or_404(StockCount, count_id, coop)
    location = db.session.get(Location, count.location_id)
    local = coop.local_time(utcnow())
    address = ", ".join(p for p in (coop.address, coop.desa, coop.kabupaten, coop.provinsi) if p)
    frame = ReportFrame(
        coop_name=coop.name,
        coop_address=address,
        title="Lembar Stok Opname",
        period_label=f"{count.number} · {tanggal(count.date)}",
        subtitle=f"Lokasi: {location.code} — {location.name}",
        printed_by=current_user.full_name,
        printed_at=f"{tanggal(local)} {local:%H:%M} {coop.timezone}",
    )
    rows = [
        [
            line.item.sku,
            line.item.name,
            line.batch.code if line.batch else "",
            tanggal(line.batch.expiry) if line.batch and line.batch.expiry else "",
            f"{fmt_qty(line.system_qty or Decimal(0))} {line.item.base_uom}",
            f"{WRITE_HERE} {line.item.base_uom}",
        ]
        for line in count.lines
    ]
    notes = [
        "Tulis jumlah yang benar-benar ada di rak dalam satuan dasar; barang rusak atau "
        "kedaluwarsa ikut dihitung dan diberi catatan.",
        "Dihitung oleh: ______________________    Diperiksa oleh: ______________________",
    ]
    pdf = render_table_report(frame, SHEET_COLUMNS, rows, None, notes)
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{count.number}.pdf"'},
    )
