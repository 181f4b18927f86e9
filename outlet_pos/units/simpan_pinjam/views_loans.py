"""Loan pages: the list, the application form (with the BMPP limit and a preview schedule),
the loan page with its schedule and every action its status allows."""

from __future__ import annotations

from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from outlet_pos.core.access import User, requires
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.parties import Member
from outlet_pos.core.tenancy import get_scoped_or_404, parse_id, require_cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah
from outlet_pos.shell.actions import act
from outlet_pos.units.simpan_pinjam import bp, loan_products, loan_risk, loans, repayment
from outlet_pos.units.simpan_pinjam.common import VIAS
from outlet_pos.units.simpan_pinjam.forms import LoanForm, form_amount, form_int
from outlet_pos.units.simpan_pinjam.models import (
    COLLECTIBILITY,
    LOAN_STATUSES,
    Loan,
    LoanInstallment,
    LoanPayment,
    LoanProduct,
)
from outlet_pos.units.simpan_pinjam.schedule import METHODS, build_schedule, parse_rate
from outlet_pos.units.simpan_pinjam.views_common import my_shift, user


@bp.route("/pinjaman")
@requires("member.view")
def loans_list():
    coop = require_cooperative()
    status = request.args.get("status", "")
    stmt = select(Loan).where(Loan.cooperative_id == coop.id)
    if status in LOAN_STATUSES:
        stmt = stmt.where(Loan.status == status)
    rows = list(
        db.session.scalars(stmt.order_by(Loan.applied_on.desc(), Loan.id.desc()).limit(300))
    )
    today = coop.today()
    klass = {r.id: loans.collectibility(coop, r, today) for r in rows if r.status == "aktif"}
    counts = dict(
        db.session.execute(
            select(Loan.status, func.count(Loan.id))
            .where(Loan.cooperative_id == coop.id)
            .group_by(Loan.status)
        ).all()
    )
    outstanding = db.session.scalar(
        select(func.coalesce(func.sum(Loan.outstanding), 0)).where(
            Loan.cooperative_id == coop.id, Loan.status == "aktif"
        )
    )
    return render_template(
        "simpin/loans.html", rows=rows, status=status, statuses=LOAN_STATUSES, klass=klass,
        classes=COLLECTIBILITY, counts=counts, outstanding=int(outstanding),
    )  # fmt: skip


def _products(coop) -> list[LoanProduct]:
    return list(
        db.session.scalars(
            select(LoanProduct)
            .where(LoanProduct.cooperative_id == coop.id, LoanProduct.active.is_(True))
            .order_by(LoanProduct.code)
        )
    )


@bp.route("/pinjaman/ajukan", methods=["GET", "POST"])
@requires("loan.apply")
def loan_new():
    coop = require_cooperative()
    if not _products(coop):
        run_transaction(loan_products.ensure_products, coop)
    products = _products(coop)
    form = LoanForm()
    form.product.choices = {
        p.id: f"{p.name} — {p.annual_rate.normalize():f}% {METHODS[p.method]}, "
        f"{p.min_months}–{p.max_months} bln"
        for p in products
    }
    if request.method == "GET" and parse_id(request.args.get("member_id")):
        member = db.session.get(Member, parse_id(request.args.get("member_id")))
        if member is not None and member.cooperative_id == coop.id:
            form.member.data = member.member_number
    preview = None
    if form.validate_on_submit():
        member = db.session.scalar(
            select(Member).where(
                Member.cooperative_id == coop.id,
                func.upper(Member.member_number) == form.member.data.strip().upper(),
            )
        )
        product = next((p for p in products if p.id == form.product.data), None)
        if member is None:
            form.member.errors.append("Nomor anggota tidak ditemukan.")
        else:
            try:
                loan = run_transaction(
                    loans.apply, coop, member, product, form.principal.amount, form.months.data,
                    user(), purpose=form.purpose.data,
                    monthly_income=form.monthly_income.amount or 0,
                    collateral_note=form.collateral_note.data,
                )  # fmt: skip
            except DomainError as exc:
                target = getattr(form, exc.field or "", None)
                (target.errors if target is not None else form.form_errors).append(exc.message)
            else:
                flash(
                    _(
                        "Pengajuan %(number)s tercatat; menunggu persetujuan pengurus lain.",
                        number=loan.number,
                    ),
                    "success",
                )
                return redirect(url_for("simpin.loan_detail", loan_id=loan.id))
        if product is not None and form.principal.amount and form.months.data:
            try:
                preview = build_schedule(
                    form.principal.amount, product.annual_rate, form.months.data, product.method
                )
            except ValidationError:
                preview = None
    return render_template(
        "simpin/loan_form.html", form=form, limit=loans.bmpp_limit(coop), preview=preview,
        products=products, methods=METHODS,
    )  # fmt: skip


