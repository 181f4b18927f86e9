"""The shift: X report while open, cash in/out, closing with a count, the Z report after."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from outlet_pos.core.access import User, requires
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.core.sales.models import Shift
from outlet_pos.core.sales.shifts import (
    CASH_COUNTER_ACCOUNTS,
    cash_movement,
    close_shift,
    count_total,
)
from outlet_pos.core.tenancy import Cooperative, get_scoped_or_404, require_cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah
from outlet_pos.workspaces.kasir import bp, reports, services
from outlet_pos.workspaces.kasir.forms import CashMoveForm, CloseShiftForm


def _page(coop: Cooperative, move: CashMoveForm, close: CloseShiftForm, status: int = 200):
    shift = services.current_shift(coop, current_user)
    recent = db.session.scalars(
        select(Shift)
        .where(Shift.cooperative_id == coop.id, Shift.user_id == current_user.id)
        .order_by(Shift.id.desc())
        .limit(10)
    ).all()
    return render_template(
        "kasir/shift.html", shift=shift, move=move, close=close, recent=recent,
        summary=reports.shift_summary(shift) if shift else None,
        accounts=CASH_COUNTER_ACCOUNTS,
    ), status  # fmt: skip


@bp.route("/shift")
@requires("pos.sell")
def shift():
    return _page(require_cooperative(), CashMoveForm(formdata=None), CloseShiftForm(formdata=None))


def _with_shift(coop: Cooperative, user: User, action, *args):
    shift = services.current_shift(coop, user)
    if shift is None:
        raise DomainError("Anda tidak memiliki shift yang terbuka.")
    return action(shift, user, *args)


@bp.route("/shift/kas", methods=["POST"])
@requires("pos.sell")
def cash_move():
    coop = require_cooperative()
    form = CashMoveForm()
    if form.validate_on_submit():
        try:
            run_transaction(
                _with_shift, coop, current_user._get_current_object(), cash_movement,
                form.direction.data, form.amount.amount, form.account.data, form.reason.data,
            )  # fmt: skip
        except DomainError as exc:
            fields = {"amount": form.amount, "account": form.account, "reason": form.reason}
            (fields[exc.field].errors if exc.field in fields else form.form_errors).append(
                exc.message
            )
        else:
            label = "masuk" if form.direction.data == "in" else "keluar"
            flash(
                _(
                    "Kas %(label)s %(amount)s dicatat.",
                    label=label,
                    amount=format_rupiah(form.amount.amount),
                ),
                "success",
            )
            return redirect(url_for("kasir.shift"))
    return _page(coop, form, CloseShiftForm(formdata=None), 400)


def _close(shift: Shift, user: User, counts: dict[int, int], note: str):
    close_shift(shift, user, count_total(counts), counts, note)
    return shift.id, shift.over_short


@bp.route("/shift/tutup", methods=["POST"])
@requires("pos.sell")
def shift_close():
    coop = require_cooperative()
    form = CloseShiftForm()
    if form.validate_on_submit():
        if not form.anything_counted():
            form.form_errors.append("Isi hasil hitung kas per pecahan (isi 0 bila laci kosong).")
        else:
            try:
                shift_id, diff = run_transaction(
                    _with_shift, coop, current_user._get_current_object(), _close,
                    form.counts(), form.note.data or "",
                )  # fmt: skip
            except DomainError as exc:
                form.form_errors.append(exc.message)
            else:
                word = "pas" if diff == 0 else ("lebih" if diff > 0 else "kurang")
                flash(
                    _(
                        "Shift ditutup. Kas %(word)s %(diff)s.",
                        word=word,
                        diff=format_rupiah(abs(diff)),
                    ),
                    "success",
                )
                return redirect(url_for("kasir.shift_report", shift_id=shift_id))
    return _page(coop, CashMoveForm(formdata=None), form, 400)


@bp.route("/shift/<int:shift_id>")
@requires("pos.sell")
def shift_report(shift_id: int):
    coop = require_cooperative()
    shift = get_scoped_or_404(Shift, shift_id, coop)
    if shift.user_id != current_user.id and not current_user.can("sales.report", coop):
        flash(_("Laporan shift kasir lain hanya untuk pengurus dan bendahara."), "warning")
        return redirect(url_for("kasir.shift"))
    counted = sorted(((int(k), v) for k, v in shift.denominations.items()), reverse=True)
    return render_template(
        "kasir/shift_report.html", shift=shift, summary=reports.shift_summary(shift),
        counted=counted,
    )  # fmt: skip
