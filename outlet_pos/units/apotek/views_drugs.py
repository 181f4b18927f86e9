"""The drug master pages: the list (everyone at the pharmacy, the cashier too, so they can
see what needs a prescription) and the form to add or edit a drug (pharmacy.manage)."""

from __future__ import annotations

from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from outlet_pos.core.access import requires
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.core.inventory.catalog import UnitSpec
from outlet_pos.core.inventory.models import Item
from outlet_pos.core.tenancy import get_scoped_or_404, require_cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_number
from outlet_pos.units.apotek import bp
from outlet_pos.units.apotek.drugs import drug_info, drug_rows, pharmacy_unit, save_drug
from outlet_pos.units.apotek.forms import DrugFilterForm, DrugForm
from outlet_pos.units.apotek.models import DRUG_CLASSES
from outlet_pos.units.apotek.views import _user

FIELDS = {"units": "base_uom", "price": "price_member", "drug_class": "drug_class"}


@bp.route("/obat")
@requires("pharmacy.view")
def drugs():
    coop = require_cooperative()
    form = DrugFilterForm(request.args)
    form.validate()
    rows = drug_rows(coop, form.q.data or "", form.golongan.data or "")
    return render_template(
        "apotek/drugs.html",
        form=form,
        rows=rows,
        classes=DRUG_CLASSES,
        has_unit=pharmacy_unit(coop) is not None,
    )


def _qty_text(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}".replace(".", ",")


def _fill(form: DrugForm, item: Item) -> None:
    info = drug_info(item.cooperative_id, item.id)
    base = item.base
    form.sku.data, form.name.data, form.base_uom.data = item.sku, item.name, item.base_uom
    form.price_member.data = format_number(base.price_member)
    form.price_general.data = format_number(base.price_general)
    form.taxable.data, form.active.data = item.taxable, item.active
    form.drug_class.data, form.dosage_form.data = info.drug_class, info.dosage_form
    form.active_ingredient.data, form.strength.data = info.active_ingredient, info.strength
    form.het_per_base.data = format_number(info.het_per_base) if info.het_per_base else ""
    form.max_per_sale.data = _qty_text(info.max_per_sale)
    for sub, unit in zip(form.packs, [u for u in item.units if u is not base], strict=False):
        sub.form.name.data = unit.name
        sub.form.factor.data = _qty_text(unit.factor)
        sub.form.price_member.data = format_number(unit.price_member)
        sub.form.price_general.data = format_number(unit.price_general)


def _values(form: DrugForm, item: Item | None) -> tuple[dict, dict]:
    units = [
        UnitSpec(
            form.base_uom.data.strip(),
            Decimal(1),
            form.price_member.amount or 0,
            form.price_general.amount or 0,
        )
    ]
    for sub in form.packs:
        if sub.form.is_blank():
            continue
        if sub.form.factor.qty is None:
            raise DomainError(f"Isi kemasan {sub.form.name.data} wajib diisi.", field="units")
        units.append(
            UnitSpec(
                sub.form.name.data.strip(),
                sub.form.factor.qty,
                sub.form.price_member.amount or 0,
                sub.form.price_general.amount or 0,
            )
        )
    item_values = {
        "sku": form.sku.data,
        "name": form.name.data,
        "base_uom": form.base_uom.data,
        "units": units,
        "taxable": bool(form.taxable.data),
        "active": bool(form.active.data),
    }
    if item is not None:
        item_values["item_id"] = item.id
    drug_values = {
        "drug_class": form.drug_class.data,
        "class_reason": form.class_reason.data,
        "dosage_form": form.dosage_form.data,
        "active_ingredient": form.active_ingredient.data,
        "strength": form.strength.data,
        "het_per_base": form.het_per_base.amount,
        "max_per_sale": form.max_per_sale.qty,
    }
    return item_values, drug_values


def _save(coop, user, form: DrugForm, item_id: int | None):
    item = db.session.get(Item, item_id) if item_id else None
    item_values, drug_values = _values(form, item)
    return save_drug(coop, user, item_values, drug_values)


def _form_page(item: Item | None):
    coop = require_cooperative()
    form = DrugForm()
    if request.method == "GET" and item is not None:
        _fill(form, item)
    if form.validate_on_submit():
        try:
            saved = run_transaction(_save, coop, _user(), form, item.id if item else None)
        except DomainError as exc:
            db.session.rollback()
            target = getattr(form, FIELDS.get(exc.field or "", exc.field or ""), None)
            if target is not None and isinstance(getattr(target, "errors", None), list):
                target.errors.append(exc.message)
            else:
                form.form_errors.append(exc.message)
        else:
            flash(_("Obat %(name)s tersimpan.", name=saved.name), "success")
            return redirect(url_for("apotek.drugs", q=saved.sku))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "apotek/drug_form.html", form=form, item=item, has_unit=pharmacy_unit(coop) is not None
    ), status


@bp.route("/obat/baru", methods=["GET", "POST"])
@requires("pharmacy.manage")
def drug_new():
    return _form_page(None)


@bp.route("/obat/<int:drug_id>/ubah", methods=["GET", "POST"])
@requires("pharmacy.manage")
def drug_edit(drug_id: int):
    coop = require_cooperative()
    item = get_scoped_or_404(Item, drug_id, coop)
    if drug_info(coop.id, item.id) is None:
        abort(404)
    return _form_page(item)
