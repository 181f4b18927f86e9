"""Member pages: the register, registration at the counter, the member page with everything
about them, changes, and leaving with the settlement."""

from __future__ import annotations

from decimal import Decimal

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from outlet_pos.core.access import requires
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.core.parties import MEMBER_STATUSES, Member
from outlet_pos.core.sales.checkout import member_credit_balance
from outlet_pos.core.sales.models import Sale
from outlet_pos.core.tenancy import get_scoped_or_404, require_cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah
from outlet_pos.shell.actions import act, parsed
from outlet_pos.units.simpan_pinjam import bp, members, savings, wajib
from outlet_pos.units.simpan_pinjam.common import VIAS
from outlet_pos.units.simpan_pinjam.forms import MemberForm, form_amount, form_via
from outlet_pos.units.simpan_pinjam.loans import collectibility
from outlet_pos.units.simpan_pinjam.models import (
    COLLECTIBILITY,
    LOAN_STATUSES,
    SAVINGS_KINDS,
    Loan,
    SavingsProduct,
)
from outlet_pos.units.simpan_pinjam.repayment import amount_due
from outlet_pos.units.simpan_pinjam.views_common import my_shift, user


@bp.app_template_global()
def has_endpoint(name: str) -> bool:
    return name in current_app.view_functions


@bp.app_template_filter("pct")
def pct(value) -> str:
    """A rate as people write it: ``18``, ``16,5`` (not ``18.0000``)."""
    if value is None:
        return ""
    text = f"{Decimal(str(value)).normalize():f}"
    return text.replace(".", ",")


@bp.route("/anggota")
@requires("member.view")
def members_list():
    coop = require_cooperative()
    q = request.args.get("q", "")
    status = request.args.get("status", "aktif")
    if status not in MEMBER_STATUSES and status != "":
        status = "aktif"
    rows = members.search_members(coop, q, status or None, limit=200)
    balances = dict(
        db.session.execute(
            select(savings.SavingsAccount.member_id, func.sum(savings.SavingsAccount.balance))
            .where(savings.SavingsAccount.cooperative_id == coop.id)
            .group_by(savings.SavingsAccount.member_id)
        ).all()
    )
    owed = dict(
        db.session.execute(
            select(Loan.member_id, func.sum(Loan.outstanding))
            .where(Loan.cooperative_id == coop.id, Loan.status == "aktif")
            .group_by(Loan.member_id)
        ).all()
    )
    total = db.session.scalar(
        select(func.count(Member.id)).where(
            Member.cooperative_id == coop.id, Member.status == "aktif"
        )
    )
    return render_template(
        "simpin/members.html", rows=rows, q=q, status=status, statuses=MEMBER_STATUSES,
        balances=balances, owed=owed, total_active=total,
    )  # fmt: skip


@bp.route("/anggota/baru", methods=["GET", "POST"])
@requires("member.manage")
def member_new():
    coop = require_cooperative()
    form = MemberForm()
    if form.validate_on_submit():
        try:
            member = run_transaction(
                members.register_member, coop, form.values(), user(),
                pay_pokok=form.pay_pokok.data, via=form.via.data, shift=my_shift(),
            )  # fmt: skip
        except DomainError as exc:
            target = getattr(form, exc.field or "", None)
            (target.errors if target is not None else form.form_errors).append(exc.message)
        else:
            flash(
                _(
                    "%(name)s terdaftar sebagai anggota %(member_number)s.",
                    name=member.name,
                    member_number=member.member_number,
                ),
                "success",
            )
            return redirect(url_for("simpin.member_detail", member_id=member.id))
    return render_template(
        "simpin/member_form.html", form=form, member=None, pokok=coop.simpanan_pokok_amount,
        shift=my_shift(),
    )  # fmt: skip


@bp.route("/anggota/<int:member_id>/ubah", methods=["GET", "POST"])
@requires("member.manage")
def member_edit(member_id: int):
    coop = require_cooperative()
    member = get_scoped_or_404(Member, member_id)
    form = MemberForm(obj=member)
    if form.validate_on_submit():
        try:
            run_transaction(members.update_member, coop, member, form.values(), user())
        except DomainError as exc:
            target = getattr(form, exc.field or "", None)
            (target.errors if target is not None else form.form_errors).append(exc.message)
        else:
            flash(_("Data anggota disimpan."), "success")
            return redirect(url_for("simpin.member_detail", member_id=member.id))
    return render_template("simpin/member_form.html", form=form, member=member, pokok=0, shift=None)


