"""Helpers shared by the treasurer's views: choices, date ranges, the fiscal-year window."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from outlet_pos.core.ledger.models import Account
from outlet_pos.core.ledger.services import fiscal_year
from outlet_pos.core.tenancy import BusinessUnit, Cooperative, parse_id
from outlet_pos.extensions import db


def account_choices(coop: Cooperative, *, detail_only: bool = True) -> list[tuple[str, str]]:
    stmt = select(Account).where(Account.cooperative_id == coop.id, Account.active.is_(True))
    if detail_only:
        stmt = stmt.where(Account.is_header.is_(False))
    return [("", "— pilih akun —")] + [
        (a.code, f"{a.code} {a.name}") for a in db.session.scalars(stmt.order_by(Account.code))
    ]


def unit_choices(coop: Cooperative, blank: str = "— tanpa unit —") -> list[tuple[str, str]]:
    units = db.session.scalars(
        select(BusinessUnit)
        .where(BusinessUnit.cooperative_id == coop.id, BusinessUnit.active.is_(True))
        .order_by(BusinessUnit.name)
    )
    return [("", blank)] + [(str(u.id), u.name) for u in units]


def fiscal_window(coop: Cooperative) -> tuple[date, date]:
    """Dates a manual entry may carry: the current fiscal year and the one before it (until
    its year-end close), never a day after today."""
    today = coop.today()
    fy = fiscal_year(coop, today)
    start_month = coop.fiscal_year_start_month or 1
    return date(fy - 1, start_month, 1), today


def default_range(coop: Cooperative, date_from: date | None, date_to: date | None):
    today = coop.today()
    start = date(fiscal_year(coop, today), coop.fiscal_year_start_month or 1, 1)
    date_from = date_from or start
    date_to = date_to or today
    if date_from > date_to:
        date_from, date_to = date_to, date_from
    return date_from, date_to


def parse_unit(raw: str | None) -> int | None:
    return parse_id(raw)
