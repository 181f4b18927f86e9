"""Tables of the fertilizer unit: farmers (the e-RDKK registry), their allocations per type
and season, the HET price list as dated rows, which items are subsidised fertilizer of which
type, and every redemption (a refund writes a negative one).

``Allocation.redeemed_kg`` is kept in the transaction of the sale or refund that changes it;
``outlet-pos verify`` checks it equals the sum of the allocation's redemption records.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outlet_pos.core.db import utcnow
from outlet_pos.extensions import db

KG = Numeric(14, 3)

FERTILIZER_TYPES = {
    "urea": "Urea",
    "npk": "NPK",
    "npk_formula_khusus": "NPK Formula Khusus",
    "za": "ZA",
    "organik": "Organik",
}


class Farmer(db.Model):
    __tablename__ = "farmer"
    __table_args__ = (UniqueConstraint("cooperative_id", "nik"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    nik: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    poktan: Mapped[str] = mapped_column(String(100), default="")  # kelompok tani
    desa: Mapped[str] = mapped_column(String(100), default="")
    land_ha: Mapped[Decimal] = mapped_column(Numeric(10, 3), default=Decimal(0))
    commodities: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    member = relationship("Member")


class Allocation(db.Model):
    """A farmer's e-RDKK allocation of one fertilizer type for one season."""

    __tablename__ = "fertilizer_allocation"
    __table_args__ = (UniqueConstraint("cooperative_id", "farmer_id", "fertilizer_type", "season"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    farmer_id: Mapped[int] = mapped_column(ForeignKey("farmer.id"), index=True)
    fertilizer_type: Mapped[str] = mapped_column(String(30))
    season: Mapped[str] = mapped_column(String(10))  # 2026-MT1
    kg: Mapped[Decimal] = mapped_column(KG)
    redeemed_kg: Mapped[Decimal] = mapped_column(KG, default=Decimal(0))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    farmer: Mapped[Farmer] = relationship()

    @property
    def remaining_kg(self) -> Decimal:
        return self.kg - self.redeemed_kg


class HetPrice(db.Model):
    """Harga eceran tertinggi per kg of one type, valid over a date range (open-ended when
    ``valid_to`` is empty)."""

    __tablename__ = "het_price"
    __table_args__ = (
        Index("ix_het_price_type_from", "cooperative_id", "fertilizer_type", "valid_from"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    fertilizer_type: Mapped[str] = mapped_column(String(30))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    rp_per_kg: Mapped[int] = mapped_column(BigInteger)
    bag_kg: Mapped[int | None] = mapped_column(Integer)
    rp_per_bag: Mapped[int | None] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SubsidisedItem(db.Model):
    """Marks a catalog item as subsidised fertilizer of one type (its stock sits in 114200)."""

    __tablename__ = "pupuk_item"

    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    fertilizer_type: Mapped[str] = mapped_column(String(30))


class Redemption(db.Model):
    __tablename__ = "fertilizer_redemption"
    __table_args__ = (
        Index("ix_redemption_allocation", "allocation_id"),
        Index("ix_redemption_coop_day", "cooperative_id", "day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    farmer_id: Mapped[int] = mapped_column(ForeignKey("farmer.id"), index=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("fertilizer_allocation.id"))
    fertilizer_type: Mapped[str] = mapped_column(String(30))
    season: Mapped[str] = mapped_column(String(10))
    kg: Mapped[Decimal] = mapped_column(KG)  # negative for a refund
    amount: Mapped[int] = mapped_column(BigInteger, default=0)
    day: Mapped[date] = mapped_column(Date)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sale.id"), index=True)
    sale_line_id: Mapped[int | None] = mapped_column(ForeignKey("sale_line.id"))
    cashier_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    proxy_nik: Mapped[str] = mapped_column(String(16), default="")
    proxy_name: Mapped[str] = mapped_column(String(200), default="")
    proxy_letter: Mapped[str] = mapped_column(String(300), default="")
    photo_path: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    farmer: Mapped[Farmer] = relationship()
