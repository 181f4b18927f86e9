"""Month-by-month trends of one cooperative for the mentor: sales and gross margin per unit,
cash, active members and loan quality, over the months ending with a given day.

Why here and not in the statements: a mentor reads twelve months of ten cooperatives, so the
figures come from ``ledger.snapshots.movement`` (a closed month is one small snapshot read, not
its journal lines) plus one grouped member count and ``loan_quality`` per month end. Nothing
here writes; the result is plain integers that the page (SVG) and the PDF (reportlab) draw.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from markupsafe import Markup
from sqlalchemy import and_, case, func, or_, select

from outlet_pos.core.documents import svg_charts
from outlet_pos.core.ledger.models import Account, JournalEntry, JournalLine
from outlet_pos.core.ledger.snapshots import CASH_PREFIXES, movement
from outlet_pos.core.mentoring.loans import loan_quality
from outlet_pos.core.parties import Member
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db
from outlet_pos.formatting import MONTHS_SHORT, tanggal
from outlet_pos.money import format_rupiah
from outlet_pos.units.simpan_pinjam.models import COLLECTIBILITY

GENERAL = "Umum"  # revenue or cost posted without a unit
OTHER_INCOME = ("418", "419")  # pendapatan lain: not a unit's sales (e.g. selisih kas lebih)
# Severity runs from blue through orange to ink: colour-blind safe and readable in print.
LOAN_COLOURS = {"L": "#0072B2", "DPK": "#56B4E9", "KL": "#E69F00", "D": "#D55E00", "M": "#1F2328"}


@dataclass
class Trends:
    """Series aligned with ``months``; the last month runs only to ``end`` (month-to-date)."""

    end: date
    months: list[tuple[int, int]]
    days: list[date]  # the day each month's balances are read at (month end, or ``end``)
    sales: dict[str, list[int]]  # unit name -> sales per month (rupiah)
    margin: dict[str, list[int]]  # unit name -> sales - cost of the same unit per month
    cash: list[int]  # kas + bank at each day
    members: list[int]  # active members at each day
    loans: dict[str, list[int]]  # collectibility class -> outstanding principal at each day
    units: list[str] = field(default_factory=list)  # every unit name, in the order of the books

    @property
    def labels(self) -> list[str]:
        """``Jan 25`` style month labels."""
        return [month_label(y, m) for y, m in self.months]

    @property
    def partial_last(self) -> bool:
        y, m = self.months[-1]
        return self.end.day < calendar.monthrange(y, m)[1]

    @property
    def total_sales(self) -> list[int]:
        return _column_sums(self.sales, len(self.months))

    @property
    def total_margin(self) -> list[int]:
        return _column_sums(self.margin, len(self.months))

    @property
    def loans_total(self) -> list[int]:
        return _column_sums(self.loans, len(self.months))

    def figures(self) -> list[TrendChart]:
        """The five charts (for templates: ``trends.figures()``)."""
        return charts(self)

    @property
    def non_performing(self) -> list[int]:
        """KL + D + M outstanding at each day."""
        return _column_sums({c: self.loans[c] for c in ("KL", "D", "M")}, len(self.months))


def _column_sums(series: dict[str, list[int]], n: int) -> list[int]:
    return [sum(values[i] for values in series.values()) for i in range(n)]


def month_label(year: int, month: int) -> str:
    return f"{MONTHS_SHORT[month - 1]} {year % 100:02d}"


def month_window(end: date, months: int) -> list[tuple[int, int]]:
    """The ``months`` calendar months ending with ``end``'s month, oldest first."""
    index = end.year * 12 + end.month - 1
    return [(i // 12, i % 12 + 1) for i in range(index - months + 1, index + 1)]


def _bounds(end: date, window: list[tuple[int, int]]) -> list[tuple[date, date]]:
    """First and last day of each month; the last month stops at ``end``."""
    return [(date(y, m, 1), min(date(y, m, calendar.monthrange(y, m)[1]), end)) for y, m in window]


def _accounts(coop: Cooperative) -> tuple[set[int], set[int], set[int]]:
    """Ids of the revenue (less other income), cost of sales and cash/bank accounts."""
    revenue, cost, cash = set(), set(), set()
    for account_id, code in db.session.execute(
        select(Account.id, Account.code).where(
            Account.cooperative_id == coop.id, Account.is_header.is_(False)
        )
    ):
        if code.startswith("4") and not code.startswith(OTHER_INCOME):
            revenue.add(account_id)
        elif code.startswith("5"):
            cost.add(account_id)
        elif code.startswith(CASH_PREFIXES):
            cash.add(account_id)
    return revenue, cost, cash


def _closing_lines(coop: Cooperative, lo: date, hi: date, ids: set[int]) -> list[tuple]:
    """(date, account, unit, debit - credit) of year-end closing lines on revenue and cost:
    they empty those accounts into SHU and would wipe out the last month of a fiscal year."""
    if not ids:
        return []
    return db.session.execute(
        select(
            JournalLine.entry_date,
            JournalLine.account_id,
            JournalLine.unit_id,
            func.sum(JournalLine.debit - JournalLine.credit),
        )
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(
            JournalLine.cooperative_id == coop.id,
            JournalEntry.source == "closing",
            JournalLine.entry_date >= lo,
            JournalLine.entry_date <= hi,
            JournalLine.account_id.in_(ids),
        )
        .group_by(JournalLine.entry_date, JournalLine.account_id, JournalLine.unit_id)
    ).all()


def _members_at(coop: Cooperative, days: list[date]) -> list[int]:
    """Active members at each day, in one query: joined by then and not yet left. A member
    marked as left without a date counts as gone at every day (the date is unknown)."""
    if not days:
        return []
    left_undated = and_(Member.left_on.is_(None), Member.status != "aktif")
    columns = [
        func.sum(
            case(
                (
                    and_(
                        Member.join_date <= day,
                        or_(Member.left_on.is_(None), Member.left_on > day),
                        ~left_undated,
                    ),
                    1,
                ),
                else_=0,
            )
        )
        for day in days
    ]
    row = db.session.execute(select(*columns).where(Member.cooperative_id == coop.id)).one()
    return [int(v or 0) for v in row]


def monthly(coop: Cooperative, end: date, months: int = 12) -> Trends:
    """The trends of ``coop`` for the ``months`` calendar months ending with ``end``'s month."""
    if months < 1:
        raise ValueError("months must be at least 1")
    window = month_window(end, months)
    bounds = _bounds(end, window)
    days = [hi for _lo, hi in bounds]
    revenue, cost, cash = _accounts(coop)
    units = dict(
        db.session.execute(
            select(BusinessUnit.id, BusinessUnit.name)
            .where(BusinessUnit.cooperative_id == coop.id)
            .order_by(BusinessUnit.id)
        ).all()
    )
    n = len(window)
    sales: dict[str, list[int]] = defaultdict(lambda: [0] * n)
    costs: dict[str, list[int]] = defaultdict(lambda: [0] * n)

    def add(i: int, account_id: int, unit_id: int | None, signed: int) -> None:
        name = units.get(unit_id, GENERAL) if unit_id is not None else GENERAL
        if account_id in revenue:
            sales[name][i] -= signed  # revenue is a credit balance
        elif account_id in cost:
            costs[name][i] += signed

    wanted = sorted(revenue | cost | cash)
    cash_moves = [0] * n
    for i, (lo, hi) in enumerate(bounds):
        for (account_id, unit_id), signed in movement(
            coop.id, lo, hi, by_unit=True, accounts=wanted
        ).items():
            if account_id in cash:
                cash_moves[i] += signed
            else:
                add(i, account_id, unit_id, signed)
    index = {ym: i for i, ym in enumerate(window)}
    for day, account_id, unit_id, signed in _closing_lines(
        coop, bounds[0][0], bounds[-1][1], revenue | cost
    ):
        add(index[(day.year, day.month)], account_id, unit_id, -int(signed))
    opening = 0
    if cash:
        before = bounds[0][0] - timedelta(days=1)
        opening = sum(movement(coop.id, None, before, accounts=sorted(cash)).values())
    cash_end, running = [], opening
    for move in cash_moves:
        running += move
        cash_end.append(running)
    order = [*units.values(), GENERAL]
    margin = {
        name: [sales[name][i] - costs[name][i] for i in range(n)]
        for name in order
        if any(sales[name]) or any(costs[name])
    }
    qualities = [loan_quality(coop, day) for day in days]
    return Trends(
        end=end,
        months=window,
        days=days,
        sales={name: sales[name] for name in order if any(sales[name])},
        margin=margin,
        cash=cash_end,
        members=_members_at(coop, days),
        loans={c: [q.outstanding.get(c, 0) for q in qualities] for c in COLLECTIBILITY},
        units=[name for name in order if name in margin],
    )


# --- the five charts, described once for the page (SVG) and the PDF (reportlab) -------------


@dataclass(frozen=True)
class TrendChart:
    """One chart: what to draw and the caption under it, independent of the medium."""

    key: str  # sales | margin | cash | members | loans
    title: str
    caption: str
    kind: str  # "bar" | "line"
    categories: list[str]
    series: dict[str, list[int]]
    colours: dict[str, str]
    stacked: bool = True
    money: bool = True

    def svg(self) -> Markup:
        if self.kind == "line":
            return svg_charts.line_chart(self.title, self.categories, self.series,
                                         money=self.money, colours=self.colours)  # fmt: skip
        return svg_charts.bar_chart(self.title, self.categories, self.series,
                                    stacked=self.stacked, money=self.money,
                                    colours=self.colours)  # fmt: skip

    def table(self) -> Markup:
        return svg_charts.data_table(self.title, self.categories, self.series, money=self.money)


def charts(trends: Trends) -> list[TrendChart]:
    """Sales, gross margin, cash, members and loan quality, with captions in Indonesian."""
    labels = trends.labels
    units = svg_charts.colour_map(trends.units or [GENERAL])
    upto = f" Bulan terakhir dihitung sampai {tanggal(trends.end)}." if trends.partial_last else ""
    losing = [name for name, values in trends.margin.items() if values and values[-1] < 0]
    margin_note = f" Margin negatif bulan terakhir: {', '.join(losing)}." if losing else ""
    npl = trends.non_performing[-1] if trends.months else 0
    loans = {COLLECTIBILITY[c]: trends.loans[c] for c in COLLECTIBILITY}
    return [
        TrendChart(
            "sales",
            "Penjualan per unit usaha",
            "Pendapatan usaha per bulan menurut unit (tanpa pendapatan lain); pendapatan tanpa "
            "unit masuk Umum." + upto,
            "bar",
            labels,
            trends.sales,
            units,
        ),
        TrendChart(
            "margin",
            "Margin kotor per unit usaha",
            "Penjualan dikurangi beban pokok (HPP) unit yang sama. Batang di bawah garis nol "
            "berarti unit itu merugi sebelum beban usaha." + margin_note,
            "bar",
            labels,
            trends.margin,
            units,
            stacked=False,
        ),
        TrendChart(
            "cash",
            "Kas dan bank akhir bulan",
            "Saldo kas, kas kecil, bank dan kliring pada akhir setiap bulan.",
            "line",
            labels,
            {"Kas dan bank": trends.cash},
            {"Kas dan bank": svg_charts.PALETTE[0]},
        ),
        TrendChart(
            "members",
            "Anggota aktif",
            "Anggota yang sudah bergabung dan belum keluar pada akhir setiap bulan.",
            "line",
            labels,
            {"Anggota aktif": trends.members},
            {"Anggota aktif": svg_charts.PALETTE[2]},
            money=False,
        ),
        TrendChart(
            "loans",
            "Kualitas pinjaman anggota",
            "Sisa pokok pinjaman menurut kolektibilitas pada akhir bulan. Kurang lancar, "
            f"diragukan dan macet bulan terakhir: {format_rupiah(npl)}.",
            "bar",
            labels,
            loans,
            {COLLECTIBILITY[c]: colour for c, colour in LOAN_COLOURS.items()},
        ),
    ]