@bp.route("/pinjaman/<int:loan_id>")
@requires("member.view")
def loan_detail(loan_id: int):
    coop = require_cooperative()
    loan = get_scoped_or_404(Loan, loan_id)
    today = coop.today()
    insts = list(
        db.session.scalars(
            select(LoanInstallment)
            .where(LoanInstallment.loan_id == loan.id)
            .order_by(LoanInstallment.version.desc(), LoanInstallment.no)
        )
    )
    version = max((i.version for i in insts), default=0)
    payments = list(
        db.session.scalars(
            select(LoanPayment).where(LoanPayment.loan_id == loan.id).order_by(LoanPayment.id)
        )
    )
    product = db.session.get(LoanProduct, loan.product_id)
    people = {u.id: u.full_name for u in db.session.scalars(select(User))}
    due = repayment.amount_due(loan, today) if loan.status == "aktif" else None
    penalties = (
        {i.id: repayment.penalty_due(i, today, product) for i in insts if i.status == "aktif"}
        if loan.status == "aktif" else {}
    )  # fmt: skip
    return render_template(
        "simpin/loan_detail.html", loan=loan, member=db.session.get(Member, loan.member_id),
        product=product, insts=[i for i in insts if i.version == version],
        old=[i for i in insts if i.version != version], payments=payments, due=due,
        penalties=penalties, statuses=LOAN_STATUSES, classes=COLLECTIBILITY,
        klass=loans.collectibility(coop, loan, today) if loan.status == "aktif" else None,
        people=people, fees=loans.fees_for(loan, product), vias=VIAS, shift=my_shift(),
        methods=METHODS, me=user(), today=today,
    )  # fmt: skip


def _back(loan: Loan) -> str:
    return url_for("simpin.loan_detail", loan_id=loan.id)


def _fail(loan: Loan, exc: DomainError):
    flash(exc.message, "error")
    return redirect(_back(loan))


@bp.route("/pinjaman/<int:loan_id>/putuskan", methods=["POST"])
@requires("loan.approve")
def loan_decide(loan_id: int):
    coop = require_cooperative()
    loan = get_scoped_or_404(Loan, loan_id)
    decision = request.form.get("decision")
    if decision not in ("setuju", "tolak"):
        abort(400)
    approve = decision == "setuju"
    return act(
        _back(loan),
        loans.decide,
        coop,
        loan,
        approve,
        user(),
        request.form.get("note", ""),
        done="Pinjaman disetujui; siap dicairkan." if approve else "Pengajuan ditolak.",
    )


@bp.route("/pinjaman/<int:loan_id>/cairkan", methods=["POST"])
@requires("loan.pay")
def loan_disburse(loan_id: int):
    coop = require_cooperative()
    loan = get_scoped_or_404(Loan, loan_id)
    via = request.form.get("via", "tunai")
    if via not in ("tunai", "transfer", "sukarela"):
        return _fail(loan, ValidationError("Pilih cara pencairan."))
    return act(
        _back(loan),
        loans.disburse,
        coop,
        loan,
        user(),
        via=via,
        shift=my_shift(),
        done=lambda ln: f"Pinjaman {ln.number} dicairkan.",
    )


@bp.route("/pinjaman/<int:loan_id>/bayar", methods=["POST"])
@requires("loan.pay")
def loan_repay(loan_id: int):
    coop = require_cooperative()
    loan = get_scoped_or_404(Loan, loan_id)
    payoff = request.form.get("payoff") == "1"
    try:
        amount = None if payoff else form_amount()
        via = request.form.get("via", "tunai")
        if via not in ("tunai", "transfer", "sukarela"):
            raise ValidationError("Pilih cara bayar.")
    except DomainError as exc:
        return _fail(loan, exc)
    if payoff:
        amount = repayment.amount_due(loan, coop.today())["payoff"]
    return act(
        _back(loan),
        repayment.repay,
        coop,
        loan,
        amount,
        user(),
        via=via,
        shift=my_shift(),
        payoff=payoff,
        idempotency_key=request.form.get("key") or None,
        done=lambda p: (
            f"Diterima {format_rupiah(p.amount)}: denda {format_rupiah(p.penalty)}, "
            f"jasa {format_rupiah(p.interest)}, pokok {format_rupiah(p.principal)}."
        ),
    )


@bp.route("/pinjaman/<int:loan_id>/restrukturisasi", methods=["POST"])
@requires("simpin.manage")
def loan_restructure(loan_id: int):
    coop = require_cooperative()
    loan = get_scoped_or_404(Loan, loan_id)
    try:
        months = form_int("months", "Jangka waktu", 1, 360)
        rate = parse_rate(request.form.get("annual_rate"))
        method = request.form.get("method", "")
    except DomainError as exc:
        return _fail(loan, exc)
    return act(
        _back(loan),
        loan_risk.restructure,
        coop,
        loan,
        user(),
        months=months,
        annual_rate=Decimal(rate),
        method=method,
        reason=request.form.get("reason", ""),
        done="Jadwal angsuran baru berlaku.",
    )


@bp.route("/pinjaman/<int:loan_id>/hapus-buku", methods=["POST"])
@requires("simpin.manage")
def loan_writeoff_request(loan_id: int):
    coop = require_cooperative()
    loan = get_scoped_or_404(Loan, loan_id)
    return act(
        _back(loan),
        loan_risk.request_writeoff,
        coop,
        loan,
        user(),
        request.form.get("reason", ""),
        done="Usulan hapus buku tercatat; menunggu persetujuan pengurus lain.",
    )


@bp.route("/pinjaman/<int:loan_id>/hapus-buku/setujui", methods=["POST"])
@requires("loan.approve")
def loan_writeoff_approve(loan_id: int):
    coop = require_cooperative()
    loan = get_scoped_or_404(Loan, loan_id)
    return act(
        _back(loan),
        loan_risk.approve_writeoff,
        coop,
        loan,
        user(),
        done=lambda ln: f"Pinjaman {ln.number} dihapusbukukan: {format_rupiah(ln.written_off)}.",
    )
