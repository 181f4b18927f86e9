"""Livestock pages of a local unit: the animal register (with buying a new animal), an
animal's page with its weights and costs, and its actions: feed/care, weigh, sell, death."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from outlet_pos.core.access import requires
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.core.inventory.services import fmt_qty
from outlet_pos.core.tenancy import get_scoped_or_404, require_cooperative
from outlet_pos.money import format_rupiah
from outlet_pos.units.lokal import bp
from outlet_pos.units.lokal import livestock as herd_svc
from outlet_pos.units.lokal.fish_forms import AnimalForm, CostForm, DeathForm, SellForm, WeighForm
from outlet_pos.units.lokal.fish_models import ANIMAL_STATUSES, Animal
from outlet_pos.units.lokal.views_fish import as_int, home_of, member_choices, unit_or_back, user

OPERATE = "local.operate"


def _place(form, exc: DomainError) -> None:
    target = getattr(form, exc.field or "", None)
    if target is not None and hasattr(target, "errors") and exc.field != "meta":
        target.errors = [*target.errors, exc.message]
    else:
        form.form_errors.append(exc.message)


@bp.route("/<int:unit_id>/ternak", methods=["GET", "POST"])
@requires(OPERATE)
def livestock(unit_id: int):
    unit, back = unit_or_back(unit_id, "peternakan")
    if back:
        return back
    coop = require_cooperative()
    form = AnimalForm()
    form.member_id.choices = member_choices(coop, "— bukan anggota —")
    if request.method == "POST" and form.validate_on_submit():
        try:
            animal = run_transaction(
                herd_svc.buy_animal,
                coop,
                unit,
                user(),
                tag=form.tag.data,
                species=form.species.data,
                sex=form.sex.data,
                cost=form.cost.amount,
                paid_from=form.paid_from.data,
                seller_name=form.seller_name.data or "",
                member_id=as_int(form.member_id.data),
                weight=form.weight.data or None,
                note=form.note.data or "",
            )
        except DomainError as exc:
            _place(form, exc)
        else:
            flash(
                f"{animal.species_label} {animal.tag} tercatat masuk "
                f"({format_rupiah(animal.purchase_cost)}).",
                "success",
            )
            return redirect(url_for("lokal.livestock", unit_id=unit_id))
    status = request.args.get("status") if request.args.get("status") in ANIMAL_STATUSES else None
    animals = herd_svc.herd(coop, unit, status)
    alive = herd_svc.herd(coop, unit, "ada")
    return render_template(
        "lokal/livestock.html",
        unit=unit,
        form=form,
        animals=animals,
        status=status,
        statuses=ANIMAL_STATUSES,
        herd_value=sum(a.carrying_cost for a in alive),
        herd_count=len(alive),
        fmt_qty=fmt_qty,
    ), 400 if request.method == "POST" else 200


def _animal_page(animal: Animal, status: int = 200, **forms):
    coop = require_cooperative()
    sell = forms.get("sell") or SellForm(formdata=None)
    sell.buyer_member_id.choices = member_choices(coop, "— bukan anggota —")
    return render_template(
        "lokal/livestock_animal.html",
        a=animal,
        fmt_qty=fmt_qty,
        home=home_of(animal.unit),
        cost_form=forms.get("cost") or CostForm(formdata=None),
        weigh_form=forms.get("weigh") or WeighForm(formdata=None),
        sell_form=sell,
        death_form=forms.get("death") or DeathForm(formdata=None),
        can_write_off=current_user.can("local.manage", coop),
    ), status


@bp.route("/ternak/<int:animal_id>")
@requires(OPERATE)
def animal(animal_id: int):
    return _animal_page(get_scoped_or_404(Animal, animal_id))


def _run(animal_id: int, key: str, form, fn, done: str, **kwargs):
    """Run one animal action from its form; back to the animal, or its page with the error."""
    coop = require_cooperative()
    target = get_scoped_or_404(Animal, animal_id)
    if form.validate_on_submit():
        try:
            run_transaction(fn, coop, target, user(), **{k: v() for k, v in kwargs.items()})
        except DomainError as exc:
            _place(form, exc)
        else:
            flash(done, "success")
            return redirect(url_for("lokal.animal", animal_id=animal_id))
    return _animal_page(get_scoped_or_404(Animal, animal_id), 400, **{key: form})


@bp.route("/ternak/<int:animal_id>/biaya", methods=["POST"])
@requires(OPERATE)
def animal_cost(animal_id: int):
    f = CostForm()
    return _run(
        animal_id,
        "cost",
        f,
        herd_svc.add_cost,
        "Biaya ditambahkan ke nilai ternak.",
        kind=lambda: f.kind.data,
        amount=lambda: f.amount.amount,
        paid_from=lambda: f.paid_from.data,
        description=lambda: f.description.data or "",
        idempotency_key=lambda: f.idempotency_key.data,
    )


@bp.route("/ternak/<int:animal_id>/timbang", methods=["POST"])
@requires(OPERATE)
def animal_weigh(animal_id: int):
    f = WeighForm()
    return _run(
        animal_id,
        "weigh",
        f,
        herd_svc.weigh,
        "Bobot dicatat.",
        weight=lambda: f.weight.data,
        note=lambda: f.note.data or "",
    )


@bp.route("/ternak/<int:animal_id>/jual", methods=["POST"])
@requires(OPERATE)
def animal_sell(animal_id: int):
    f = SellForm()
    f.buyer_member_id.choices = member_choices(require_cooperative(), "— bukan anggota —")
    return _run(
        animal_id,
        "sell",
        f,
        herd_svc.sell_animal,
        "Ternak terjual.",
        basis=lambda: f.basis.data,
        price=lambda: f.price.amount,
        method=lambda: f.method.data,
        weight=lambda: f.weight.data or None,
        buyer_member_id=lambda: as_int(f.buyer_member_id.data),
        buyer_name=lambda: f.buyer_name.data or "",
    )


@bp.route("/ternak/<int:animal_id>/mati", methods=["POST"])
@requires("local.manage")
def animal_death(animal_id: int):
    f = DeathForm()
    return _run(
        animal_id,
        "death",
        f,
        herd_svc.record_death,
        "Kematian dicatat; nilai ternak dihapusbukukan.",
        note=lambda: f.note.data,
    )
