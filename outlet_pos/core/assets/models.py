"""Tables of the fixed-asset register: the assets, and the monthly depreciation runs with one
line per asset (so each asset's accumulated depreciation is the sum of its lines)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outlet_pos.core.db import time_ordered_uuid, utcnow
from outlet_pos.extensions import db

STATUSES = {"active": "Aktif", "disposed": "Dilepas"}
DISPOSAL_KINDS = {"sale": "Dijual", "writeoff": "Dihapus (rusak/hilang)"}


class FixedAsset(db.Model):
    __tablename__ = "fixed_asset"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "code"),
        UniqueConstraint("cooperative_id", "public_id"),
        CheckConstraint("cost > 0", name="cost_positive"),
        CheckConstraint("residual_amount >= 0 AND residual_amount < cost", name="residual"),
        CheckConstraint("life_months BETWEEN 1 AND 600", name="life_months"),
        CheckConstraint("status IN ('active', 'disposed')", name="status"),
        CheckConstraint("proceeds_amount >= 0", name="proceeds_non_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), default=time_ordered_uuid)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("business_unit.id"))
    acquired_on: Mapped[date] = mapped_column(Date)
    cost: Mapped[int] = mapped_column(BigInteger)
    residual_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    life_months: Mapped[int] = mapped_column(Integer)
    location: Mapped[str] = mapped_column(String(120), default="")
    notes: Mapped[str] = mapped_column(String(300), default="")
    funding_account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    status: Mapped[str] = mapped_column(String(10), default="active")
    disposed_on: Mapped[date | None] = mapped_column(Date)
    disposal_kind: Mapped[str] = mapped_column(String(10), default="")
    disposal_reason: Mapped[str] = mapped_column(String(300), default="")
    proceeds_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    proceeds_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    disposal_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    account = relationship("Account", foreign_keys=[account_id])
    funding_account = relationship("Account", foreign_keys=[funding_account_id])
    proceeds_account = relationship("Account", foreign_keys=[proceeds_account_id])
    unit = relationship("BusinessUnit")
    entry = relationship("JournalEntry", foreign_keys=[entry_id])
    disposal_entry = relationship("JournalEntry", foreign_keys=[disposal_entry_id])

    @property
    def depreciable(self) -> int:
        return self.cost - self.residual_amount

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)


class DepreciationRun(db.Model):
    """One month's depreciation for the whole cooperative: at most one per month, posted as
    one journal entry (none when nothing was due that month)."""

    __tablename__ = "depreciation_run"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "year", "month"),
        CheckConstraint("month BETWEEN 1 AND 12", name="month"),
        CheckConstraint("total_amount >= 0", name="total_non_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    total_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    entry = relationship("JournalEntry")
    lines: Mapped[list[DepreciationLine]] = relationship(
        back_populates="run", order_by="DepreciationLine.asset_id"
    )


class DepreciationLine(db.Model):
    __tablename__ = "depreciation_line"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "run_id", "asset_id"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    run_id: Mapped[int] = mapped_column(ForeignKey("depreciation_run.id"), index=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("fixed_asset.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)

    run: Mapped[DepreciationRun] = relationship(back_populates="lines")
    asset: Mapped[FixedAsset] = relationship()
