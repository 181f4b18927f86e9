"""Pages of the agent desk (PPOB / agen bank): transactions in the cashier's shift, a
manager's void of a wrong one, and the settlement of the float with the provider."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from outlet_pos.core.access import requires
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.core.expenses.services import paid_from_accounts
from outlet_pos.core.tenancy import parse_id, require_cooperative, scoped
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah
from outlet_pos.shell.actions import act
from outlet_pos.units.lokal import agent, bp
from outlet_pos.units.lokal.forms import AgentForm, AgentVoidForm, SettleForm
from outlet_pos.units.lokal.models import AgentTxn
from outlet_pos.units.lokal.views import _day_arg, local_unit_or_redirect, place, user

# --- agent services -------------------------------------------------------------------------


def _agent_page(coop, unit, profile, form=None, status: int = 200):
    day = _day_arg(coop)
    settle_form = SettleForm(formdata=None)
    settle_form.bank_account.choices = {
        a.code: f"{a.code} {a.name}" for a in paid_from_accounts(coop, drawer=False)
    }
    if form is None:
        form = AgentForm(formdata=None)
    can_manage = current_user.can("local.manage", coop)
    return render_template(
        "lokal/agent.html", unit=unit, profile=profile, day=day, form=form,
        summary=agent.day_summary(coop, unit, day), open_float=agent.open_float(coop, unit),
        settle_form=settle_form, settlements=agent.settlements(coop, unit),
        fees=profile.settings.get("types", {}), types=agent.TYPES, local=coop.local_time,
        can_settle=can_manage, can_void=can_manage, void_form=AgentVoidForm(formdata=None),
    ), status  # fmt: skip


@bp.route("/<int:unit_id>/agen", endpoint="agent")
@requires("local.operate")
def agent_page(unit_id: int):
    coop = require_cooperative()
    found, profile, back = local_unit_or_redirect(unit_id, "agen")
    return back or _agent_page(coop, found, profile)


@bp.route("/<int:unit_id>/agen/transaksi", methods=["POST"])
@requires("local.operate")
def agent_new(unit_id: int):
    coop = require_cooperative()
    found, profile, back = local_unit_or_redirect(unit_id, "agen")
    if back is not None:
        return back
    form = AgentForm()
    if form.validate_on_submit():
        fee = form.fee.amount
        if fee is None:
            fee = int(profile.settings.get("types", {}).get(form.txn_type.data) or 0)
        try:
            txn = run_transaction(
                agent.record_txn, coop, found, user(), txn_type=form.txn_type.data,
                amount=form.amount.amount, fee=fee, customer=form.customer.data,
                reference=form.reference.data, idempotency_key=form.idempotency_key.data,
            )  # fmt: skip
        except DomainError as exc:
            place(form, exc, ("txn_type", "amount", "fee", "customer", "reference"))
        else:
            flash(
                _(
                    "%(kind)s %(amount)s tercatat (fee %(fee)s).",
                    kind=agent.TYPES[txn.txn_type][0],
                    amount=format_rupiah(txn.amount),
                    fee=format_rupiah(txn.fee),
                ),
                "success",
            )
            return redirect(url_for("lokal.agent", unit_id=unit_id))
    return _agent_page(coop, found, profile, form, 400)


@bp.route("/<int:unit_id>/agen/setor", methods=["POST"])
@requires("local.manage")
def agent_settle(unit_id: int):
    coop = require_cooperative()
    found, _profile, back = local_unit_or_redirect(unit_id, "agen")
    if back is not None:
        return back
    return act(url_for("lokal.agent", unit_id=unit_id), agent.settle, coop, found, user(),
               bank_account=request.form.get("bank_account", ""),
               done=lambda s: f"Dana agen {format_rupiah(abs(s.amount))} diselesaikan dengan "
               "penyedia.")  # fmt: skip


@bp.route("/<int:unit_id>/agen/batal", methods=["POST"])
@requires("local.manage")
def agent_void(unit_id: int):
    """Void one unsettled transaction (its id in the form, so the URL needs no sample)."""
    coop = require_cooperative()
    found, _profile, back = local_unit_or_redirect(unit_id, "agen")
    if back is not None:
        return back
    here = url_for("lokal.agent", unit_id=unit_id, tanggal=request.form.get("tanggal") or None)
    form = AgentVoidForm()
    txn = None
    if form.validate_on_submit() and parse_id(form.txn_id.data):
        txn = db.session.scalar(
            scoped(AgentTxn).where(AgentTxn.id == form.txn_id.data, AgentTxn.unit_id == found.id)
        )
    if txn is None:
        flash(_("Pilih transaksi yang dibatalkan dan tulis alasannya."), "error")
        return redirect(here), 400
    return act(here, agent.void_txn, coop, txn, user(), None, form.reason.data,
               done=lambda t: f"{agent.TYPES[t.txn_type][0]} {format_rupiah(t.amount)} "
               "dibatalkan; jurnal pembalik dicatat dalam shift Anda.")  # fmt: skip
