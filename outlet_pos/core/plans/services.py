"""The business plan (rencana bisnis): targets per unit and fiscal year entered by pengurus,
and their comparison with the books month by month (SIMKOPDES asks every cooperative for one).

Targets are integers: rupiah for sales, gross margin and loans disbursed, a head count for
members. Flow metrics add up over the months; members is a level (the count at each month's
end), so its "annual" figure is the year-end count and its cumulative column is the level
itself. Nothing here posts to the ledger: a plan only reads the books.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from outlet_pos.core.audit import record
from outlet_pos.core.db import utcnow
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.ledger.models import MONTHS_ID
from outlet_pos.core.plans.actuals import (
    Actuals,
    calendar_month,
    fiscal_year_of,
    members_before,
    month_index_of,
    month_range,
)
from outlet_pos.core.plans.models import (
    COOPERATIVE_METRICS,
    LEVEL_METRICS,
    LOAN_UNIT_KIND,
    METRICS,
    PlanTarget,
)
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import MAX_AMOUNT, allocate, round_half_up

__all__ = [
    "Comparison",
    "Row",
    "calendar_month",
    "clear_plan",
    "comparison",
    "fiscal_year_of",
    "level_path",
    "month_index_of",
    "month_label",
    "month_range",
    "monthly_from_annual",
    "planned",
    "save_plan",
    "spread",
    "suggestion",
    "target_for",
    "unit_metrics",
]

FIRST_YEAR, LAST_YEAR = 2000, 2100
ONE_DP = Decimal("0.1")


def month_label(coop: Cooperative, year: int, month_index: int) -> str:
    y, m = calendar_month(coop, year, month_index)
    return f"{MONTHS_ID[m - 1]} {y}"


def unit_metrics(unit: BusinessUnit) -> list[str]:
    """The metrics a unit is planned by: every unit sells and earns a margin; only the
    savings-and-loan unit disburses loans."""
    metrics = ["sales", "margin"]
    if unit.kind == LOAN_UNIT_KIND:
        metrics.append("loans")
    return metrics


# --- turning an annual figure into months -------------------------------------------------


def spread(annual: int) -> list[int]:
    """An annual target split evenly over 12 months, the leftover rupiah on the first months
    (largest remainder with equal weights: ties go to the earlier month), summing exactly."""
    if type(annual) is not int:
        raise TypeError("annual target must be int")
    if annual < 0:
        raise ValidationError("Target tidak boleh negatif.", field="amount")
    return allocate(annual, [1] * 12)


def level_path(start: int, target: int) -> list[int]:
    """A straight path for a level metric from ``start`` (the count before the year) to
    ``target`` at the year end, rounded half up each month; month 12 is exactly the target."""
    return [start + round_half_up(Fraction((target - start) * k, 12)) for k in range(1, 13)]


def monthly_from_annual(coop: Cooperative, year: int, metric: str, annual: int) -> list[int]:
    """Twelve monthly targets from one annual figure: an even spread for flows; for members
    a path from today's count at the year start to the year-end target."""
    if metric in LEVEL_METRICS:
        if annual < 0:
            raise ValidationError("Target tidak boleh negatif.", field="amount")
        return level_path(members_before(coop, year), annual)
    return spread(annual)


# --- saving ---------------------------------------------------------------------------------


def _check_scope(coop: Cooperative, year: int, unit_id: int | None, metric: str):
    if metric not in METRICS:
        raise ValidationError("Jenis target tidak dikenal.", field="metric")
    if type(year) is not int or not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError("Tahun buku tidak valid.", field="year")
    if metric in COOPERATIVE_METRICS:
        if unit_id is not None:
            raise ValidationError(
                f"Target {METRICS[metric].lower()} berlaku untuk seluruh koperasi, bukan per unit.",
                field="unit",
            )
        return None
    unit = db.session.get(BusinessUnit, unit_id) if isinstance(unit_id, int) else None
    if unit is None or unit.cooperative_id != coop.id:
        raise ValidationError("Unit usaha tidak ditemukan di koperasi ini.", field="unit")
    if metric not in unit_metrics(unit):
        raise ValidationError(
            "Target penyaluran pinjaman hanya untuk unit simpan pinjam.", field="unit"
        )
    return unit


