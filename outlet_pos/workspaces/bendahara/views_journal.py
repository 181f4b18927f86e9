"""Journal pages: list with filters, entry detail with its reversal, manual entry form."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from outlet_pos.core.access import requires
from outlet_pos.core.audit import record
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.core.ledger import LineInput, post, reverse
from outlet_pos.core.ledger.models import SOURCE_LABELS, Account, JournalEntry, JournalLine
from outlet_pos.core.ledger.services import is_reversed
from outlet_pos.core.tenancy import get_scoped_or_404, require_cooperative, scoped
from outlet_pos.extensions import db
from outlet_pos.formatting import tanggal
from outlet_pos.workspaces.bendahara import bp
from outlet_pos.workspaces.bendahara.common import (
    account_choices,
    fiscal_window,
    parse_unit,
    unit_choices,
)
from outlet_pos.workspaces.bendahara.forms import (
    JournalFilterForm,
    ManualEntryForm,
    ReverseForm,
)

PAGE_SIZE = 50


@bp.route("/jurnal")
@requires("ledger.view")
def journal_list():
    coop = require_cooperative()
    form = JournalFilterForm(request.args)
    form.unit.choices = unit_choices(coop, "Semua unit")
    form.source.choices = [("", "Semua sumber")] + list(SOURCE_LABELS.items())
    stmt = scoped(JournalEntry, coop)
    if form.validate():
        if form.date_from.data:
            stmt = stmt.where(JournalEntry.date >= form.date_from.data)
        if form.date_to.data:
            stmt = stmt.where(JournalEntry.date <= form.date_to.data)
        if form.source.data:
            stmt = stmt.where(JournalEntry.source == form.source.data)
        if form.q.data:
            like = f"%{form.q.data.strip()}%"
            stmt = stmt.where(or_(JournalEntry.number.ilike(like), JournalEntry.memo.ilike(like)))
        line_filter = []
        if form.account.data:
            line_filter.append(
                JournalLine.account_id.in_(
                    select(Account.id).where(
                        Account.cooperative_id == coop.id,
                        Account.code.startswith(form.account.data.strip()),
                    )
                )
            )
        if parse_unit(form.unit.data):
            line_filter.append(JournalLine.unit_id == parse_unit(form.unit.data))
        if line_filter:
            stmt = stmt.where(JournalEntry.id.in_(select(JournalLine.entry_id).where(*line_filter)))
    page = min(max(request.args.get("hal", 1, type=int) or 1, 1), 100_000)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    entries = db.session.scalars(
        stmt.order_by(JournalEntry.date.desc(), JournalEntry.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    args = {k: v for k, v in request.args.items() if k != "hal"}
    return render_template(
        "bendahara/journal_list.html",
        form=form,
        entries=entries,
        total=total,
        page=page,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        args=args,
    )


@bp.route("/jurnal/<int:entry_id>")
@requires("ledger.view")
def journal_detail(entry_id: int):
    coop = require_cooperative()
    entry = get_scoped_or_404(JournalEntry, entry_id, coop)
    form = ReverseForm()
    if form.date.data is None:
        form.date.data = coop.today()
    return render_template(
        "bendahara/journal_detail.html", entry=entry, reversed_by=is_reversed(entry), form=form
    )


@bp.route("/jurnal/<int:entry_id>/balik", methods=["POST"])
@requires("ledger.reverse")
def journal_reverse(entry_id: int):
    coop = require_cooperative()
    entry = get_scoped_or_404(JournalEntry, entry_id, coop)
    form = ReverseForm()
    if form.validate_on_submit():
        low, high = fiscal_window(coop)
        if not low <= form.date.data <= high:
            form.date.errors.append(
                f"Tanggal harus antara {tanggal(low)} dan {tanggal(high)} (tahun buku berjalan)."
            )
        else:
            try:
                mirror = run_transaction(
                    reverse,
                    entry,
                    form.date.data,
                    form.reason.data,
                    current_user._get_current_object(),
                )
            except DomainError as exc:
                (
                    getattr(form, exc.field).errors
                    if exc.field in ("date", "reason")
                    else form.form_errors
                ).append(exc.message)
            else:
                flash(
                    _(
                        "Jurnal %(number)s dibalik dengan %(mirror)s.",
                        number=entry.number,
                        mirror=mirror.number,
                    ),
                    "success",
                )
                return redirect(url_for("bendahara.journal_detail", entry_id=mirror.id))
    entry = get_scoped_or_404(JournalEntry, entry_id, coop)
    return render_template(
        "bendahara/journal_detail.html", entry=entry, reversed_by=is_reversed(entry), form=form
    ), 400


@bp.route("/jurnal/baru", methods=["GET", "POST"])
@requires("ledger.post")
def journal_new():
    coop = require_cooperative()
    form = ManualEntryForm()
    accounts = account_choices(coop)
    units = unit_choices(coop)
    for sub in form.lines:
        sub.form.account.choices = accounts
        sub.form.unit.choices = units
    if request.method == "GET":
        form.date.data = coop.today()
    if form.validate_on_submit():
        low, high = fiscal_window(coop)
        if not low <= form.date.data <= high:
            form.date.errors.append(
                f"Tanggal harus antara {tanggal(low)} dan {tanggal(high)} (tahun buku berjalan)."
            )
        else:
            lines = [
                LineInput(
                    sub.form.account.data,
                    sub.form.debit.amount or 0,
                    sub.form.credit.amount or 0,
                    parse_unit(sub.form.unit.data),
                    None,
                    sub.form.memo.data or "",
                )
                for sub in form.lines
                if not sub.form.is_blank()
            ]
            user = current_user._get_current_object()

            def action():
                entry = post(
                    coop,
                    form.date.data,
                    form.memo.data,
                    lines,
                    source="manual",
                    user=user,
                    idempotency_key=form.idempotency_key.data or None,
                )
                record(
                    "journal.manual",
                    user=user,
                    cooperative=coop,
                    target=entry.number,
                    detail={"total": entry.total},
                )
                return entry

            try:
                entry = run_transaction(action)
            except DomainError as exc:
                target = getattr(form, exc.field, None) if exc.field else None
                (target.errors if target is not None else form.form_errors).append(exc.message)
            else:
                flash(_("Jurnal %(number)s berhasil diposting.", number=entry.number), "success")
                return redirect(url_for("bendahara.journal_detail", entry_id=entry.id))
    return render_template("bendahara/journal_new.html", form=form, window=fiscal_window(coop)), (
        400 if request.method == "POST" else 200
    )
