"""Closing pages of the treasurer's desk: the month close walked as a checklist (waive,
close, reopen), the daily close with the cash deposit, and the year-end close."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.routing import BuildError

from outlet_pos.core.access import requires
from outlet_pos.core.closing.daily import close_day, day_summary
from outlet_pos.core.closing.models import DailyClose, YearClose
from outlet_pos.core.closing.month import checklist, close_month_checked, waive
from outlet_pos.core.closing.year_end import close_year, fiscal_bounds, year_close_of
from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.core.ledger.models import MONTHS_ID, Account, JournalEntry, JournalLine, Period
from outlet_pos.core.ledger.periods import periods_overview, reopen_month
from outlet_pos.core.ledger.services import fiscal_year
from outlet_pos.core.tenancy import Cooperative, get_scoped_or_404, require_cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah
from outlet_pos.shell.actions import act
from outlet_pos.workspaces.bendahara import bp
from outlet_pos.workspaces.bendahara.forms import PeriodForm
from outlet_pos.workspaces.bendahara.forms_closing import (
    DailyCloseForm,
    DayPickForm,
    DepositForm,
    WaiveForm,
    YearCloseForm,
)
from outlet_pos.workspaces.bendahara.purchasing_helpers import user


def _int(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 4 else None


def fix_link(endpoint: str | None, args: dict) -> str | None:
    """The URL of the page that fixes a checklist item, if that page exists in this build
    (some are built by other parts at the same time)."""
    if not endpoint or endpoint not in current_app.view_functions:
        return None
    try:
        return url_for(endpoint, **(args or {}))
    except BuildError:
        return None


# --- month close -----------------------------------------------------------------------------


def _chosen(coop: Cooperative, months: list[dict], year: int | None, month: int | None):
    """The month asked for, else the oldest ended month still open, else the newest."""
    for m in months:
        if (m["year"], m["month"]) == (year, month):
            return m
    if year and month and 1 <= month <= 12 and 2000 <= year <= 2100:
        # A month before the first posting (or with nothing in it) can still be closed.
        period = db.session.scalar(
            select(Period).where(
                Period.cooperative_id == coop.id, Period.year == year, Period.month == month
            )
        )
        last = date(year, month, calendar.monthrange(year, month)[1])
        if last < coop.today() or period is not None:
            return {"year": year, "month": month, "label": f"{MONTHS_ID[month - 1]} {year}",
                    "closed": bool(period and period.closed), "period": period,
                    "ended": last < coop.today()}  # fmt: skip
    for m in reversed(months):
        if m["ended"] and not m["closed"]:
            return m
    return months[0] if months else None


def _periods_page(coop: Cooperative, year=None, month=None, *, forms=None, status=200):
    months = periods_overview(coop)
    chosen = _chosen(coop, months, year, month)
    forms = forms or {}
    rows = []
    if chosen is not None:
        for row in checklist(coop, chosen["year"], chosen["month"]):
            waive_form = forms.get(row.item.key)
            if waive_form is None and row.item.waivable:
                waive_form = WaiveForm(formdata=None, prefix=f"w-{row.item.key}")
                waive_form.year.data, waive_form.month.data = chosen["year"], chosen["month"]
                waive_form.item.data = row.item.key
            rows.append(
                {
                    "row": row,
                    "link": fix_link(row.result.endpoint, row.result.args),
                    "waive": waive_form,
                }
            )
    reopen = forms.get("reopen") or PeriodForm(formdata=None, prefix="reopen")
    close = PeriodForm(formdata=None, prefix="close")
    if chosen is not None:
        for f in (reopen, close):
            f.year.data, f.month.data = chosen["year"], chosen["month"]
    ready = bool(rows) and all(r["row"].passed for r in rows)
    return render_template(
        "bendahara/periods.html",
        periods=months,
        chosen=chosen,
        rows=rows,
        ready=ready,
        close_form=close,
        reopen_form=reopen,
    ), status


def _year_month(form) -> tuple[int, int] | None:
    year, month = _int(form.year.data), _int(form.month.data)
    if year is None or month is None or not 1 <= month <= 12:
        return None
    return year, month


@bp.route("/periode")
@requires("ledger.view")
def periods():
    coop = require_cooperative()
    return _periods_page(coop, _int(request.args.get("year")), _int(request.args.get("month")))


@bp.route("/periode/tutup", methods=["POST"])
@requires("ledger.close")
def period_close():
    coop = require_cooperative()
    form = PeriodForm(prefix="close") if "close-year" in request.form else PeriodForm()
    ym = _year_month(form) if form.validate_on_submit() else None
    if ym is None:
        flash(_("Permintaan tidak valid; muat ulang halaman."), "error")
        return redirect(url_for("bendahara.periods"))
    back = url_for("bendahara.periods", year=ym[0], month=ym[1])
    return act(
        back, close_month_checked, coop, *ym, user(), done=lambda p: f"Periode {p.label} ditutup."
    )


@bp.route("/periode/lewati", methods=["POST"])
@requires("ledger.close")
def period_waive():
    coop = require_cooperative()
    key = next((k[2:-5] for k in request.form if k.startswith("w-") and k.endswith("-item")), "")
    form = WaiveForm(prefix=f"w-{key}")
    ym = _year_month(form) if form.validate_on_submit() else None
    if ym is None or form.item.data != key:
        flash(_("Permintaan tidak valid; muat ulang halaman."), "error")
        return redirect(url_for("bendahara.periods"))
    try:
        run_transaction(waive, coop, *ym, key, form.reason.data, user())
    except DomainError as exc:
        if exc.field != "reason":
            flash(exc.message, "error")
            return redirect(url_for("bendahara.periods", year=ym[0], month=ym[1]))
        form.reason.errors.append(exc.message)
        return _periods_page(coop, *ym, forms={key: form}, status=400)
    flash(_("Butir checklist dilewati dengan alasan; tercatat di jejak audit."), "success")
    return redirect(url_for("bendahara.periods", year=ym[0], month=ym[1]))


@bp.route("/periode/buka", methods=["POST"])
@requires("ledger.reopen")
def period_reopen():
    coop = require_cooperative()
    form = PeriodForm(prefix="reopen") if "reopen-year" in request.form else PeriodForm()
    ym = _year_month(form) if form.validate_on_submit() else None
    if ym is None:
        flash(_("Permintaan tidak valid; muat ulang halaman."), "error")
        return redirect(url_for("bendahara.periods"))
    try:
        period = run_transaction(reopen_month, coop, *ym, form.reason.data, user())
    except DomainError as exc:
        if exc.field != "reason":
            flash(exc.message, "error")
            return redirect(url_for("bendahara.periods", year=ym[0], month=ym[1]))
        form.reason.errors.append(exc.message)
        return _periods_page(coop, *ym, forms={"reopen": form}, status=400)
    flash(
        _("Periode %(label)s dibuka kembali; tercatat di jejak audit.", label=period.label),
        "success",
    )
    return redirect(url_for("bendahara.periods", year=ym[0], month=ym[1]))


# --- daily close -----------------------------------------------------------------------------


def _deposit_service():
    """The banking helper's ``deposit_cash`` and the bank accounts, or None when this build
    has no banking yet (the deposit form is then hidden)."""
    try:
        from outlet_pos.core.banking.services import bank_accounts, deposit_cash
    except ImportError:
        return None
    return deposit_cash, bank_accounts


def _daily_page(coop: Cooperative, day: date, *, close_form=None, deposit_form=None, status=200):
    summary = day_summary(coop, day)
    banking = _deposit_service()
    accounts = banking[1](coop, active_only=True) if banking else []
    if deposit_form is None and accounts:
        deposit_form = DepositForm(formdata=None)
        deposit_form.amount.data = format_rupiah(max(summary.closing, 0)).removeprefix("Rp")
    if deposit_form is not None:
        deposit_form.day.data = day.isoformat()
        deposit_form.bank.choices = {str(a.id): a.label for a in accounts}
    if close_form is None:
        close_form = DailyCloseForm(formdata=None)
    close_form.day.data = day.isoformat()
    recent = db.session.scalars(
        select(DailyClose)
        .where(DailyClose.cooperative_id == coop.id)
        .order_by(DailyClose.day.desc())
        .limit(31)
    ).all()
    return render_template(
        "bendahara/closing/daily.html",
        day=day,
        today=coop.today(),
        summary=summary,
        pick=DayPickForm(formdata=None, day=day),
        close_form=close_form,
        deposit_form=deposit_form if accounts else None,
        banking=banking is not None,
        recent=recent,
        shift_link="kasir.shift_report" in current_app.view_functions,
        banks_link=fix_link("bendahara.banks", {}),
        prev_day=day - timedelta(days=1),
        next_day=day + timedelta(days=1) if day < coop.today() else None,
    ), status


def _day_arg(coop: Cooperative, raw: str | None) -> date:
    try:
        day = date.fromisoformat((raw or "").strip()[:10])
    except ValueError:
        return coop.today()
    return min(day, coop.today())


@bp.route("/tutup-harian")
@requires("ledger.view")
def daily_close():
    coop = require_cooperative()
    return _daily_page(coop, _day_arg(coop, request.args.get("day")))


@bp.route("/tutup-harian", methods=["POST"], endpoint="daily_close_post")
@requires("ledger.close")
def daily_close_post():
    coop = require_cooperative()
    form = DailyCloseForm()
    day = _day_arg(coop, form.day.data)
    back = url_for("bendahara.daily_close", day=day.isoformat())
    if not form.validate_on_submit() or not form.day.data:
        flash(_("Permintaan tidak valid; muat ulang halaman."), "error")
        return redirect(back)
    try:
        run_transaction(close_day, coop, day, user(), form.note.data or "")
    except DomainError as exc:
        if exc.field == "note":
            form.note.errors.append(exc.message)
            return _daily_page(coop, day, close_form=form, status=400)
        flash(exc.message, "error")
        return redirect(back)
    flash(_("Hari %(day)s ditutup.", day=day.strftime("%d-%m-%Y")), "success")
    return redirect(back)


@bp.route("/tutup-harian/setor", methods=["POST"])
@requires("ledger.close")
def daily_deposit():
    coop = require_cooperative()
    banking = _deposit_service()
    form = DepositForm()
    day = _day_arg(coop, form.day.data)
    back = url_for("bendahara.daily_close", day=day.isoformat())
    if banking is None:
        flash(_("Fitur rekening bank belum tersedia."), "error")
        return redirect(back)
    deposit_cash, _accounts = banking
    if form.validate_on_submit() and form.amount.amount is not None:
        from outlet_pos.core.banking.models import BankAccount

        account = get_scoped_or_404(BankAccount, _int(form.bank.data) or 0, coop)
        try:
            run_transaction(
                deposit_cash, coop, account, form.amount.amount, day, user(),
                form.memo.data or "", idempotency_key=form.idempotency_key.data,
            )  # fmt: skip
        except DomainError as exc:
            target = {"amount": form.amount, "bank": form.bank}.get(exc.field or "")
            (target.errors if target is not None else form.form_errors).append(exc.message)
        else:
            flash(
                _(
                    "Setoran %(amount)s ke %(label)s tercatat.",
                    amount=format_rupiah(form.amount.amount),
                    label=account.label,
                ),
                "success",
            )
            return redirect(back)
    return _daily_page(coop, day, deposit_form=form, status=400)


# --- year close ------------------------------------------------------------------------------


def _closing_totals(coop: Cooperative, first: date, last: date) -> tuple[int, int]:
    """Revenue (credit - debit) and expense (debit - credit) still open in the fiscal year:
    what the close would move to 315100 now (zero once the year is closed)."""
    rows = db.session.execute(
        select(Account.type, func.sum(JournalLine.debit) - func.sum(JournalLine.credit))
        .join(Account, Account.id == JournalLine.account_id)
        .where(
            JournalLine.cooperative_id == coop.id,
            JournalLine.entry_date >= first,
            JournalLine.entry_date <= last,
            Account.type.in_(("revenue", "expense")),
        )
        .group_by(Account.type)
    )
    found = {kind: int(v or 0) for kind, v in rows}
    return -found.get("revenue", 0), found.get("expense", 0)


def _fiscal_years(coop: Cooperative) -> list[dict]:
    today = coop.today()
    first_day = db.session.scalar(
        select(func.min(JournalEntry.date)).where(JournalEntry.cooperative_id == coop.id)
    )
    current = fiscal_year(coop, today)
    start = fiscal_year(coop, first_day) if first_day else current
    closes = {
        y.year: y for y in db.session.scalars(select(YearClose).where(
            YearClose.cooperative_id == coop.id))
    }  # fmt: skip
    out = []
    for year in range(current, start - 1, -1):
        first, last = fiscal_bounds(coop, year)
        out.append({"year": year, "first": first, "last": last, "ended": last < today,
                    "closed": closes.get(year)})  # fmt: skip
    return out


def _year_page(coop: Cooperative, year: int | None):
    from outlet_pos.core.statements.financial import shu_of

    years = _fiscal_years(coop)
    chosen = next((y for y in years if y["year"] == year), None)
    if chosen is None:
        chosen = next((y for y in years if y["ended"] and not y["closed"]), None)
        chosen = chosen or next((y for y in years if y["ended"]), years[0])
    first, last = chosen["first"], chosen["last"]
    revenue, expense = _closing_totals(coop, first, last)
    form = YearCloseForm(formdata=None)
    form.year.data = chosen["year"]
    closed = year_close_of(coop, chosen["year"])
    reclass = db.session.get(JournalEntry, closed.reclass_entry_id) if closed else None
    return render_template(
        "bendahara/closing/year.html",
        years=years,
        chosen=chosen,
        phu=shu_of(coop, first, last),
        revenue=revenue,
        expense=expense,
        next_first=date(last.year + (last.month == 12), last.month % 12 + 1, 1),
        closed=closed,
        reclass=reclass if closed and closed.reclass_entry_id else None,
        form=form,
        statements_link=fix_link("bendahara.statements", {}),
    )


@bp.route("/tutup-tahun")
@requires("ledger.view")
def year_close():
    coop = require_cooperative()
    return _year_page(coop, _int(request.args.get("year")))


@bp.route("/tutup-tahun", methods=["POST"], endpoint="year_close_post")
@requires("ledger.close")
def year_close_post():
    coop = require_cooperative()
    form = YearCloseForm()
    year = _int(form.year.data) if form.validate_on_submit() else None
    if year is None:
        flash(_("Permintaan tidak valid; muat ulang halaman."), "error")
        return redirect(url_for("bendahara.year_close"))
    back = url_for("bendahara.year_close", year=year)
    try:
        result = run_transaction(close_year, coop, year, user())
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(back)
    if not result.posted:
        flash(_("Tahun buku sudah ditutup; tidak ada perubahan."), "info")
    else:
        flash(
            _(
                "Tahun buku %(year)s ditutup; SHU tahun berjalan %(shu)s.",
                year=year,
                shu=format_rupiah(result.shu),
            ),
            "success",
        )
    return redirect(back)
