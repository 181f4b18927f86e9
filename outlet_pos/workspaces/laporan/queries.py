"""Sales reports by SQL aggregation: per day, unit, tender, cashier and item.

Callable without a request: each function takes the cooperative and a date range of business
dates and returns plain dataclasses. Amounts are integer rupiah; quantities Decimal in the
item's base unit. Sales figures exclude PPN (revenue = line total - line tax, as the ledger
books it), and a refund reduces the day it happens, not the day of the original sale.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction

from sqlalchemy import func, select

from outlet_pos.core.access import User
from outlet_pos.core.inventory.models import Item, StockLevel
from outlet_pos.core.sales.models import PAYMENT_METHODS, Payment, Sale, SaleLine
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_number, round_half_up

FAST_MOVERS = 20
SLOW_MOVERS = 30
SLOW_DAYS = 60  # stock lasting longer than this at the range's pace counts as slow


def percent(part: int, whole: int) -> str:
    """``part / whole`` as ``12,3%`` with exact integer arithmetic; ``—`` when whole is 0."""
    if not whole:
        return "—"
    tenths = round_half_up(Fraction(part * 1000, whole))
    whole_part, tenth = divmod(abs(tenths), 10)
    return f"{'-' if tenths < 0 else ''}{format_number(whole_part)},{tenth}%"


@dataclass
class Figures:
    """Sales less refunds over some grouping; every amount excludes PPN."""

    sales: int = 0  # sale lines, total - tax
    refunds: int = 0  # refund lines, total - tax
    tax: int = 0  # PPN of sales less PPN of refunds
    cost: int = 0  # HPP of sales less HPP of refunds
    qty: Decimal = Decimal(0)  # base units sold less returned
    receipts: int = 0  # sale receipts (not refunds)
    refund_count: int = 0

    @property
    def net(self) -> int:
        return self.sales - self.refunds

    @property
    def margin(self) -> int:
        return self.net - self.cost

    @property
    def margin_pct(self) -> str:
        return percent(self.margin, self.net)

    def add(self, other: Figures) -> None:
        self.sales += other.sales
        self.refunds += other.refunds
        self.tax += other.tax
        self.cost += other.cost
        self.qty += other.qty
        self.receipts += other.receipts
        self.refund_count += other.refund_count


def _total(figures) -> Figures:
    out = Figures()
    for f in figures:
        out.add(f)
    return out


def line_figures(
    coop: Cooperative, date_from: date, date_to: date, unit_id: int | None, *keys
) -> dict[tuple, Figures]:
    """One aggregation over sale lines grouped by ``keys`` (columns of sale or
    sale_line) and the document kind; refunds are subtracted within each group."""
    stmt = (
        select(
            *keys,
            Sale.kind,
            func.count(func.distinct(Sale.id)),
            func.coalesce(func.sum(SaleLine.base_qty), 0),
            func.coalesce(func.sum(SaleLine.total), 0),
            func.coalesce(func.sum(SaleLine.tax_amount), 0),
            func.coalesce(func.sum(SaleLine.cost), 0),
        )
        .join(Sale, Sale.id == SaleLine.sale_id)
        .where(
            SaleLine.cooperative_id == coop.id,
            Sale.cooperative_id == coop.id,
            Sale.date >= date_from,
            Sale.date <= date_to,
        )
        .group_by(*keys, Sale.kind)
    )
    if unit_id is not None:
        stmt = stmt.where(SaleLine.business_unit_id == unit_id)
    out: dict[tuple, Figures] = defaultdict(Figures)
    n = len(keys)
    for row in db.session.execute(stmt):
        key, kind = tuple(row[:n]), row[n]
        count, qty, total, tax, cost = row[n + 1 :]
        # PostgreSQL sums BIGINT to NUMERIC: back to int rupiah before any arithmetic.
        total, tax, cost, qty = int(total), int(tax), int(cost), Decimal(qty)
        f = out[key]
        if kind == "refund":
            f.refunds += total - tax
            f.tax -= tax
            f.cost -= cost
            f.qty -= qty
            f.refund_count += int(count)
        else:
            f.sales += total - tax
            f.tax += tax
            f.cost += cost
            f.qty += qty
            f.receipts += int(count)
    return dict(out)


# --- per day ------------------------------------------------------------------------------------


@dataclass
class Row:
    key: object  # a date, a unit, a user, an item, a category...
    label: str
    figures: Figures


@dataclass
class Report:
    date_from: date
    date_to: date
    rows: list[Row]
    total: Figures


def daily_sales(coop: Cooperative, date_from: date, date_to: date, unit_id=None) -> Report:
    """Per business date with any sale or refund: sales, refunds, net, PPN, HPP, margin."""
    figures = line_figures(coop, date_from, date_to, unit_id, Sale.date)
    rows = [Row(day, "", f) for (day,), f in sorted(figures.items())]
    return Report(date_from, date_to, rows, _total(figures.values()))


def by_unit(coop: Cooperative, date_from: date, date_to: date, unit_id=None) -> Report:
    figures = line_figures(coop, date_from, date_to, unit_id, SaleLine.business_unit_id)
    names = dict(
        db.session.execute(
            select(BusinessUnit.id, BusinessUnit.name).where(BusinessUnit.cooperative_id == coop.id)
        ).all()
    )
    rows = sorted(
        (Row(uid, names.get(uid, "?"), f) for (uid,), f in figures.items()),
        key=lambda r: -r.figures.net,
    )
    return Report(date_from, date_to, rows, _total(figures.values()))


def by_cashier(coop: Cooperative, date_from: date, date_to: date, unit_id=None) -> Report:
    figures = line_figures(coop, date_from, date_to, unit_id, Sale.cashier_id)
    names = dict(
        db.session.execute(
            select(User.id, User.full_name).where(User.id.in_([k[0] for k in figures]))
        ).all()
    )
    rows = sorted(
        (Row(uid, names.get(uid, "?"), f) for (uid,), f in figures.items()),
        key=lambda r: (-r.figures.net, r.label),
    )
    return Report(date_from, date_to, rows, _total(figures.values()))


# --- tenders ------------------------------------------------------------------------------------


@dataclass
class Tender:
    method: str
    label: str
    sales: int = 0  # received for sales; cash net of change
    refunds: int = 0  # paid back (cash) or returned to the member's credit

    @property
    def net(self) -> int:
        return self.sales - self.refunds


@dataclass
class TenderDay:
    day: date
    amounts: dict[str, int]  # method -> net

    @property
    def total(self) -> int:
        return sum(self.amounts.values())


@dataclass
class TenderReport:
    rows: list[Tender]
    days: list[TenderDay]
    total: Tender


def tenders(*conds) -> tuple[list[Tender], dict[date, dict[str, int]]]:
    """Money by tender for the sales matching ``conds`` (PPN included, as customers paid),
    sales minus refunds; cash is tendered minus change. Also the net per day and tender."""
    per_day: dict[date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(PAYMENT_METHODS, 0))
    rows = {m: Tender(m, label) for m, label in PAYMENT_METHODS.items()}
    for day, kind, method, amount in db.session.execute(
        select(Sale.date, Sale.kind, Payment.method, func.sum(Payment.amount))
        .join(Sale, Sale.id == Payment.sale_id)
        .where(*conds)
        .group_by(Sale.date, Sale.kind, Payment.method)
    ):
        amount = int(amount)
        row = rows.setdefault(method, Tender(method, method))
        per_day[day].setdefault(method, 0)
        if kind == "refund":
            row.refunds += amount
            per_day[day][method] -= amount
        else:
            row.sales += amount
            per_day[day][method] += amount
    for day, change in db.session.execute(
        select(Sale.date, func.sum(Sale.change_amount))
        .where(*conds, Sale.kind == "sale", Sale.change_amount > 0)
        .group_by(Sale.date)
    ):
        rows["tunai"].sales -= int(change)
        per_day[day]["tunai"] -= int(change)
    return list(rows.values()), per_day


def tender_split(coop: Cooperative, date_from: date, date_to: date) -> TenderReport:
    """Tenders over a range, in total and per day. Payments belong to a receipt, not to a
    line, so this split has no business-unit filter."""
    rows, per_day = tenders(
        Sale.cooperative_id == coop.id, Sale.date >= date_from, Sale.date <= date_to
    )
    total = Tender("", "Jumlah")
    for r in rows:
        total.sales += r.sales
        total.refunds += r.refunds
    days = [TenderDay(day, amounts) for day, amounts in sorted(per_day.items())]
    return TenderReport(rows, days, total)


# --- items ----------------------------------------------------------------------------------------


@dataclass
class ItemRow:
    item: Item
    figures: Figures


@dataclass
class SlowMover:
    item: Item
    on_hand: Decimal
    value: int
    qty_sold: Decimal
    days_left: int | None  # None: nothing sold in the range


@dataclass
class ItemReport:
    date_from: date
    date_to: date
    items: list[ItemRow]
    categories: list[Row]
    fast: list[ItemRow]
    slow: list[SlowMover]
    total: Figures
    days: int = 0
    sort: str = "net"
    slow_days: int = SLOW_DAYS
    extra: dict = field(default_factory=dict)


SORTS = {
    "net": lambda r: (-r.figures.net, r.item.name),
    "margin": lambda r: (-r.figures.margin, r.item.name),
    "qty": lambda r: (-r.figures.qty, r.item.name),
}


def days_of_stock(on_hand: Decimal, qty_sold: Decimal, days: int) -> int | None:
    """On hand / average daily quantity, whole days (rounded down); None if nothing sold."""
    if qty_sold <= 0:
        return None
    return int((on_hand * days / qty_sold).to_integral_value(rounding=ROUND_FLOOR))


def item_sales(
    coop: Cooperative, date_from: date, date_to: date, unit_id=None, sort: str = "net"
) -> ItemReport:
    """Sales by item and category, fast movers by quantity, slow movers among stocked items."""
    sort = sort if sort in SORTS else "net"
    figures = line_figures(coop, date_from, date_to, unit_id, SaleLine.item_id)
    items = {
        i.id: i
        for i in db.session.scalars(select(Item).where(Item.cooperative_id == coop.id))
        if unit_id is None or i.unit_id == unit_id
    }
    rows = [ItemRow(items[iid], f) for (iid,), f in figures.items() if iid in items]
    by_cat: dict[str, Figures] = defaultdict(Figures)
    for r in rows:
        by_cat[r.item.category or "(tanpa kategori)"].add(r.figures)
    categories = sorted(
        (Row(name, name, f) for name, f in by_cat.items()), key=lambda c: (-c.figures.net, c.label)
    )
    fast = sorted((r for r in rows if r.figures.qty > 0), key=SORTS["qty"])[:FAST_MOVERS]
    days = (date_to - date_from).days + 1
    sold = {r.item.id: r.figures.qty for r in rows}
    slow = []
    for item_id, on_hand, value in db.session.execute(
        select(StockLevel.item_id, func.sum(StockLevel.on_hand), func.sum(StockLevel.value))
        .where(StockLevel.cooperative_id == coop.id)
        .group_by(StockLevel.item_id)
        .having(func.sum(StockLevel.on_hand) > 0)
    ):
        if item_id not in items:
            continue
        qty = sold.get(item_id, Decimal(0))
        left = days_of_stock(Decimal(on_hand), qty, days)
        if left is None or left > SLOW_DAYS:
            slow.append(SlowMover(items[item_id], Decimal(on_hand), int(value), qty, left))
    slow.sort(key=lambda s: (s.days_left is not None, -(s.days_left or 0), -s.value))
    rows.sort(key=SORTS[sort])
    return ItemReport(
        date_from,
        date_to,
        rows,
        categories,
        fast,
        slow[:SLOW_MOVERS],
        _total(figures.values()),
        days=days,
        sort=sort,
        extra={"slow_total": len(slow)},
    )
