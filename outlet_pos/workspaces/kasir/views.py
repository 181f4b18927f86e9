"""The selling screen: open a shift, find products and members while typing, check out (JSON)."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from wtforms.fields.choices import SelectChoice

from outlet_pos.core.access import User, requires
from outlet_pos.core.db import pk, run_transaction
from outlet_pos.core.errors import DomainError, NotFound
from outlet_pos.core.inventory.services import fmt_qty
from outlet_pos.core.parties import Member
from outlet_pos.core.sales.checkout import checkout
from outlet_pos.core.sales.common import existing_document
from outlet_pos.core.sales.models import Sale
from outlet_pos.core.sales.shifts import open_shift
from outlet_pos.core.tenancy import Cooperative, Outlet, parse_id, require_cooperative
from outlet_pos.extensions import db
from outlet_pos.units.pupuk import services as pupuk
from outlet_pos.workspaces.kasir import bp, services
from outlet_pos.workspaces.kasir.forms import OpenShiftForm

CONFLICTS = {"insufficient_stock"}


@bp.context_processor
def _helpers() -> dict:
    return {"fmt_qty": fmt_qty}


def _open_form(coop: Cooperative) -> OpenShiftForm:
    form = OpenShiftForm()
    form.outlet.choices = [
        SelectChoice(o.id, f"{o.code} · {o.name}") for o in services.active_outlets(coop)
    ]
    return form


@bp.route("/")
@requires("pos.sell")
def screen():
    coop = require_cooperative()
    shift = services.current_shift(coop, current_user)
    if shift is None:
        return render_template("kasir/open_shift.html", form=_open_form(coop))
    outlet = db.session.get(Outlet, shift.outlet_id)
    return render_template(
        "kasir/screen.html",
        shift=shift,
        outlet=outlet,
        top=services.top_products(coop, outlet),
        discount_limit=services.discount_limit(current_user, coop),
        # The page offers a price change (F7) only to whom the server will take it from.
        price_override=current_user.can("pos.price_override", coop),
    )


@bp.route("/shift/buka", methods=["POST"])
@requires("pos.sell")
def shift_open():
    coop = require_cooperative()
    form = _open_form(coop)
    if form.validate_on_submit():
        outlet_id = parse_id(form.outlet.data)
        outlet = db.session.get(Outlet, outlet_id) if outlet_id else None
        if outlet is None or outlet.cooperative_id != coop.id:
            form.outlet.errors.append("Pilih gerai.")
        else:
            try:
                run_transaction(
                    open_shift, coop, current_user._get_current_object(), outlet,
                    form.float_amount.amount,
                )  # fmt: skip
            except DomainError as exc:
                target = form.float_amount if exc.field == "float" else None
                (target.errors if target else form.form_errors).append(exc.message)
            else:
                flash(_("Shift dibuka. Selamat bertugas."), "success")
                return redirect(url_for("kasir.screen"))
    return render_template("kasir/open_shift.html", form=form), 400


@bp.route("/cari")
@requires("pos.sell")
def product_search():
    coop = require_cooperative()
    outlet = services.counter_outlet(coop, current_user)
    return jsonify(services.search_products(coop, outlet, request.args.get("q", "")))


@bp.route("/anggota")
@requires("pos.sell")
def member_lookup():
    coop = require_cooperative()
    return jsonify({"members": services.find_members(coop, request.args.get("q", ""))})


@bp.route("/petani")
@requires("pos.sell")
def farmer_lookup():
    """A farmer by NIK and their quota left this season, for the redemption panel."""
    coop = require_cooperative()
    nik = request.args.get("nik", "").strip()[:32]
    try:
        view = pupuk.counter_view(coop, nik)
    except DomainError as exc:
        return _fail(exc)
    if view is None:
        return jsonify({"error": f"Petani dengan NIK {nik} belum terdaftar (e-RDKK).",
                        "field": "nik"}), 404  # fmt: skip
    return jsonify(view)


def _fail(exc: DomainError):
    status = 409 if exc.code in CONFLICTS else exc.status
    return jsonify({"error": exc.message, "field": exc.field}), status


def _answer(sale: Sale) -> dict:
    """What the selling screen needs after a sale, read while the transaction still holds
    the sale: no second transaction (on SQLite a second write lock) just to reload it."""
    return {
        "sale_id": sale.id,
        "number": sale.number,
        "total": sale.total,
        "change": sale.change_amount,
        "receipt_url": url_for("kasir.receipt_pdf", sale_id=sale.id, width=58),
        "receipt_url_80": url_for("kasir.receipt_pdf", sale_id=sale.id, width=80),
        "detail_url": url_for("kasir.sale_detail", sale_id=sale.id),
    }


def _first_sale_id(coop: Cooperative, key: str) -> int | None:
    return db.session.connection().scalar(
        select(Sale.id).where(Sale.cooperative_id == coop.id, Sale.idempotency_key == key)
    )


def _sell(
    coop: Cooperative, user: User, cart: services.CartRequest, approver_id: int | None
) -> dict:
    if cart.idempotency_key:  # a retried submit: the first answer, nothing audited twice
        first = existing_document(coop, cart.idempotency_key.strip()[:64], "sale")
        if first is not None:
            return _answer(first)
    shift = services.current_shift_id(pk(coop), pk(user))
    if shift is None:
        raise DomainError("Anda belum membuka shift; buka shift dulu.", field="shift")
    member = None
    if cart.member_id:
        member = db.session.get(Member, cart.member_id)
        if member is None or member.cooperative_id != coop.id:
            raise NotFound("Anggota tidak ditemukan.", field="member")
    approver = db.session.get(User, approver_id) if approver_id else None
    sale = checkout(
        shift, cart.lines, cart.payments, user=user, member=member,
        receipt_discount=cart.receipt_discount, idempotency_key=cart.idempotency_key or None,
        approver=approver, extra=cart.extra,
    )  # fmt: skip
    if approver is not None:
        services.audit_approval(coop, approver, user, "diskon/harga", sale.number)
    return _answer(sale)


@bp.route("/bayar", methods=["POST"])
@requires("pos.sell")
def checkout_json():
    coop = require_cooperative()
    user = current_user._get_current_object()
    try:
        cart = services.parse_cart(request.get_json(silent=True))
    except DomainError as exc:
        return _fail(exc)
    approver_id = None
    if cart.approver_username or cart.approver_password:
        approval = run_transaction(
            services.verify_approver, coop, user, cart.approver_username,
            cart.approver_password, "pos.refund", "diskon atau perubahan harga",
        )  # fmt: skip
        if approval.user is None:
            return jsonify({"error": approval.message, "field": "approver"}), 403
        approver_id = approval.user.id
    try:
        answer = run_transaction(_sell, coop, user, cart, approver_id)
    except DomainError as exc:
        return _fail(exc)
    except IntegrityError:
        # A double submit raced this one to the same key: the first sale is the answer.
        sale_id = _first_sale_id(coop, cart.idempotency_key) if cart.idempotency_key else None
        if sale_id is None:
            raise
        answer = _answer(db.session.get(Sale, sale_id))
    return jsonify(answer)