@bp.route("/anggota/<int:member_id>")
@requires("member.view")
def member_detail(member_id: int):
    coop = require_cooperative()
    member = get_scoped_or_404(Member, member_id)
    accounts = savings.member_accounts(coop, member)
    by_kind = {a.kind: a for a in accounts if a.kind != "berjangka"}
    term = [a for a in accounts if a.kind == "berjangka"]
    today = coop.today()
    loans = list(
        db.session.scalars(
            select(Loan).where(Loan.member_id == member.id).order_by(Loan.applied_on.desc())
        )
    )
    due = {loan.id: amount_due(loan, today) for loan in loans if loan.status == "aktif"}
    klass = {loan.id: collectibility(coop, loan, today) for loan in loans if loan.status == "aktif"}
    sales = list(
        db.session.scalars(
            select(Sale)
            .where(Sale.cooperative_id == coop.id, Sale.member_id == member.id)
            .order_by(Sale.id.desc())
            .limit(10)
        )
    )
    purchases = db.session.scalar(
        select(func.coalesce(func.sum(Sale.total), 0)).where(
            Sale.cooperative_id == coop.id, Sale.member_id == member.id, Sale.kind == "sale"
        )
    )
    months = wajib.months_between(member.join_date, today) if member.status == "aktif" else 0
    wajib_due = months * coop.simpanan_wajib_amount
    wajib_paid = by_kind["wajib"].balance if "wajib" in by_kind else 0
    term_products = _term_products(coop)
    return render_template(
        "simpin/member_detail.html", member=member, by_kind=by_kind, term=term, kinds=SAVINGS_KINDS,
        loans=loans, due=due, klass=klass, classes=COLLECTIBILITY, loan_statuses=LOAN_STATUSES,
        sales=sales, purchases=int(purchases), credit=member_credit_balance(coop, member),
        wajib_due=wajib_due, wajib_paid=wajib_paid, pokok_due=max(
            0, coop.simpanan_pokok_amount - (by_kind["pokok"].balance if "pokok" in by_kind else 0)
        ), shift=my_shift(), vias=VIAS, term_products=term_products, today=today,
        wajib_amount=coop.simpanan_wajib_amount,
    )  # fmt: skip


def _term_products(coop) -> list[SavingsProduct]:
    """Berjangka products to offer (read-only: a GET page must not seed products)."""
    return list(
        db.session.scalars(
            select(SavingsProduct)
            .where(
                SavingsProduct.cooperative_id == coop.id,
                SavingsProduct.kind == "berjangka",
                SavingsProduct.active.is_(True),
            )
            .order_by(SavingsProduct.term_months)
        )
    )


@bp.route("/anggota/<int:member_id>/kredit", methods=["POST"])
@requires("savings.transact")
def member_credit_pay(member_id: int):
    coop = require_cooperative()
    member = get_scoped_or_404(Member, member_id)
    back = url_for("simpin.member_detail", member_id=member.id)
    values, bounce = parsed(back, lambda: (form_amount(), form_via()))
    if bounce:
        return bounce
    amount, via = values
    return act(
        back,
        members.pay_member_credit,
        coop,
        member,
        amount,
        user(),
        via=via,
        shift=my_shift(),
        done=f"Kredit belanja {format_rupiah(amount)} diterima.",
    )


@bp.route("/anggota/<int:member_id>/keluar", methods=["GET", "POST"])
@requires("member.manage")
def member_leave(member_id: int):
    coop = require_cooperative()
    member = get_scoped_or_404(Member, member_id)
    if member.status != "aktif":
        flash(_("Anggota ini sudah tidak aktif."), "error")
        return redirect(url_for("simpin.member_detail", member_id=member.id))
    if request.method == "POST":
        status = request.form.get("status", "")
        if status not in ("keluar", "meninggal"):
            abort(400)
        back = url_for("simpin.member_detail", member_id=member.id)
        try:
            result = run_transaction(
                members.leave, coop, member, status, user(), note=request.form.get("note", ""),
                via=form_via(), shift=my_shift(),
            )  # fmt: skip
        except DomainError as exc:
            flash(exc.message, "error")
            return redirect(url_for("simpin.member_leave", member_id=member.id))
        flash(
            _(
                "%(name)s keluar; dibayarkan %(amount)s.",
                name=member.name,
                amount=format_rupiah(result["paid"]),
            )
            if status == "keluar"
            else _(
                "%(name)s dicatat meninggal; dibayarkan %(amount)s.",
                name=member.name,
                amount=format_rupiah(result["paid"]),
            ),
            "success",
        )
        return redirect(back)
    quote = members.settlement_quote(coop, member)
    return render_template(
        "simpin/member_leave.html", member=member, quote=quote, kinds=SAVINGS_KINDS,
        shift=my_shift(), vias=VIAS,
    )  # fmt: skip
