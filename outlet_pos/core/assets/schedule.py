"""Straight-line depreciation in integer rupiah (pure arithmetic, no database).

Convention: an asset acquired in month A is depreciated from month A+1 ("the month after
acquisition") for ``life_months`` months. Each month takes ``(cost - residual) // life``; the
last month takes what is left, so the total is exactly ``cost - residual``. Example: cost
Rp12.000.000, residual 0, 36 months -> 35 x Rp333.333 and a last month of Rp333.345.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date


def month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def from_index(index: int) -> tuple[int, int]:
    return index // 12, index % 12 + 1


def last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def monthly_amount(cost: int, residual: int, life: int) -> int:
    return (cost - residual) // life


def scheduled_through(
    cost: int, residual: int, life: int, acquired_on: date, year: int, month: int
) -> int:
    """Cumulative depreciation due from acquisition through the end of (year, month)."""
    months = month_index(year, month) - month_index(acquired_on.year, acquired_on.month)
    months = max(0, min(months, life))
    if months == life:
        return cost - residual
    return monthly_amount(cost, residual, life) * months


@dataclass(frozen=True)
class ScheduleRow:
    year: int
    month: int
    amount: int
    accumulated: int
    book_value: int


def schedule(cost: int, residual: int, life: int, acquired_on: date) -> list[ScheduleRow]:
    """Every month of the asset's life with its depreciation and the book value after it."""
    rows = []
    start = month_index(acquired_on.year, acquired_on.month)
    previous = 0
    for n in range(1, life + 1):
        year, month = from_index(start + n)
        accumulated = scheduled_through(cost, residual, life, acquired_on, year, month)
        rows.append(
            ScheduleRow(year, month, accumulated - previous, accumulated, cost - accumulated)
        )
        previous = accumulated
    return rows
