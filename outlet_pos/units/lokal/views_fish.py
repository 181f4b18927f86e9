"""Fisheries pages of a local unit: today's price list (and the fish items it prices), buying
catch from fishers with the purchase slip. Livestock pages: ``fish_views_livestock``.

Views are thin: they read the form, call one service in one transaction and redirect; a
refusal is shown beside the form with status 400.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from outlet_pos.core.access import requires
from outlet_pos.core.db import run_transaction, utcnow
from outlet_pos.core.errors import DomainError
from outlet_pos.core.inventory.services import fmt_qty
from outlet_pos.core.parties import Member
from outlet_pos.core.tenancy import BusinessUnit, get_scoped_or_404, parse_id, require_cooperative
from outlet_pos.extensions import db
from outlet_pos.formatting import tanggal
from outlet_pos.money import format_rupiah
from outlet_pos.shell.actions import act
from outlet_pos.units.lokal import bp, fish
from outlet_pos.units.lokal.fish_common import local_unit
from outlet_pos.units.lokal.fish_documents import SlipData, SlipLine, render_purchase_slip
from outlet_pos.units.lokal.fish_forms import CatchForm, FishItemForm, FishVoidForm, PricesForm
from outlet_pos.units.lokal.fish_models import GRADES, FishPurchase

OPERATE = "local.operate"


def user():
    return current_user._get_current_object()


def unit_or_back(unit_id: int, template: str) -> tuple[BusinessUnit | None, Response | None]:
    """The unit for a fisheries/livestock page: another cooperative's is a 404; one of ours
    made from another template goes back home with the reason."""
    coop = require_cooperative()
    unit = db.session.get(BusinessUnit, unit_id)
    if unit is None or unit.cooperative_id != coop.id:
        abort(404)
    try:
        return local_unit(coop, unit_id, template), None
    except DomainError as exc:
        flash(exc.message, "error")
        return None, redirect(home_of(unit))


def home_of(unit: BusinessUnit) -> str:
    """The unit's home page when the local-units pages exist, else the start page."""
    try:
        return url_for("lokal.unit", unit_id=unit.id)
    except Exception:  # noqa: BLE001 - the endpoint belongs to another module
        return url_for("shell.home")


def member_choices(coop, blank: str) -> dict:
    rows = db.session.execute(
        select(Member.id, Member.member_number, Member.name)
        .where(Member.cooperative_id == coop.id, Member.status == "aktif")
        .order_by(Member.name)
    )
    return {"": blank} | {str(i): f"{name} ({number})" for i, number, name in rows}


def as_int(raw: str | None) -> int | None:
    return parse_id(raw)


@bp.route("/<int:unit_id>/ikan/harga")
@requires(OPERATE)
def fish_prices(unit_id: int):
    """Today's price list: every operator reads it, only a manager changes it."""
    unit, back = unit_or_back(unit_id, "perikanan")
    return back or _prices_page(unit, PricesForm(formdata=None))


@bp.route("/<int:unit_id>/ikan/harga", methods=["POST"], endpoint="fish_prices_save")
@requires("local.manage")
def fish_prices_save(unit_id: int):
    unit, back = unit_or_back(unit_id, "perikanan")
    if back:
        return back
    coop = require_cooperative()
    form = PricesForm()
    if not form.validate_on_submit():
        flash(_("Formulir kedaluwarsa; muat ulang halaman."), "error")
        return redirect(url_for("lokal.fish_prices", unit_id=unit_id))
    prices, errors = _read_prices(coop, unit)
    if errors:
        for message in errors:
            flash(message, "error")
        return _prices_page(unit, form, 400)
    return act(
        url_for("lokal.fish_prices", unit_id=unit_id),
        fish.set_prices,
        coop,
        unit,
        coop.today(),
        prices,
        user(),
        done="Daftar harga hari ini disimpan.",
    )


def _read_prices(coop, unit) -> tuple[dict, list[str]]:
    from outlet_pos.money import MoneyError, parse_rupiah

    prices: dict = {}
    errors: list[str] = []
    for item in fish.fish_items(coop, unit):
        for grade in GRADES:
            key = f"price-{item.id}-{grade}"
            if key not in request.form:
                continue
            raw = request.form[key].strip()
            try:
                prices[(item.id, grade)] = parse_rupiah(raw) if raw else None
            except MoneyError as exc:
                errors.append(f"{item.name} mutu {grade}: {exc}")
    return prices, errors


def _prices_page(unit, form, status: int = 200, item_form=None):
    coop = require_cooperative()
    return render_template(
        "lokal/fish_prices.html",
        unit=unit,
        form=form,
        items=fish.fish_items(coop, unit),
        grades=GRADES,
        prices=fish.prices_for(coop, unit, coop.today()),
        day=coop.today(),
        item_form=item_form or FishItemForm(formdata=None),
        can_manage=current_user.can("local.manage", coop),
    ), status


@bp.route("/<int:unit_id>/ikan/jenis", methods=["POST"])
@requires("local.manage")
def fish_item_new(unit_id: int):
    unit, back = unit_or_back(unit_id, "perikanan")
    if back:
        return back
    coop = require_cooperative()
    form = FishItemForm()
    if not form.validate_on_submit():
        return _prices_page(unit, PricesForm(formdata=None), 400, item_form=form)
    return act(
        url_for("lokal.fish_prices", unit_id=unit_id),
        fish.add_fish_item,
        coop,
        unit,
        form.name.data,
        form.price_member.amount,
        form.price_general.amount,
        user(),
        done=lambda item: f"{item.name} ditambahkan; isi harga belinya hari ini.",
    )


