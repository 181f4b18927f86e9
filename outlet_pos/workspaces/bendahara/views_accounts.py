"""Chart of accounts (the periods page lives in views_closing)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from outlet_pos.core.access import requires
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.core.ledger.models import Account, JournalLine
from outlet_pos.core.ledger.services import add_account, set_account_active
from outlet_pos.core.tenancy import get_scoped_or_404, require_cooperative, scoped
from outlet_pos.extensions import db
from outlet_pos.workspaces.bendahara import bp
from outlet_pos.workspaces.bendahara.forms import AccountForm


def _chart_context(coop, form):
    accounts = db.session.scalars(scoped(Account, coop).order_by(Account.code)).all()
    balances = dict(
        db.session.execute(
            select(JournalLine.account_id, func.sum(JournalLine.debit - JournalLine.credit))
            .where(JournalLine.cooperative_id == coop.id)
            .group_by(JournalLine.account_id)
        ).all()
    )
    form.parent.choices = [("", "— pilih akun induk —")] + [
        (str(a.id), f"{a.code} {a.name}") for a in accounts if a.active
    ]
    return {"accounts": accounts, "balances": balances, "form": form}


@bp.route("/akun")
@requires("ledger.view")
def accounts():
    coop = require_cooperative()
    return render_template("bendahara/accounts.html", **_chart_context(coop, AccountForm()))


@bp.route("/akun/baru", methods=["POST"])
@requires("coa.edit")
def account_new():
    coop = require_cooperative()
    form = AccountForm()
    ctx = _chart_context(coop, form)
    if form.validate_on_submit():
        parent = get_scoped_or_404(Account, form.parent.data, coop)
        try:
            acc = run_transaction(
                add_account,
                coop,
                parent,
                form.code.data,
                form.name.data,
                current_user._get_current_object(),
            )
        except DomainError as exc:
            getattr(
                form, exc.field if exc.field in ("code", "name", "parent") else "code"
            ).errors.append(exc.message)
        else:
            flash(_("Akun %(code)s %(name)s ditambahkan.", code=acc.code, name=acc.name), "success")
            return redirect(url_for("bendahara.accounts"))
    return render_template("bendahara/accounts.html", **ctx), 400


@bp.route("/akun/<int:account_id>/status", methods=["POST"])
@requires("coa.edit")
def account_toggle(account_id: int):
    coop = require_cooperative()
    acc = get_scoped_or_404(Account, account_id, coop)
    active = request.form.get("active") == "1"
    try:
        run_transaction(set_account_active, acc, active, current_user._get_current_object())
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(
            _("Akun %(code)s diaktifkan.", code=acc.code)
            if active
            else _("Akun %(code)s dinonaktifkan.", code=acc.code),
            "success",
        )
    return redirect(url_for("bendahara.accounts"))
