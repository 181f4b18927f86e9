"""Month close as a checklist: every registered item must pass (or be waived with a reason)
before the month is locked. The lock itself is ``ledger.periods.close_month``; reopening stays
``reopen_month`` (pengurus, with a reason, audited)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from outlet_pos.core.audit import record
from outlet_pos.core.closing.checklist import ChecklistItem, ItemResult, items, register_item
from outlet_pos.core.closing.models import MonthCloseWaiver
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.ledger.models import MONTHS_ID, JournalEntry, Period
from outlet_pos.core.ledger.periods import close_month
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db


@dataclass
class ChecklistRow:
    item: ChecklistItem
    result: ItemResult
    waiver: MonthCloseWaiver | None

    @property
    def passed(self) -> bool:
        return (not self.result.applies) or self.result.ok or self.waiver is not None


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def checklist(coop: Cooperative, year: int, month: int) -> list[ChecklistRow]:
    waivers = {
        w.item: w
        for w in db.session.scalars(
            select(MonthCloseWaiver).where(
                MonthCloseWaiver.cooperative_id == coop.id,
                MonthCloseWaiver.year == year,
                MonthCloseWaiver.month == month,
            )
        )
    }
    return [
        ChecklistRow(item, item.check(coop, year, month), waivers.get(item.key)) for item in items()
    ]


def waive(coop: Cooperative, year: int, month: int, key: str, reason: str, user) -> None:
    """Set one waivable item aside for the month (e.g. no stock count this month, and why)."""
    item = next((i for i in items() if i.key == key), None)
    if item is None or not item.waivable:
        raise ValidationError("Butir ini tidak dapat dilewati.")
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError("Tuliskan alasan (minimal 5 karakter).", field="reason")
    exists = db.session.scalar(
        select(MonthCloseWaiver).where(
            MonthCloseWaiver.cooperative_id == coop.id,
            MonthCloseWaiver.year == year,
            MonthCloseWaiver.month == month,
            MonthCloseWaiver.item == key,
        )
    )
    if exists is not None:
        raise DomainError("Butir ini sudah dilewati untuk bulan tersebut.")
    db.session.add(
        MonthCloseWaiver(
            cooperative_id=coop.id,
            year=year,
            month=month,
            item=key,
            reason=reason[:300],
            user_id=getattr(user, "id", user),
        )
    )
    record(
        "period.waive",
        user=user,
        cooperative=coop,
        target=f"{MONTHS_ID[month - 1]} {year}",
        detail={"item": key, "reason": reason},
    )
    db.session.flush()


def close_month_checked(coop: Cooperative, year: int, month: int, user) -> Period:
    """Lock the month once every checklist item passes; the refusal names what is missing."""
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise ValidationError("Bulan atau tahun tidak valid.")
    failing = [row for row in checklist(coop, year, month) if not row.passed]
    if failing:
        names = "; ".join(f"{row.item.label} ({row.result.detail})" for row in failing)
        raise DomainError(f"Bulan belum dapat ditutup: {names}.")
    return close_month(coop, year, month, user)


# --- built-in items --------------------------------------------------------------------------


def _previous_closed(coop: Cooperative, year: int, month: int) -> ItemResult:
    py, pm = (year, month - 1) if month > 1 else (year - 1, 12)
    first_day = db.session.scalar(
        select(func.min(JournalEntry.date)).where(JournalEntry.cooperative_id == coop.id)
    )
    if first_day is None or (first_day.year, first_day.month) > (py, pm):
        return ItemResult(True, "Tidak ada bulan sebelumnya", applies=False)
    closed = db.session.scalar(
        select(Period.closed).where(
            Period.cooperative_id == coop.id, Period.year == py, Period.month == pm
        )
    )
    label = f"{MONTHS_ID[pm - 1]} {py}"
    if closed:
        return ItemResult(True, f"{label} sudah ditutup")
    return ItemResult(False, f"{label} belum ditutup", "bendahara.periods")


def _shifts_closed(coop: Cooperative, year: int, month: int) -> ItemResult:
    from outlet_pos.core.sales.models import Shift

    _first, last = month_bounds(year, month)
    still_open = db.session.scalar(
        select(func.count(Shift.id)).where(
            Shift.cooperative_id == coop.id, Shift.status == "open", Shift.business_date <= last
        )
    )
    if still_open:
        return ItemResult(False, f"{still_open} shift kasir masih terbuka", "kasir.shift")
    return ItemResult(True, "Semua shift kasir sudah ditutup")


def _stock_counted(coop: Cooperative, year: int, month: int) -> ItemResult:
    from outlet_pos.core.inventory.counting_models import StockCount
    from outlet_pos.core.inventory.models import StockLevel

    first, last = month_bounds(year, month)
    has_stock = db.session.scalar(
        select(func.count(StockLevel.id)).where(
            StockLevel.cooperative_id == coop.id, StockLevel.on_hand != 0
        )
    )
    if not has_stock:
        return ItemResult(True, "Tidak ada persediaan", applies=False)
    posted = db.session.scalar(
        select(func.count(StockCount.id)).where(
            StockCount.cooperative_id == coop.id,
            StockCount.status == "posted",
            StockCount.date >= first,
            StockCount.date <= last,
        )
    )
    if posted:
        return ItemResult(True, f"{posted} stok opname diposting bulan ini")
    return ItemResult(False, "Belum ada stok opname yang diposting bulan ini", "sembako.counts")


def _year_closed(coop: Cooperative, year: int, month: int) -> ItemResult:
    from outlet_pos.core.closing.year_end import fiscal_bounds, is_year_closed, year_close_of

    start = coop.fiscal_year_start_month or 1
    fy = year if month >= start else year - 1
    _first, last = fiscal_bounds(coop, fy)
    # The year's last month needs the close; any month of a year already closed needs the
    # close to be whole again (a month reopened for a correction).
    if (last.year, last.month) != (year, month) and year_close_of(coop, fy) is None:
        return ItemResult(True, "Bukan akhir tahun buku", applies=False)
    if is_year_closed(coop, fy):
        return ItemResult(True, f"Tahun buku {fy} sudah ditutup")
    return ItemResult(
        False,
        f"Tutup tahun buku {fy} belum dilakukan atau perlu diulang setelah koreksi",
        "bendahara.year_close",
        {"year": fy},
    )


register_item("previous", "Bulan sebelumnya sudah ditutup", _previous_closed, order=5)
register_item("shifts", "Semua shift kasir ditutup", _shifts_closed, order=10)
register_item(
    "stock_count", "Stok opname dilakukan (atau dilewati dengan alasan)", _stock_counted,
    order=50, waivable=True,
)  # fmt: skip
register_item("year_end", "Tutup tahun buku (bulan terakhir tahun buku)", _year_closed, order=90)