@bp.route("/<int:unit_id>/ikan/pembelian", methods=["GET", "POST"])
@requires(OPERATE)
def fish_purchases(unit_id: int):
    unit, back = unit_or_back(unit_id, "perikanan")
    if back:
        return back
    coop = require_cooperative()
    form = CatchForm()
    _choices(coop, unit, form)
    if request.method == "POST" and form.validate_on_submit():
        lines = [
            fish.CatchLine(
                as_int(sub.form.item.data) or 0,
                sub.form.grade.data or "",
                sub.form.weight.data,
                sub.form.price.amount,
            )
            for sub in form.lines
            if not sub.form.is_blank()
        ]
        try:
            purchase = run_transaction(
                fish.buy_catch,
                coop,
                unit,
                user(),
                lines=lines,
                method=form.method.data,
                member_id=as_int(form.member_id.data),
                seller_name=form.seller_name.data or "",
                idempotency_key=form.idempotency_key.data,
            )
        except DomainError as exc:
            form.form_errors.append(exc.message)
        else:
            flash(
                _(
                    "%(number)s: %(amount)s dibayar %(method)s.",
                    number=purchase.number,
                    amount=format_rupiah(purchase.amount),
                    method=purchase.method_label.lower(),
                ),
                "success",
            )
            return redirect(url_for("lokal.fish_purchase", fish_purchase_id=purchase.id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "lokal/fish_purchases.html",
        unit=unit,
        form=form,
        grades=GRADES,
        purchases=fish.purchases_of(coop, unit),
        prices=fish.prices_for(coop, unit, coop.today()),
        items=fish.fish_items(coop, unit),
        fmt_qty=fmt_qty,
        day=coop.today(),
    ), status


def _choices(coop, unit, form: CatchForm) -> None:
    form.member_id.choices = member_choices(coop, "— bukan anggota —")
    items = {"": "— pilih —"} | {str(i.id): i.name for i in fish.fish_items(coop, unit)}
    for sub in form.lines:
        sub.form.item.choices = items


@bp.route("/ikan/pembelian/<int:fish_purchase_id>")
@requires(OPERATE)
def fish_purchase(fish_purchase_id: int):
    purchase = get_scoped_or_404(FishPurchase, fish_purchase_id)
    return render_template(
        "lokal/fish_purchase.html", p=purchase, fmt_qty=fmt_qty, home=home_of(purchase.unit),
        void_form=FishVoidForm(), can_void=user().can("local.manage"),
    )  # fmt: skip


@bp.route("/ikan/pembelian/<int:fish_purchase_id>/batal", methods=["POST"])
@requires("local.manage")
def fish_purchase_void(fish_purchase_id: int):
    """Void a wrong purchase: fish out of stock, money back into the drawer or out of the
    member's sukarela, by a counter-entry (the purchase itself is never edited)."""
    coop = require_cooperative()
    purchase = get_scoped_or_404(FishPurchase, fish_purchase_id)
    back = url_for("lokal.fish_purchase", fish_purchase_id=purchase.id)
    form = FishVoidForm()
    if not form.validate_on_submit():
        flash(_("Tulis alasan pembatalan (minimal 5 karakter)."), "error")
        return redirect(back)  # a 400 with a redirect would leave the browser on a bare page
    def done(p: FishPurchase) -> str:
        where = "ke laci kasir" if p.method == "tunai" else "dari simpanan sukarela anggota"
        return f"{p.number} dibatalkan: ikan keluar dari stok, {format_rupiah(p.amount)} {where}."

    return act(back, fish.void_purchase, coop, purchase, user(), form.reason.data, done=done)


@bp.route("/ikan/pembelian/<int:fish_purchase_id>/nota.pdf")
@requires(OPERATE)
def fish_slip(fish_purchase_id: int):
    coop = require_cooperative()
    p = get_scoped_or_404(FishPurchase, fish_purchase_id)
    local = coop.local_time(utcnow())
    if p.method == "sukarela":
        from outlet_pos.units.simpan_pinjam.models import SavingsTxn

        txn = db.session.get(SavingsTxn, p.savings_txn_id)
        payment = f"Disetor ke simpanan sukarela {txn.account.number if txn else ''}".strip()
    else:
        payment = "Tunai dari laci kasir" + (f" (shift {p.shift_id})" if p.shift_id else "")
    seller = f"{p.member.name} ({p.member.member_number})" if p.member else p.seller_name
    data = SlipData(
        coop_name=coop.name,
        coop_address=", ".join(x for x in (coop.address, coop.desa, coop.kabupaten) if x),
        unit_name=p.unit.name,
        number=p.number,
        date=tanggal(p.date),
        seller=seller,
        payment=payment,
        total_weight=fmt_qty(p.total_weight),
        amount=p.amount,
        lines=[
            SlipLine(ln.item.name, ln.grade, fmt_qty(ln.weight), ln.price, ln.amount, ln.overridden)
            for ln in p.lines
        ],
        journal=p.entry.number if p.entry else "",
        printed=f"Dicetak {tanggal(local)} {local:%H:%M} {coop.timezone} oleh "
        f"{current_user.full_name}",
    )
    return Response(
        render_purchase_slip(data),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{p.number}.pdf"'},
    )


from outlet_pos.units.lokal import fish_views_livestock  # noqa: E402,F401
