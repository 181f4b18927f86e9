"""Catalog pages: item list, item form, export, import (preview then confirm), bulk prices."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from outlet_pos.core.access import requires
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.inventory import io as catalog_io
from outlet_pos.core.inventory.catalog import UnitSpec, save_item
from outlet_pos.core.inventory.models import Item, ItemBarcode
from outlet_pos.core.tenancy import BusinessUnit, get_scoped_or_404, require_cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_number
from outlet_pos.shell.uploads import stash, stashed
from outlet_pos.units.sembako import bp
from outlet_pos.units.sembako.forms import (
    BulkPriceForm,
    ImportForm,
    ItemFilterForm,
    ItemForm,
    split_codes,
)
from outlet_pos.units.sembako.queries import as_id, category_choices, item_page, unit_choices

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIELD_MAP = {"price": "price_member", "units": "", "batch": "track_batch"}


def _user():
    return current_user._get_current_object()


def _put_error(form, exc: DomainError) -> None:
    name = FIELD_MAP.get(exc.field or "", exc.field)
    target = getattr(form, name, None) if name else None
    if target is not None and hasattr(target, "errors") and isinstance(target.errors, list):
        target.errors.append(exc.message)
    else:
        form.form_errors.append(exc.message)


@bp.route("/barang")
@requires("catalog.view")
def items():
    coop = require_cooperative()
    form = ItemFilterForm(request.args)
    form.unit.choices = unit_choices(coop, "Semua unit")
    form.category.choices = category_choices(coop, "Semua kategori")
    form.validate()
    page = min(max(request.args.get("hal", 1, type=int) or 1, 1), 100_000)
    rows, on_hand, total, pages = item_page(
        coop,
        q=form.q.data,
        unit_id=as_id(form.unit.data),
        category=form.category.data or "",
        active=form.active.data or "",
        page=page,
    )
    args = {k: v for k, v in request.args.items() if k != "hal"}
    return render_template(
        "sembako/items.html", form=form, items=rows, on_hand=on_hand, total=total, page=page,
        pages=pages, args=args,
    )  # fmt: skip


@bp.route("/barang/ekspor/<fmt>")
@requires("catalog.view")
def items_export(fmt: str):
    coop = require_cooperative()
    stamp = f"{coop.today():%Y%m%d}"
    if fmt == "csv":
        data, mimetype = catalog_io.export_csv(coop), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        data, mimetype = catalog_io.export_xlsx(coop), XLSX
    else:
        abort(400)
    name = f"katalog-{stamp}.{fmt}"
    return Response(
        data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def _fill(form: ItemForm, item: Item) -> None:
    codes: dict[int, list[str]] = {}
    for bc in db.session.scalars(select(ItemBarcode).where(ItemBarcode.item_id == item.id)):
        codes.setdefault(bc.item_unit_id, []).append(bc.code)
    base = item.base
    form.sku.data, form.name.data, form.category.data = item.sku, item.name, item.category
    form.unit.data, form.base_uom.data = str(item.unit_id), item.base_uom
    form.decimals.data, form.inventory_account.data = str(item.decimals), item.inventory_account
    form.taxable.data, form.track_batch.data = item.taxable, item.track_batch
    form.active.data = item.active
    form.reorder_point.data = f"{item.reorder_point.normalize():f}".replace(".", ",")
    form.price_member.data = format_number(base.price_member)
    form.price_general.data = format_number(base.price_general)
    form.barcodes.data = "; ".join(codes.get(base.id, []))
    extras = [u for u in item.units if u is not base]
    while len(form.extra) < min(len(extras) + 1, form.extra.max_entries):
        form.extra.append_entry()
    for sub, u in zip(form.extra, extras, strict=False):
        sub.form.name.data = u.name
        sub.form.factor.data = f"{u.factor.normalize():f}".replace(".", ",")
        sub.form.price_member.data = format_number(u.price_member)
        sub.form.price_general.data = format_number(u.price_general)
        sub.form.barcodes.data = "; ".join(codes.get(u.id, []))


def _item_form(item: Item | None):
    coop = require_cooperative()
    form = ItemForm()
    form.unit.choices = unit_choices(coop, "— pilih unit usaha —")
    if request.method == "GET":
        if item is not None:
            _fill(form, item)
        else:
            sembako = next((v for v, label in form.unit.choices.items() if label == "Sembako"), "")
            form.unit.data = sembako
    if form.validate_on_submit():
        unit = db.session.get(BusinessUnit, as_id(form.unit.data) or 0)
        if unit is None or unit.cooperative_id != coop.id:
            form.unit.errors.append("Pilih unit usaha.")
        else:
            specs = [
                UnitSpec(
                    form.base_uom.data.strip(),
                    Decimal(1),
                    form.price_member.amount,
                    form.price_general.amount,
                    split_codes(form.barcodes.data),
                )
            ]
            specs += [
                UnitSpec(
                    s.form.name.data.strip(),
                    s.form.factor.qty,
                    s.form.price_member.amount,
                    s.form.price_general.amount,
                    split_codes(s.form.barcodes.data),
                )
                for s in form.extra
                if not s.form.is_blank()
            ]
            try:
                saved = run_transaction(
                    save_item, coop, unit=unit, sku=form.sku.data, name=form.name.data,
                    base_uom=form.base_uom.data, units=specs, category=form.category.data or "",
                    decimals=int(form.decimals.data or 0), taxable=form.taxable.data,
                    track_batch=form.track_batch.data,
                    reorder_point=form.reorder_point.qty or Decimal(0),
                    inventory_account=form.inventory_account.data, active=form.active.data,
                    item=item, user=_user(),
                )  # fmt: skip
            except DomainError as exc:
                _put_error(form, exc)
            else:
                flash(
                    _("Barang %(sku)s — %(name)s tersimpan.", sku=saved.sku, name=saved.name),
                    "success",
                )
                return redirect(url_for("sembako.items", q=saved.sku))
    status = 400 if request.method == "POST" else 200
    return render_template("sembako/item_form.html", form=form, item=item), status


@bp.route("/barang/baru", methods=["GET", "POST"])
@requires("catalog.edit")
def item_new():
    return _item_form(None)


@bp.route("/barang/<int:item_id>/ubah", methods=["GET", "POST"])
@requires("catalog.edit")
def item_edit(item_id: int):
    return _item_form(get_scoped_or_404(Item, item_id))


@bp.route("/barang/impor", methods=["GET", "POST"])
@requires("catalog.edit")
def items_import():
    coop = require_cooperative()
    user = _user()
    form = ImportForm()
    preview = None
    if request.method == "POST" and form.validate_on_submit():
        upload = form.file.data
        try:
            if upload:
                raw, filename = upload.read(catalog_io.MAX_BYTES + 1), upload.filename or ""
                preview = catalog_io.preview_import(coop, raw, filename)
                form.token.data = stash("katalog", coop.id, user.id, raw)
                form.filename.data = filename
            else:
                path = stashed("katalog", coop.id, user.id, form.token.data)
                if path is None:
                    raise ValidationError("Pilih berkas CSV atau Excel.", field="file")
                preview = catalog_io.preview_import(coop, path.read_bytes(), form.filename.data)
                if request.form.get("confirm") and preview.ok:
                    created, updated = run_transaction(catalog_io.apply_import, coop, preview, user)
                    path.unlink(missing_ok=True)
                    flash(
                        _(
                            "Impor selesai: %(created)s barang baru, %(updated)s diperbarui.",
                            created=created,
                            updated=updated,
                        ),
                        "success",
                    )
                    return redirect(url_for("sembako.items"))
        except DomainError as exc:
            (form.file.errors if exc.field == "file" else form.form_errors).append(exc.message)
    status = 400 if request.method == "POST" and (preview is None or not preview.ok) else 200
    return render_template("sembako/import.html", form=form, preview=preview), status


def _fingerprint(changes) -> str:
    text = ";".join(
        f"{c.unit.id}:{c.old_member}:{c.old_general}:{c.new_member}:{c.new_general}"
        for c in changes
    )
    return hashlib.sha256(text.encode()).hexdigest()


@bp.route("/barang/ubah-harga", methods=["GET", "POST"])
@requires("catalog.edit")
def bulk_price():
    coop = require_cooperative()
    form = BulkPriceForm()
    form.unit.choices = unit_choices(coop, "Semua unit")
    form.category.choices = category_choices(coop, "Semua kategori")
    changes = None
    if form.validate_on_submit():
        change = form.parsed_change()
        criteria = dict(
            unit_id=as_id(form.unit.data), category=form.category.data or None,
            target=form.target.data, mode=form.mode.data, change=change,
            rounding=int(form.rounding.data or 1),
        )  # fmt: skip
        if change is not None:
            try:
                changes = catalog_io.preview_price_change(coop, **criteria)
                seen = _fingerprint(changes)
                if request.form.get("apply") and form.fingerprint.data == seen:
                    n = run_transaction(catalog_io.apply_price_change, coop, _user(), **criteria)
                    flash(_("Harga %(n)s barang diubah.", n=n), "success")
                    return redirect(url_for("sembako.items"))
                if request.form.get("apply"):
                    form.form_errors.append(
                        "Harga atau pilihan berubah sejak pratinjau; periksa pratinjau ini lalu "
                        "terapkan lagi."
                    )
                form.fingerprint.data = seen
            except DomainError as exc:
                changes = None
                _put_error(form, exc)
    status = 400 if request.method == "POST" and changes is None else 200
    return render_template("sembako/bulk_price.html", form=form, changes=changes), status
