"""Daily close: every shift of the day closed, the day's cash deposited (or why it is kept).

The figures come from the ledger (cash is derived, DESIGN §2.5); the ``DailyClose`` row is
the treasurer's signature on the day, with a snapshot for the record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from outlet_pos.core.audit import record
from outlet_pos.core.closing.models import DailyClose
from outlet_pos.core.db import lock_for_update
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.ledger.models import SOURCE_LABELS, Account, JournalEntry, JournalLine
from outlet_pos.core.ledger.snapshots import movement
from outlet_pos.core.sales.models import Shift
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db

KAS = "111100"


@dataclass
class DaySummary:
    day: date
    shifts: list[Shift] = field(default_factory=list)
    by_source: list[tuple[str, int, int]] = field(default_factory=list)  # label, in, out
    opening: int = 0
    cash_in: int = 0
    cash_out: int = 0
    deposited: int = 0  # cash moved to a bank account this day (source "transfer")
    closed: DailyClose | None = None

    @property
    def closing(self) -> int:
        return self.opening + self.cash_in - self.cash_out

    @property
    def open_shifts(self) -> list[Shift]:
        return [s for s in self.shifts if s.status == "open"]


def day_summary(coop: Cooperative, day: date) -> DaySummary:
    kas_id = db.session.scalar(
        select(Account.id).where(Account.cooperative_id == coop.id, Account.code == KAS)
    )
    out = DaySummary(day)
    out.shifts = list(
        db.session.scalars(
            select(Shift)
            .where(Shift.cooperative_id == coop.id, Shift.business_date == day)
            .order_by(Shift.id)
        )
    )
    # Closed months from their snapshots, the rest from the lines.
    out.opening = int(movement(coop.id, None, day - timedelta(days=1)).get(kas_id, 0))
    rows = db.session.execute(
        select(JournalEntry.source, func.sum(JournalLine.debit), func.sum(JournalLine.credit))
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(
            JournalLine.cooperative_id == coop.id,
            JournalLine.account_id == kas_id,
            JournalLine.entry_date == day,
        )
        .group_by(JournalEntry.source)
        .order_by(JournalEntry.source)
    )
    for source, debit, credit in rows:
        out.by_source.append((SOURCE_LABELS.get(source, source), int(debit), int(credit)))
        out.cash_in += int(debit)
        out.cash_out += int(credit)
        if source == "transfer":
            out.deposited += int(credit) - int(debit)
    out.closed = db.session.scalar(
        select(DailyClose).where(DailyClose.cooperative_id == coop.id, DailyClose.day == day)
    )
    return out


def close_day(coop: Cooperative, day: date, user, note: str = "") -> DailyClose:
    """Sign off the day (flush only). Refused while a shift of the day is open, twice, for a
    future day, or when cash is left in the till with neither a deposit nor a reason."""
    if not isinstance(day, date):
        raise ValidationError("Tanggal tidak valid.", field="day")
    if day > coop.today():
        raise ValidationError("Hari yang belum berjalan tidak dapat ditutup.", field="day")
    note = (note or "").strip()
    # Two treasurers closing the same day queue here; the second sees the first's close.
    db.session.execute(
        lock_for_update(select(Cooperative.id).where(Cooperative.id == coop.id), key_share=True)
    ).scalar_one()
    summary = day_summary(coop, day)
    if summary.closed is not None:
        raise DomainError("Hari ini sudah ditutup.")
    # A shift opened on an earlier day and still open also takes cash on this day.
    still_open = list(
        db.session.scalars(
            select(Shift).where(
                Shift.cooperative_id == coop.id, Shift.status == "open", Shift.business_date <= day
            )
        )
    )
    if still_open:
        names = ", ".join(f"#{s.id}" for s in still_open)
        raise DomainError(f"Masih ada shift kasir yang terbuka ({names}); tutup shift dahulu.")
    if summary.closing > 0 and summary.deposited <= 0 and len(note) < 5:
        raise ValidationError(
            "Setorkan kas ke bank, atau tuliskan alasan kas disimpan (minimal 5 karakter).",
            field="note",
        )
    row = DailyClose(
        cooperative_id=coop.id,
        day=day,
        shifts=len(summary.shifts),
        cash_in=summary.cash_in,
        cash_out=summary.cash_out,
        cash_balance=summary.closing,
        deposited=max(summary.deposited, 0),
        note=note[:300],
        closed_by_id=getattr(user, "id", user),
    )
    db.session.add(row)
    record("day.close", user=user, cooperative=coop, target=day.isoformat())
    db.session.flush()
    return row
