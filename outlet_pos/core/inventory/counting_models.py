"""Stock count (stock opname) documents: a count sheet, counted quantities, approval, posting."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outlet_pos.core.db import utcnow
from outlet_pos.extensions import db

QTY = Numeric(18, 3)
COUNT_STATUSES = {
    "draft": "Draf (sedang dihitung)",
    "submitted": "Menunggu persetujuan",
    "posted": "Diposting",
    "cancelled": "Dibatalkan",
}


class StockCount(db.Model):
    __tablename__ = "stock_count"
    __table_args__ = (UniqueConstraint("cooperative_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    number: Mapped[str] = mapped_column(String(30))
    date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    note: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[datetime | None] = mapped_column(default=None)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))

    lines: Mapped[list[StockCountLine]] = relationship(
        back_populates="count", order_by="StockCountLine.id", cascade="all, delete-orphan"
    )
    location = relationship("Location")
    created_by = relationship("User", foreign_keys=[created_by_id])
    approved_by = relationship("User", foreign_keys=[approved_by_id])


class StockCountLine(db.Model):
    """One item (and batch, for batch-tracked items) on the count sheet."""

    __tablename__ = "stock_count_line"
    __table_args__ = (UniqueConstraint("cooperative_id", "count_id", "item_id", "batch_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    count_id: Mapped[int] = mapped_column(ForeignKey("stock_count.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batch.id"))
    system_qty: Mapped[Decimal] = mapped_column(QTY, default=Decimal(0))  # when the sheet printed
    counted_qty: Mapped[Decimal | None] = mapped_column(QTY)
    variance_qty: Mapped[Decimal | None] = mapped_column(QTY)  # fixed at posting
    variance_value: Mapped[int | None] = mapped_column(BigInteger)  # fixed at posting

    count: Mapped[StockCount] = relationship(back_populates="lines")
    item = relationship("Item")
    batch = relationship("Batch")
