"""Tables of SHU: the cooperative's settings, each year's distribution and members' shares."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outlet_pos.core.db import utcnow
from outlet_pos.extensions import db


class ShuSettings(db.Model):
    """How members' base figures are counted (AD/ART): whether sukarela joins the capital
    base, and each unit's weight in the transaction base (percent, default 100)."""

    __tablename__ = "shu_settings"
    __table_args__ = (UniqueConstraint("cooperative_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    include_sukarela: Mapped[bool] = mapped_column(Boolean, default=False)
    unit_weights_json: Mapped[str] = mapped_column(Text, default="{}")


class ShuDistribution(db.Model):
    """One fiscal year's SHU shared out after the annual meeting (RAT): posted once."""

    __tablename__ = "shu_distribution"
    __table_args__ = (UniqueConstraint("cooperative_id", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    year: Mapped[int] = mapped_column(Integer)
    shu_amount: Mapped[int] = mapped_column(BigInteger)
    pools_json: Mapped[str] = mapped_column(Text)
    allocation_json: Mapped[str] = mapped_column(Text)
    rat_date: Mapped[date] = mapped_column(Date)
    decision_number: Mapped[str] = mapped_column(String(100))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    shares: Mapped[list[ShuShare]] = relationship(
        back_populates="distribution", order_by="ShuShare.member_number"
    )


class ShuShare(db.Model):
    """A member's SHU for the year, and its payout (cash at the counter or into sukarela)."""

    __tablename__ = "shu_share"
    __table_args__ = (UniqueConstraint("cooperative_id", "distribution_id", "member_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    distribution_id: Mapped[int] = mapped_column(ForeignKey("shu_distribution.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    member_number: Mapped[str] = mapped_column(String(30))
    capital_base: Mapped[int] = mapped_column(BigInteger, default=0)
    transactions: Mapped[int] = mapped_column(BigInteger, default=0)
    jasa_modal: Mapped[int] = mapped_column(BigInteger, default=0)
    jasa_usaha: Mapped[int] = mapped_column(BigInteger, default=0)
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_on: Mapped[date | None] = mapped_column(Date)
    paid_via: Mapped[str] = mapped_column(String(10), default="")  # tunai | sukarela
    payout_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    distribution: Mapped[ShuDistribution] = relationship(back_populates="shares")
    member = relationship("Member")
