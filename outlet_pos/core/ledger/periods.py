"""Month close and audited reopen: a closed month refuses every posting dated in it."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from sqlalchemy import select

from outlet_pos.core.audit import record
from outlet_pos.core.db import lock_for_update, utcnow
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.ledger.models import MONTHS_ID, Period
from outlet_pos.core.ledger.snapshots import drop_snapshot, write_snapshot
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db


def _period(coop: Cooperative, year: int, month: int) -> Period:
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise ValidationError("Bulan atau tahun tidak valid.")
    # The cooperative row first, as post() takes it: a posting in flight finishes before the
    # month closes, or starts after and sees it closed.
    db.session.execute(
        lock_for_update(select(Cooperative.id).where(Cooperative.id == coop.id), key_share=True)
    ).scalar_one()
    period = db.session.execute(
        lock_for_update(
            select(Period).where(
                Period.cooperative_id == coop.id, Period.year == year, Period.month == month
            )
        )
    ).scalar_one_or_none()
    if period is None:
        period = Period(cooperative_id=coop.id, year=year, month=month, closed=False)
        db.session.add(period)
        db.session.flush()
    return period


def close_month(coop: Cooperative, year: int, month: int, user) -> Period:
    """Lock a month once it has ended; later issues add the checklist in front of this."""
    label = f"{MONTHS_ID[month - 1]} {year}" if 1 <= month <= 12 else str(month)
    period = _period(coop, year, month)
    if period.closed:
        raise DomainError(f"Periode {label} sudah ditutup.")
    last_day = date(year, month, calendar.monthrange(year, month)[1])
    if last_day >= coop.today():
        raise DomainError(f"Periode {label} belum berakhir; tutup bulan setelah akhir bulan.")
    period.closed = True
    period.closed_at = utcnow()
    period.closed_by_id = getattr(user, "id", user)
    # The month can no longer change: keep its totals so statements need not re-read it.
    write_snapshot(coop.id, year, month)
    record("period.close", user=user, cooperative=coop, target=label)
    db.session.flush()
    return period


def reopen_month(coop: Cooperative, year: int, month: int, reason: str, user) -> Period:
    """Reopen a closed month: a manager's decision with a reason, always audited."""
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError(
            "Tuliskan alasan membuka kembali periode (minimal 5 karakter).", field="reason"
        )
    period = _period(coop, year, month)
    if not period.closed:
        raise DomainError(f"Periode {period.label} tidak dalam keadaan tertutup.")
    _guard_closed_year(coop, year, month)
    period.closed = False
    period.closed_at = None
    period.closed_by_id = None
    drop_snapshot(coop.id, year, month)
    record(
        "period.reopen", user=user, cooperative=coop, target=period.label, detail={"reason": reason}
    )
    db.session.flush()
    return period


def _guard_closed_year(coop: Cooperative, year: int, month: int) -> None:
    """A month of a closed fiscal year reopens only if the year can be closed again: its SHU
    not yet shared out (after the RAT, corrections belong to the current year), and the months
    the re-close posts into — the year's last month and the next year's first — open."""
    from outlet_pos.core.closing.year_end import fiscal_bounds, year_close_of
    from outlet_pos.core.shu.models import ShuDistribution

    start = coop.fiscal_year_start_month or 1
    fy = year if month >= start else year - 1
    if year_close_of(coop, fy) is None:
        return
    if db.session.scalar(
        select(ShuDistribution.id).where(
            ShuDistribution.cooperative_id == coop.id, ShuDistribution.year == fy
        )
    ):
        raise DomainError(
            f"SHU tahun buku {fy} sudah dibagikan menurut keputusan RAT; koreksi dibukukan "
            "di tahun berjalan, bulan itu tidak dibuka kembali."
        )
    first, last = fiscal_bounds(coop, fy)
    next_first = last + timedelta(days=1)
    for y, m in ((last.year, last.month), (next_first.year, next_first.month)):
        if (y, m) == (year, month):
            continue
        closed = db.session.scalar(
            select(Period.closed).where(
                Period.cooperative_id == coop.id, Period.year == y, Period.month == m
            )
        )
        if closed:
            raise DomainError(
                f"Tahun buku {fy} sudah ditutup: buka kembali {MONTHS_ID[m - 1]} {y} lebih dulu, "
                "agar tutup tahun dapat diulang setelah koreksi."
            )


def periods_overview(coop: Cooperative) -> list[dict]:
    """Every month from the first posting (or this month) to today, newest first."""
    from sqlalchemy import func

    from outlet_pos.core.ledger.models import JournalEntry

    today = coop.today()
    first = (
        db.session.scalar(
            select(func.min(JournalEntry.date)).where(JournalEntry.cooperative_id == coop.id)
        )
        or today
    )
    months = (today.year - first.year) * 12 + today.month - first.month + 1
    closed = {
        (p.year, p.month): p
        for p in db.session.scalars(select(Period).where(Period.cooperative_id == coop.id))
    }
    out = []
    y, m = today.year, today.month
    for _ in range(months):
        p = closed.get((y, m))
        out.append(
            {
                "year": y,
                "month": m,
                "label": f"{MONTHS_ID[m - 1]} {y}",
                "closed": bool(p and p.closed),
                "period": p,
                "ended": date(y, m, calendar.monthrange(y, m)[1]) < today,
            }
        )
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out
