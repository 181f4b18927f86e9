"""Settings and month-end of the unit: savings and loan products, the loan policy (BMPP,
collectibility bands, allowance rates), and the month-end loan-loss allowance."""

from __future__ import annotations

import json
from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from outlet_pos.core.access import requires
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.core.tenancy import get_scoped_or_404, require_cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah
from outlet_pos.shell.actions import act
from outlet_pos.units.simpan_pinjam import bp, loan_products, loan_risk, loans, savings
from outlet_pos.units.simpan_pinjam.common import policy, save_policy
from outlet_pos.units.simpan_pinjam.forms import LoanProductForm, SavingsProductForm
from outlet_pos.units.simpan_pinjam.models import (
    COLLECTIBILITY,
    INTEREST_BASES,
    SAVINGS_KINDS,
    AllowanceRun,
    LoanProduct,
    SavingsProduct,
)
from outlet_pos.units.simpan_pinjam.schedule import METHODS
from outlet_pos.units.simpan_pinjam.views_common import user


@bp.route("/produk", methods=["GET", "POST"])
@requires("simpin.manage")
def products():
    coop = require_cooperative()
    if request.method == "POST":  # seed the standard products on first visit
        run_transaction(
            lambda: (savings.ensure_products(coop), loan_products.ensure_products(coop))
        )
        return redirect(url_for("simpin.products"))
    saving_rows = list(db.session.scalars(
        select(SavingsProduct).where(SavingsProduct.cooperative_id == coop.id)
        .order_by(SavingsProduct.kind, SavingsProduct.code)))  # fmt: skip
    loan_rows = list(db.session.scalars(
        select(LoanProduct).where(LoanProduct.cooperative_id == coop.id)
        .order_by(LoanProduct.code)))  # fmt: skip
    return render_template(
        "simpin/products.html", saving_rows=saving_rows, loan_rows=loan_rows, kinds=SAVINGS_KINDS,
        bases=INTEREST_BASES, methods=METHODS, policy=policy(coop), classes=COLLECTIBILITY,
        limit=loans.bmpp_limit(coop), modal=loans.modal_sendiri(coop),
    )  # fmt: skip


@bp.route("/produk/pinjaman/baru", methods=["GET", "POST"], defaults={"product_id": None})
@bp.route("/produk/pinjaman/<int:product_id>", methods=["GET", "POST"])
@requires("simpin.manage")
def loan_product_edit(product_id: int | None):
    coop = require_cooperative()
    product = get_scoped_or_404(LoanProduct, product_id) if product_id else None
    form = LoanProductForm(obj=product)
    if request.method == "GET" and product is not None:
        form.annual_rate.data = f"{product.annual_rate.normalize():f}"
        form.provisi_percent.data = f"{product.provisi_percent.normalize():f}"
        form.penalty_daily_percent.data = f"{product.penalty_daily_percent.normalize():f}"
        form.admin_fee.data = str(product.admin_fee)
    if form.validate_on_submit():
        values = {k: getattr(form, k).data for k in (
            "code", "name", "annual_rate", "method", "min_months", "max_months", "provisi_percent",
            "penalty_daily_percent", "grace_days", "active")}  # fmt: skip
        values["admin_fee"] = form.admin_fee.amount or 0
        values["grace_days"] = values["grace_days"] or 0
        try:
            run_transaction(loan_products.save_product, coop, user(), product, **values)
        except DomainError as exc:
            target = getattr(form, exc.field or "", None)
            (target.errors if target is not None else form.form_errors).append(exc.message)
        else:
            flash(_("Produk pinjaman disimpan."), "success")
            return redirect(url_for("simpin.products"))
    return render_template("simpin/loan_product_form.html", form=form, product=product)


