"""Recurring expenses (rent, salaries): the templates, their state in a month, and the one
button that posts the month's due ones (each at most once per month)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from outlet_pos.core.access import requires
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.core.expenses.models import RecurringExpense
from outlet_pos.core.expenses.recurring import month_status, post_recurring, save_recurring
from outlet_pos.core.ledger.models import MONTHS_ID
from outlet_pos.core.tenancy import (
    Cooperative,
    get_scoped_or_404,
    parse_id,
    require_cooperative,
    scoped,
)
from outlet_pos.extensions import db
from outlet_pos.workspaces.bendahara import bp
from outlet_pos.workspaces.bendahara.common import unit_choices
from outlet_pos.workspaces.bendahara.forms_expenses import (
    RecurringForm,
    RecurringPostForm,
    parse_month,
)
from outlet_pos.workspaces.bendahara.purchasing_helpers import place_error
from outlet_pos.workspaces.bendahara.views_expenses import (
    PERM,
    category_choices,
    paid_choices,
    user,
)

FIELDS = ("kind", "description", "payee", "account", "amount", "paid_from", "unit",
          "day_of_month")  # fmt: skip


def _month(coop: Cooperative, raw: str | None) -> tuple[int, int]:
    today = coop.today()
    return parse_month(raw) or (today.year, today.month)


def _page(coop: Cooperative, year: int, month: int, post_form=None, status: int = 200):
    post_form = post_form or RecurringPostForm(formdata=None)
    if not post_form.bulan.data:
        post_form.bulan.data = f"{year:04d}-{month:02d}"
    templates = db.session.scalars(
        scoped(RecurringExpense, coop).order_by(RecurringExpense.active.desc(),
                                                RecurringExpense.day_of_month)
    ).all()  # fmt: skip
    rows = month_status(coop, year, month)
    return render_template(
        "bendahara/expenses/recurring.html",
        templates=templates,
        rows=rows,
        post_form=post_form,
        label=f"{MONTHS_ID[month - 1]} {year}",
        pending=[r for r in rows if r.expense is None and r.is_due],
    ), status


@bp.route("/pengeluaran-rutin")
@requires(PERM)
def recurring_expenses():
    coop = require_cooperative()
    year, month = _month(coop, request.args.get("bulan"))
    return _page(coop, year, month)


@bp.route("/pengeluaran-rutin/posting", methods=["POST"])
@requires(PERM)
def recurring_post():
    coop = require_cooperative()
    form = RecurringPostForm()
    if form.validate_on_submit() and form.bulan.month:
        year, month = form.bulan.month
        try:
            result = run_transaction(post_recurring, coop, year, month, user())
        except DomainError as exc:
            form.bulan.errors = [exc.message]
        else:
            made = result["created"]
            if made:
                flash(
                    _(
                        "%(count)s pengeluaran rutin diposting: %(numbers)s.",
                        count=len(made),
                        numbers=", ".join(e.number for e in made),
                    ),
                    "success",
                )
            else:
                flash(_("Tidak ada pengeluaran rutin baru untuk diposting bulan ini."), "info")
            if result["already"]:
                flash(
                    _(
                        "%(count)s sudah diposting sebelumnya (tidak diulang).",
                        count=len(result["already"]),
                    ),
                    "info",
                )
            return redirect(url_for("bendahara.recurring_expenses", bulan=form.bulan.data))
    year, month = _month(coop, form.bulan.data)
    return _page(coop, year, month, form, 400)


def _form_page(coop: Cooperative, form: RecurringForm, template=None, status: int = 200):
    kind = form.kind.data if form.kind.data in ("expense", "income") else "expense"
    form.kind.data = kind
    form.account.choices = category_choices(coop, kind)
    form.paid_from.choices = paid_choices(coop, drawer=False)
    form.unit.choices = dict(unit_choices(coop))
    return render_template("bendahara/expenses/recurring_form.html", form=form,
                           template=template, kind=kind), status  # fmt: skip


def _save(coop: Cooperative, form: RecurringForm, template=None):
    form.account.choices = category_choices(coop, form.kind.data or "expense")
    if form.validate_on_submit():
        try:
            saved = run_transaction(
                save_recurring, coop, user(), template,
                kind=form.kind.data, description=form.description.data,
                account=form.account.data, amount=form.amount.amount,
                paid_from=form.paid_from.data, day_of_month=int(form.day_of_month.data),
                unit=parse_id(form.unit.data),
                payee=form.payee.data, active=form.active.data,
            )  # fmt: skip
        except DomainError as exc:
            place_error(form, exc, FIELDS)
        else:
            flash(
                _("Pengeluaran rutin “%(description)s” disimpan.", description=saved.description),
                "success",
            )
            return redirect(url_for("bendahara.recurring_expenses"))
    return _form_page(coop, form, template, 400)


@bp.route("/pengeluaran-rutin/baru", methods=["GET", "POST"])
@requires(PERM)
def recurring_new():
    coop = require_cooperative()
    form = RecurringForm()
    if request.method == "GET":
        form.kind.data = request.args.get("jenis", "expense")
        return _form_page(coop, form)
    return _save(coop, form)


@bp.route("/pengeluaran-rutin/<int:recurring_expense_id>/ubah", methods=["GET", "POST"])
@requires(PERM)
def recurring_edit(recurring_expense_id: int):
    coop = require_cooperative()
    template = get_scoped_or_404(RecurringExpense, recurring_expense_id)
    if request.method == "GET":
        form = RecurringForm(formdata=None)
        form.kind.data = request.args.get("jenis") or template.kind
        form.description.data = template.description
        form.payee.data = template.payee
        form.account.data = template.account.code
        form.amount.data = f"{template.amount:,}".replace(",", ".")
        form.paid_from.data = template.paid_account.code
        form.unit.data = str(template.unit_id or "")
        form.day_of_month.data = str(template.day_of_month)
        form.active.data = template.active
        return _form_page(coop, form, template)
    return _save(coop, RecurringForm(), template)
