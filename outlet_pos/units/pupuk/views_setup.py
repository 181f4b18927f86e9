"""Set-up pages of the fertilizer unit: the HET table (dated rows; a pengurus adds one when a
regulation changes) and which of the unit's items are subsidised fertilizer of which type."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from outlet_pos.core.access import requires
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.core.inventory.models import Item, StockLevel
from outlet_pos.core.tenancy import BusinessUnit, get_scoped_or_404, require_cooperative
from outlet_pos.extensions import db
from outlet_pos.shell.actions import act
from outlet_pos.units.pupuk import bp, services
from outlet_pos.units.pupuk.forms import HetForm, whole_number
from outlet_pos.units.pupuk.models import FERTILIZER_TYPES, HetPrice, SubsidisedItem
from outlet_pos.units.pupuk.views_common import user


def _het_rows(coop) -> dict[str, list[HetPrice]]:
    rows: dict[str, list[HetPrice]] = {t: [] for t in FERTILIZER_TYPES}
    for row in db.session.scalars(
        select(HetPrice)
        .where(HetPrice.cooperative_id == coop.id)
        .order_by(HetPrice.fertilizer_type, HetPrice.valid_from.desc())
    ):
        rows.setdefault(row.fertilizer_type, []).append(row)
    return rows


def _het_page(form: HetForm, status: int = 200):
    coop = require_cooperative()
    today = coop.today()
    current = {t: services.het_on(coop, t, today) for t in FERTILIZER_TYPES}
    return render_template(
        "pupuk/het.html", rows=_het_rows(coop), current=current, form=form, today=today
    ), status


@bp.route("/het")
@requires("pupuk.view")
def het():
    return _het_page(HetForm(formdata=None))


@bp.route("/het/tambah", methods=["POST"])
@requires("pupuk.manage")
def het_add():
    coop = require_cooperative()
    form = HetForm()
    if form.validate_on_submit():
        try:
            rp = whole_number(form.rp_per_kg.data, "HET per kg", "rp_per_kg")
            bag = whole_number(form.bag_kg.data, "Isi karung", "bag_kg")
            row = run_transaction(
                services.add_het, coop, user(), fertilizer_type=form.fertilizer_type.data,
                valid_from=form.valid_from.data, rp_per_kg=rp, bag_kg=bag,
                source=form.source.data,
            )  # fmt: skip
        except DomainError as exc:
            target = getattr(form, exc.field or "", None)
            (target.errors if target is not None else form.form_errors).append(exc.message)
        else:
            flash(
                _(
                    "HET %(fertilizer)s %(het)s tersimpan; HET sebelumnya berakhir sehari "
                    "sebelumnya.",
                    fertilizer=FERTILIZER_TYPES[row.fertilizer_type],
                    het=services.het_message(row),
                ),
                "success",
            )
            return redirect(url_for("pupuk.het"))
    return _het_page(form, 400)


@bp.route("/het/muat-bawaan", methods=["POST"])
@requires("pupuk.manage")
def het_seed():
    """Load the HET table shipped with the app (only when the cooperative has none yet)."""
    coop = require_cooperative()
    return act(
        url_for("pupuk.het"), services.ensure_het, coop,
        done="Tabel HET bawaan (Kepmentan 1117/2025) dimuat.",
    )  # fmt: skip


@bp.route("/barang")
@requires("pupuk.view")
def items():
    coop = require_cooperative()
    units = {
        u.id: u
        for u in db.session.scalars(
            select(BusinessUnit).where(
                BusinessUnit.cooperative_id == coop.id, BusinessUnit.kind == "pupuk"
            )
        )
    }
    rows = (
        list(
            db.session.scalars(
                select(Item).where(Item.unit_id.in_(units)).order_by(Item.active.desc(), Item.sku)
            )
        )
        if units
        else []
    )
    marks = {
        s.item_id: s.fertilizer_type
        for s in db.session.scalars(
            select(SubsidisedItem).where(SubsidisedItem.cooperative_id == coop.id)
        )
    }
    stock = dict(
        db.session.execute(
            select(StockLevel.item_id, func.sum(StockLevel.on_hand))
            .where(StockLevel.cooperative_id == coop.id)
            .group_by(StockLevel.item_id)
        ).all()
    )
    problems = {i.id: services.subsidy_problems(i, units.get(i.unit_id)) for i in rows}
    return render_template(
        "pupuk/items.html", rows=rows, marks=marks, stock=stock, problems=problems,
        has_unit=bool(units),
    )  # fmt: skip


@bp.route("/barang/<int:item_id>/subsidi", methods=["POST"])
@requires("pupuk.manage")
def item_mark(item_id: int):
    coop = require_cooperative()
    item = get_scoped_or_404(Item, item_id)
    ftype = request.form.get("fertilizer_type", "")
    if ftype and ftype not in FERTILIZER_TYPES:
        abort(400)
    label = FERTILIZER_TYPES.get(ftype, "")
    return act(
        url_for("pupuk.items"), services.mark_subsidised, coop, item, ftype or None, user(),
        done=f"{item.name}: pupuk bersubsidi {label}." if ftype
        else f"{item.name}: bukan lagi pupuk bersubsidi.",
    )  # fmt: skip