def _check_amounts(monthly: Sequence[int]) -> list[int]:
    values = list(monthly)
    if len(values) != 12:
        raise ValidationError("Target harus diisi untuk 12 bulan.", field="amount")
    for value in values:
        if type(value) is not int:
            raise ValidationError("Target harus berupa bilangan bulat.", field="amount")
        if value < 0:
            raise ValidationError("Target tidak boleh negatif.", field="amount")
        if value > MAX_AMOUNT:
            raise ValidationError("Target terlalu besar.", field="amount")
    return values


def _rows(coop: Cooperative, year: int, unit_id: int | None, metric: str) -> list[PlanTarget]:
    return list(
        db.session.scalars(
            select(PlanTarget)
            .where(
                PlanTarget.cooperative_id == coop.id,
                PlanTarget.year == year,
                PlanTarget.scope_key == (unit_id or 0),
                PlanTarget.metric == metric,
            )
            .order_by(PlanTarget.month_index)
        )
    )


def _scope_name(unit: BusinessUnit | None) -> str:
    return unit.name if unit is not None else "Seluruh koperasi"


def save_plan(
    coop: Cooperative, user, year: int, unit_id: int | None, metric: str, monthly: Sequence[int]
) -> None:
    """Set the 12 monthly targets of one metric (flush only). Refuses negative or
    non-integer amounts, an unknown metric, another cooperative's unit and a loans target on a
    unit that is not savings-and-loan; a refusal writes nothing. Audited as ``plan.save``."""
    unit = _check_scope(coop, year, unit_id, metric)
    values = _check_amounts(monthly)
    existing = {row.month_index: row for row in _rows(coop, year, unit_id, metric)}
    now = utcnow()
    user_id = getattr(user, "id", user)
    try:
        with db.session.begin_nested():
            for index, amount in enumerate(values, start=1):
                row = existing.get(index)
                if row is None:
                    row = PlanTarget(
                        cooperative_id=coop.id,
                        year=year,
                        unit_id=unit_id,
                        scope_key=unit_id or 0,
                        metric=metric,
                        month_index=index,
                    )
                    db.session.add(row)
                row.amount = amount
                row.updated_by_id = user_id
                row.updated_at = now
            db.session.flush()
    except IntegrityError as exc:
        # Another save of the same plan committed first (its rows now exist).
        raise DomainError(
            "Rencana ini baru saja diubah pengguna lain; muat ulang lalu coba lagi."
        ) from exc
    record(
        "plan.save",
        user=user,
        cooperative=coop,
        target=f"{year} · {_scope_name(unit)} · {METRICS[metric]}",
        detail={"year": year, "unit_id": unit_id, "metric": metric, "total": sum(values),
                "monthly": values},
    )  # fmt: skip


def clear_plan(coop: Cooperative, user, year: int, unit_id: int | None, metric: str) -> bool:
    """Remove one metric's targets (flush only); True if there were any. Audited as
    ``plan.save`` with ``cleared``, so the trail shows a plan withdrawn as well as set."""
    unit = _check_scope(coop, year, unit_id, metric)
    rows = _rows(coop, year, unit_id, metric)
    for row in rows:
        db.session.delete(row)
    if rows:
        db.session.flush()
        record(
            "plan.save",
            user=user,
            cooperative=coop,
            target=f"{year} · {_scope_name(unit)} · {METRICS[metric]}",
            detail={"year": year, "unit_id": unit_id, "metric": metric, "cleared": True},
        )
    return bool(rows)


# --- reading targets ------------------------------------------------------------------------


def planned(coop: Cooperative, year: int) -> dict[tuple[int | None, str], list[int]]:
    """Every saved plan of a year: {(unit id or None, metric): 12 monthly targets}."""
    out: dict[tuple[int | None, str], list[int]] = {}
    rows = db.session.execute(
        select(PlanTarget.unit_id, PlanTarget.metric, PlanTarget.month_index, PlanTarget.amount)
        .where(PlanTarget.cooperative_id == coop.id, PlanTarget.year == year)
    )  # fmt: skip
    for unit_id, metric, index, amount in rows:
        out.setdefault((unit_id, metric), [0] * 12)[index - 1] = int(amount)
    return out


