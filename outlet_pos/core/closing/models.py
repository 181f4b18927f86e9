"""Tables of the closing workflow: daily closes, month-close waivers, year closes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outlet_pos.core.db import utcnow
from outlet_pos.extensions import db


class DailyClose(db.Model):
    """A day closed by the treasurer: every shift of the day closed, the cash deposited or the
    reason it is kept. Figures are a snapshot for the record; the ledger stays the truth."""

    __tablename__ = "daily_close"
    __table_args__ = (UniqueConstraint("cooperative_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    day: Mapped[date] = mapped_column(Date)
    shifts: Mapped[int] = mapped_column(Integer, default=0)
    cash_in: Mapped[int] = mapped_column(BigInteger, default=0)
    cash_out: Mapped[int] = mapped_column(BigInteger, default=0)
    cash_balance: Mapped[int] = mapped_column(BigInteger, default=0)
    deposited: Mapped[int] = mapped_column(BigInteger, default=0)
    note: Mapped[str] = mapped_column(String(300), default="")
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    closed_at: Mapped[datetime] = mapped_column(default=utcnow)

    closed_by = relationship("User")


class MonthCloseWaiver(db.Model):
    """A checklist item set aside for one month, with the reason (e.g. no stock count)."""

    __tablename__ = "month_close_waiver"
    __table_args__ = (UniqueConstraint("cooperative_id", "year", "month", "item"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    item: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(String(300))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User")


class YearClose(db.Model):
    """A fiscal year closed: revenue and expense moved to SHU tahun berjalan (one row per year,
    so a second close finds it and changes nothing)."""

    __tablename__ = "year_close"
    __table_args__ = (UniqueConstraint("cooperative_id", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    year: Mapped[int] = mapped_column(Integer)
    shu_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    reclass_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    closed_at: Mapped[datetime] = mapped_column(default=utcnow)

    entry = relationship("JournalEntry", foreign_keys=[entry_id])
    closed_by = relationship("User")