@bp.route("/kebijakan", methods=["POST"])
@requires("simpin.manage")
def policy_save():
    coop = require_cooperative()
    form = request.form
    try:
        values = {
            "bmpp_percent": form.get("bmpp_percent", "").replace(",", "."),
            "collectibility_days": {
                k: int(form.get(f"days_{k}", "x")) for k in ("L", "DPK", "KL", "D")
            },
            "allowance_percent": {
                k: form.get(f"rate_{k}", "").replace(",", ".") for k in COLLECTIBILITY
            },
        }
        from decimal import Decimal, InvalidOperation

        try:
            Decimal(values["bmpp_percent"])
            [Decimal(v) for v in values["allowance_percent"].values()]
        except InvalidOperation:
            raise ValueError from None
    except ValueError:
        flash(_("Isi kebijakan dengan angka."), "error")
        return redirect(url_for("simpin.products"))
    return act(
        url_for("simpin.products"),
        save_policy,
        coop,
        values,
        user(),
        done="Kebijakan pinjaman disimpan.",
    )


@bp.route("/cadangan", methods=["GET", "POST"])
@requires("simpin.manage")
def allowance():
    coop = require_cooperative()
    today = coop.today()
    prev = date.fromordinal(today.replace(day=1).toordinal() - 1)
    year = request.values.get("tahun", prev.year, type=int)
    month = request.values.get("bulan", prev.month, type=int)
    if not (2000 <= (year or 0) <= 2100 and 1 <= (month or 0) <= 12):
        year, month = prev.year, prev.month
    if request.method == "POST":
        return act(
            url_for("simpin.allowance", tahun=year, bulan=month),
            loan_risk.post_allowance,
            coop,
            year,
            month,
            user(),
            done=lambda run: (
                f"Cadangan {month:02d}/{year}: dibutuhkan "
                f"{format_rupiah(run.required)}, penyesuaian {format_rupiah(run.adjustment)}."
            ),
        )
    import calendar

    last = date(year, month, calendar.monthrange(year, month)[1])
    required, detail = loan_risk.required_allowance(coop, min(last, today))
    runs = list(db.session.scalars(
        select(AllowanceRun).where(AllowanceRun.cooperative_id == coop.id)
        .order_by(AllowanceRun.year.desc(), AllowanceRun.month.desc()).limit(24)))  # fmt: skip
    return render_template(
        "simpin/allowance.html", year=year, month=month, required=required, detail=detail,
        held=loan_risk.allowance_balance(coop, as_of=last), runs=runs, classes=COLLECTIBILITY,
        pol=policy(coop), finished=last < today,
        done=any(r.year == year and r.month == month for r in runs), json=json,
    )  # fmt: skip


@bp.route("/produk/simpanan/baru", methods=["GET", "POST"], defaults={"savings_product_id": None})
@bp.route("/produk/simpanan/<int:savings_product_id>", methods=["GET", "POST"])
@requires("simpin.manage")
def savings_product_edit(savings_product_id: int | None):
    coop = require_cooperative()
    product = get_scoped_or_404(SavingsProduct, savings_product_id) if savings_product_id else None
    form = SavingsProductForm(obj=product)
    form.kind.choices = dict(SAVINGS_KINDS)
    form.interest_basis.choices = dict(INTEREST_BASES)
    if request.method == "GET" and product is not None:
        form.annual_rate.data = f"{product.annual_rate.normalize():f}"
        form.early_penalty_percent.data = f"{product.early_penalty_percent.normalize():f}"
    if form.validate_on_submit():
        try:
            run_transaction(
                savings.save_product, coop, user(), code=form.code.data, name=form.name.data,
                kind=form.kind.data, annual_rate=form.annual_rate.data,
                interest_basis=form.interest_basis.data, term_months=form.term_months.data or 0,
                early_penalty_percent=form.early_penalty_percent.data or "0", product=product,
            )  # fmt: skip
        except DomainError as exc:
            target = getattr(form, exc.field or "", None)
            (target.errors if target is not None else form.form_errors).append(exc.message)
        else:
            flash(_("Produk simpanan disimpan. Rekening yang sudah ada memakai bunga baru mulai "
                  "perhitungan bunga berikutnya."), "success")  # fmt: skip
            return redirect(url_for("simpin.products"))
    return render_template("simpin/savings_product_form.html", form=form, product=product)