def _targets(plans: dict, metric: str, unit_id: int | None) -> list[int] | None:
    """12 targets of one scope; for a unit-level metric with ``unit_id`` None, all units'
    targets added together (None when no unit has one)."""
    if unit_id is not None or metric in COOPERATIVE_METRICS:
        return plans.get((unit_id, metric))
    found = [v for (u, m), v in plans.items() if m == metric]
    if not found:
        return None
    return [sum(col) for col in zip(*found, strict=True)]


def target_for(
    coop: Cooperative, year: int, month_index: int, metric: str, unit_id: int | None = None
) -> int | None:
    """One month's target; None when there is no plan. ``unit_id`` None for sales, margin or
    loans means every unit together."""
    targets = _targets(planned(coop, year), metric, unit_id)
    return None if targets is None else targets[month_index - 1]


# --- comparing ------------------------------------------------------------------------------


def percent(actual: int | None, target: int | None) -> Decimal | None:
    """Achievement in percent to one decimal (half up); None without a positive target."""
    if actual is None or not target:
        return None
    return (Decimal(actual) * 100 / Decimal(target)).quantize(ONE_DP, rounding=ROUND_HALF_UP)


@dataclass
class Row:
    index: int  # 1..12 within the fiscal year
    label: str  # "Juli 2025"
    first_day: date
    target: int | None
    actual: int | None  # None: the month has not begun
    pct: Decimal | None
    cum_target: int | None
    cum_actual: int | None
    cum_pct: Decimal | None

    @property
    def future(self) -> bool:
        return self.actual is None


@dataclass
class Comparison:
    """Twelve rows (iterate it like the list of rows) plus the totals: the annual target, and
    the target and actual of the months begun so far."""

    year: int
    unit_id: int | None
    metric: str
    rows: list[Row] = field(default_factory=list)
    annual_target: int | None = None
    target_to_date: int | None = None
    actual_to_date: int | None = None
    pct_to_date: Decimal | None = None
    pct_of_annual: Decimal | None = None
    months_elapsed: int = 0

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i: int) -> Row:
        return self.rows[i]

    @property
    def is_level(self) -> bool:
        return self.metric in LEVEL_METRICS

    @property
    def has_plan(self) -> bool:
        return self.annual_target is not None


def comparison(
    coop: Cooperative,
    year: int,
    unit_id: int | None,
    metric: str,
    *,
    actuals: Actuals | None = None,
    plans: dict | None = None,
) -> Comparison:
    """Target against actual for each month of fiscal year ``year``, with % achieved and
    running totals; months that have not begun show the target only. ``actuals``/``plans``
    let a page comparing many units read the books and the plan once."""
    if metric not in METRICS:
        raise ValidationError("Jenis target tidak dikenal.", field="metric")
    actuals = actuals or Actuals(coop, year)
    plans = planned(coop, year) if plans is None else plans
    targets = _targets(plans, metric, unit_id)
    values = actuals.series(metric, unit_id)
    level = metric in LEVEL_METRICS
    out = Comparison(year, unit_id, metric, months_elapsed=actuals.elapsed)
    cum_t = cum_a = 0
    for i in range(12):
        target = targets[i] if targets is not None else None
        actual = values[i]
        cum_t = target if level else cum_t + (target or 0)
        if actual is not None:
            cum_a = actual if level else cum_a + actual
        ct = cum_t if targets is not None else None
        ca = cum_a if actual is not None else None
        out.rows.append(
            Row(i + 1, month_label(coop, year, i + 1), month_range(coop, year, i + 1)[0],
                target, actual, percent(actual, target), ct, ca, percent(ca, ct))
        )  # fmt: skip
    begun = [r for r in out.rows if r.actual is not None]
    if targets is not None:
        out.annual_target = targets[-1] if level else sum(targets)
        out.target_to_date = begun[-1].cum_target if begun else 0
    if begun:
        out.actual_to_date = begun[-1].cum_actual
    out.pct_to_date = percent(out.actual_to_date, out.target_to_date)
    out.pct_of_annual = percent(out.actual_to_date, out.annual_target)
    return out


def suggestion(actuals: Actuals, metric: str, unit_id: int | None, growth: Decimal) -> list[int]:
    """Last year's monthly actuals grown by ``growth`` percent (half up; never below zero):
    the "copy from last year" starting point of a new plan, for the user to adjust."""
    factor = (Decimal(100) + growth) / 100
    values = actuals.series(metric, unit_id)
    return [max(0, round_half_up(Decimal(v or 0) * factor)) for v in values]
