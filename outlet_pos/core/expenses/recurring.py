"""Recurring expenses (rent, salaries, internet): a template per payment, and one action that
posts the month's due ones. Each template is posted at most once per month (the expense row is
unique per template and month), so pressing the button twice posts nothing new."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from outlet_pos.core.audit import record
from outlet_pos.core.db import lock_for_update
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.expenses.models import KINDS, Expense, RecurringExpense
from outlet_pos.core.expenses.services import (
    DRAWER,
    check_amount,
    clean_text,
    is_category,
    is_paid_from,
    record_expense,
    resolve_account,
    resolve_unit,
)
from outlet_pos.core.ledger.models import MONTHS_ID
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db


def save_recurring(
    coop: Cooperative,
    user,
    template: RecurringExpense | None = None,
    *,
    kind: str = "expense",
    description: str,
    account: str,
    amount: int,
    paid_from: str,
    day_of_month: int,
    unit=None,
    payee: str = "",
    active: bool = True,
) -> RecurringExpense:
    """Create or change a template. Paid from Kas kecil or a bank account only: a recurring
    payment is not tied to whichever cashier's shift happens to be open."""
    if template is not None and template.cooperative_id != coop.id:
        raise DomainError("Pengeluaran rutin tidak ditemukan.")
    if kind not in KINDS:
        raise ValidationError("Jenis transaksi tidak dikenal.", field="kind")
    amount = check_amount(amount)
    what = "beban" if kind == "expense" else "pendapatan"
    category = resolve_account(coop, account, "account", f"Pilih akun {what}.")
    if not is_category(category.code, kind):
        raise ValidationError(
            f"Akun {category.code} tidak dapat dipakai sebagai kategori {what}.", field="account"
        )
    paid = resolve_account(coop, paid_from, "paid_from", "Pilih Kas kecil atau rekening bank.")
    if not is_paid_from(paid.code) or paid.code == DRAWER:
        raise ValidationError(
            "Pengeluaran rutin dibayar dari Kas kecil atau rekening bank.", field="paid_from"
        )
    if type(day_of_month) is not int or not 1 <= day_of_month <= 31:
        raise ValidationError("Tanggal bulanan 1 sampai 31.", field="day_of_month")
    unit_row = resolve_unit(coop, unit)
    values = {
        "kind": kind,
        "description": clean_text(description, 300, "description", "Keterangan", required=True),
        "payee": clean_text(payee, 120, "payee", "Nama penerima"),
        "account_id": category.id,
        "unit_id": unit_row.id if unit_row else None,
        "amount": amount,
        "paid_account_id": paid.id,
        "day_of_month": day_of_month,
        "active": bool(active),
    }
    if template is None:
        template = RecurringExpense(cooperative_id=coop.id, created_by_id=getattr(user, "id", None))
        db.session.add(template)
    for name, value in values.items():
        setattr(template, name, value)
    db.session.flush()
    record("expense.recurring", user=user, cooperative=coop, target=values["description"][:60],
           detail={"id": template.id, "amount": amount, "active": bool(active)})  # fmt: skip
    return template


def period_key(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def due_date(template: RecurringExpense, year: int, month: int) -> date:
    """The template's day in that month (the 31st is the month's last day in short months)."""
    return date(year, month, min(template.day_of_month, calendar.monthrange(year, month)[1]))


@dataclass
class RecurringStatus:
    template: RecurringExpense
    due: date
    expense: Expense | None  # posted this month (maybe voided since)
    is_due: bool  # its day has come


def month_status(coop: Cooperative, year: int, month: int) -> list[RecurringStatus]:
    """Every template (active ones, and inactive ones already posted that month) with what
    happened to it in the month."""
    today = coop.today()
    posted = {
        e.recurring_id: e
        for e in db.session.scalars(
            select(Expense).where(
                Expense.cooperative_id == coop.id,
                Expense.recurring_period == period_key(year, month),
            )
        )
    }
    rows = []
    for t in db.session.scalars(
        select(RecurringExpense)
        .where(RecurringExpense.cooperative_id == coop.id)
        .order_by(RecurringExpense.day_of_month, RecurringExpense.id)
    ):
        if not t.active and t.id not in posted:
            continue
        due = due_date(t, year, month)
        rows.append(RecurringStatus(t, due, posted.get(t.id), due <= today))
    return rows


def post_recurring(coop: Cooperative, year: int, month: int, user) -> dict[str, list]:
    """Post every active template due in the month and not yet posted for it (one expense
    each, dated on its day). Returns {"created": [...], "already": [...], "not_due": [...]}.
    All or nothing: one refused template (a closed month, an inactive account) refuses all."""
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise ValidationError("Bulan tidak valid.", field="month")
    today = coop.today()
    if date(year, month, 1) > today:
        raise ValidationError("Bulan itu belum tiba.", field="month")
    # Serialise with another press of the same button (the unique key is the backstop).
    db.session.execute(
        lock_for_update(select(Cooperative.id).where(Cooperative.id == coop.id), key_share=True)
    ).scalar_one()
    result: dict[str, list] = {"created": [], "already": [], "not_due": []}
    key = period_key(year, month)
    label = f"{MONTHS_ID[month - 1]} {year}"
    for status in month_status(coop, year, month):
        t = status.template
        if status.expense is not None:
            result["already"].append(status.expense)
            continue
        if not status.is_due:
            result["not_due"].append(t)
            continue
        try:
            expense = record_expense(
                coop,
                user,
                kind=t.kind,
                day=status.due,
                account=t.account.code,
                amount=t.amount,
                paid_from=t.paid_account.code,
                description=f"{t.description} ({label})"[:300],
                unit=t.unit_id,
                payee=t.payee,
                reference="rutin",
                recurring=t,
                recurring_period=key,
            )
        except DomainError as exc:
            raise DomainError(f"{t.description}: {exc.message}") from None
        result["created"].append(expense)
    if result["created"]:
        record("expense.recurring_post", user=user, cooperative=coop, target=key,
               detail={"created": [e.number for e in result["created"]]})  # fmt: skip
    return result
