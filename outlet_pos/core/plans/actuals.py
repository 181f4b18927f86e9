"""What the books say happened, month by month of a fiscal year, for each plan metric.

Plans only read the books. Sales and gross margin come from the ledger's unit dimension
(``snapshots.movement`` per month, so closed months read their snapshot instead of every
journal line); loans from the loan register's disbursement dates; members from join and
leaving dates. One ``Actuals`` object reads a year once and answers every unit and metric of
the summary page from memory.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import func, select

from outlet_pos.core.ledger.models import Account
from outlet_pos.core.ledger.services import fiscal_year
from outlet_pos.core.ledger.snapshots import operating_movement
from outlet_pos.core.parties import Member
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db

REVENUE_PREFIXES = ("411", "412", "413", "414")  # penjualan & pendapatan usaha
COST_PREFIX = "5"  # beban pokok (HPP, bunga simpanan)


# --- fiscal months ------------------------------------------------------------------------


def fiscal_year_of(coop: Cooperative, day: date) -> int:
    """The fiscal year ``day`` falls in, named after the calendar year it starts in."""
    return fiscal_year(coop, day)


def calendar_month(coop: Cooperative, year: int, month_index: int) -> tuple[int, int]:
    """(calendar year, month) of month ``month_index`` (1..12) of fiscal year ``year``."""
    start = coop.fiscal_year_start_month or 1
    zero_based = start - 1 + month_index - 1
    return year + zero_based // 12, zero_based % 12 + 1


def month_index_of(coop: Cooperative, day: date) -> tuple[int, int]:
    """(fiscal year, month index 1..12) of a date."""
    year = fiscal_year_of(coop, day)
    start = coop.fiscal_year_start_month or 1
    return year, (day.month - start) % 12 + 1


def month_range(coop: Cooperative, year: int, month_index: int) -> tuple[date, date]:
    """First and last day of a fiscal month."""
    y, m = calendar_month(coop, year, month_index)
    return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])


def year_range(coop: Cooperative, year: int) -> tuple[date, date]:
    return month_range(coop, year, 1)[0], month_range(coop, year, 12)[1]


def months_elapsed(coop: Cooperative, year: int, today: date | None = None) -> int:
    """How many months of fiscal year ``year`` have begun by today (0..12): the months that
    have an actual to compare (the current one counts, with its days so far)."""
    today = today or coop.today()
    return sum(1 for i in range(1, 13) if month_range(coop, year, i)[0] <= today)


# --- the books ------------------------------------------------------------------------------


def _account_ids(coop: Cooperative) -> tuple[set[int], set[int]]:
    prefix3 = func.substr(Account.code, 1, 3)
    rows = db.session.execute(
        select(Account.id, Account.code).where(
            Account.cooperative_id == coop.id,
            prefix3.in_(REVENUE_PREFIXES) | Account.code.startswith(COST_PREFIX),
        )
    )
    revenue, cost = set(), set()
    for account_id, code in rows:
        (revenue if code[:3] in REVENUE_PREFIXES else cost).add(account_id)
    return revenue, cost


def loan_unit(coop: Cooperative) -> int | None:
    """The unit loans are counted under. Loans carry no unit of their own; their journal lines
    carry the cooperative's (first active) savings-and-loan unit, so the plan does the same."""
    from outlet_pos.units.simpan_pinjam.common import simpin_unit

    return simpin_unit(coop)


class Actuals:
    """A fiscal year's actuals, read lazily and once: ``series(metric, unit_id)`` gives 12
    values, None for months that have not begun."""

    def __init__(self, coop: Cooperative, year: int, today: date | None = None) -> None:
        self.coop = coop
        self.year = year
        self.elapsed = months_elapsed(coop, year, today)
        self._books: list[dict[int | None, tuple[int, int]]] | None = None
        self._loans: list[int] | None = None
        self._members: list[int] | None = None

    def _pad(self, values: list[int]) -> list[int | None]:
        return [v if i < self.elapsed else None for i, v in enumerate(values)]

    def books(self) -> list[dict[int | None, tuple[int, int]]]:
        """Per month: {unit id: (revenue, cost)}; revenue credit-positive, cost debit-positive."""
        if self._books is None:
            revenue, cost = _account_ids(self.coop)
            wanted = sorted(revenue | cost)
            self._books = []
            for i in range(1, self.elapsed + 1):
                lo, hi = month_range(self.coop, self.year, i)
                per_unit: dict[int | None, list[int]] = defaultdict(lambda: [0, 0])
                if wanted:
                    moved = operating_movement(self.coop.id, lo, hi, by_unit=True, accounts=wanted)
                    for (account_id, unit_id), amount in moved.items():
                        if account_id in revenue:
                            per_unit[unit_id][0] -= amount
                        else:
                            per_unit[unit_id][1] += amount
                self._books.append({u: (r, c) for u, (r, c) in per_unit.items()})
        return self._books

    def loans(self) -> list[int]:
        """Principal disbursed per month (the whole cooperative)."""
        if self._loans is None:
            from outlet_pos.units.simpan_pinjam.models import Loan

            lo, hi = year_range(self.coop, self.year)
            totals = [0] * 12
            rows = db.session.execute(
                select(Loan.disbursed_on, func.sum(Loan.principal))
                .where(
                    Loan.cooperative_id == self.coop.id,
                    Loan.disbursed_on >= lo,
                    Loan.disbursed_on <= hi,
                )
                .group_by(Loan.disbursed_on)
            )
            for day, amount in rows:
                totals[month_index_of(self.coop, day)[1] - 1] += int(amount)
            self._loans = totals
        return self._loans

    def members(self) -> list[int]:
        """Active members at the end of each month (or today, for the current month)."""
        if self._members is None:
            rows = db.session.execute(
                select(Member.join_date, Member.left_on, Member.status).where(
                    Member.cooperative_id == self.coop.id
                )
            ).all()
            self._members = [
                members_at(rows, min(month_range(self.coop, self.year, i)[1], self.today()))
                for i in range(1, 13)
            ]
        return self._members

    def today(self) -> date:
        return self.coop.today()

    def series(self, metric: str, unit_id: int | None) -> list[int | None]:
        """12 monthly actuals of one metric; ``unit_id`` None = every unit together."""
        if metric in ("sales", "margin"):
            values = []
            for month in self.books():
                pairs = month.values() if unit_id is None else [month.get(unit_id, (0, 0))]
                revenue = sum(r for r, _ in pairs)
                cost = sum(c for _, c in pairs)
                values.append(revenue if metric == "sales" else revenue - cost)
            return self._pad(values + [0] * (12 - len(values)))
        if metric == "loans":
            if unit_id is not None and unit_id != loan_unit(self.coop):
                return self._pad([0] * 12)
            return self._pad(self.loans())
        if metric == "members":
            return self._pad(self.members())
        raise ValueError(f"unknown metric {metric!r}")


def members_at(rows, day: date) -> int:
    """Members active at the end of ``day`` from (join_date, left_on, status) rows. A member
    marked as gone without a leaving date is not counted (we cannot tell since when)."""
    count = 0
    for joined, left_on, status in rows:
        if joined > day:
            continue
        if left_on is None:
            count += status == "aktif"
        elif left_on > day:
            count += 1
    return count


def members_before(coop: Cooperative, year: int) -> int:
    """Active members on the eve of fiscal year ``year`` (where a members plan starts from)."""
    rows = db.session.execute(
        select(Member.join_date, Member.left_on, Member.status).where(
            Member.cooperative_id == coop.id
        )
    ).all()
    return members_at(rows, year_range(coop, year)[0] - timedelta(days=1))
