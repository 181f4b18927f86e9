"""Stock tables. ``stock_move`` and ``stock_level`` keep these names and columns (``item_id``,
``location_id``, signed ``qty`` in base units; ``on_hand``, integer ``value``).

Quantities are ``Numeric(18, 3)`` in the item's base unit. Value is kept per item and
location at moving average (integer rupiah); batch-tracked items also keep per-batch
quantities in ``batch_level`` so issues can go first-expiry-first-out.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
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

QTY = Numeric(18, 3)
FACTOR = Numeric(18, 6)

MOVE_KINDS = {
    "receive": "Penerimaan barang",
    "sale": "Penjualan",
    "refund": "Retur penjualan",
    "transfer_out": "Transfer keluar",
    "transfer_in": "Transfer masuk",
    "count": "Selisih stok opname",
    "write_off": "Penghapusan (rusak/kedaluwarsa)",
    "purchase_return": "Retur pembelian",
    "opening": "Saldo awal",
    "consume": "Pemakaian",
}


class Item(db.Model):
    __tablename__ = "item"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "sku"),
        CheckConstraint("decimals >= 0 AND decimals <= 3", name="decimals"),
        CheckConstraint("reorder_point >= 0", name="reorder_point"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("business_unit.id"))  # business unit
    sku: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(80), default="")
    base_uom: Mapped[str] = mapped_column(String(20))  # "pcs", "kg", "liter", "tablet"
    decimals: Mapped[int] = mapped_column(Integer, default=0)  # allowed places in base unit
    taxable: Mapped[bool] = mapped_column(Boolean, default=True)  # PPN if the coop is PKP
    track_batch: Mapped[bool] = mapped_column(Boolean, default=False)
    reorder_point: Mapped[Decimal] = mapped_column(QTY, default=Decimal(0))
    inventory_account: Mapped[str] = mapped_column(String(6), default="114100")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    units: Mapped[list[ItemUnit]] = relationship(
        back_populates="item", order_by="ItemUnit.factor", cascade="all, delete-orphan"
    )
    business_unit = relationship("BusinessUnit")

    @property
    def base(self) -> ItemUnit:
        return next(u for u in self.units if u.factor == 1)


class ItemUnit(db.Model):
    """A unit of measure an item is sold or bought in: the base (factor 1) or a pack
    (sack of 50 kg, carton of 40 pcs, strip of 10 tablets), each with its own prices."""

    __tablename__ = "item_unit"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "item_id", "name"),
        CheckConstraint("factor > 0", name="factor_positive"),
        CheckConstraint("price_member >= 0 AND price_general >= 0", name="prices"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    name: Mapped[str] = mapped_column(String(20))
    factor: Mapped[Decimal] = mapped_column(FACTOR)  # base units in one of these
    price_member: Mapped[int] = mapped_column(BigInteger, default=0)
    price_general: Mapped[int] = mapped_column(BigInteger, default=0)

    item: Mapped[Item] = relationship(back_populates="units")


class ItemBarcode(db.Model):
    """A barcode names an item in one unit of measure (a carton has its own code)."""

    __tablename__ = "item_barcode"
    __table_args__ = (UniqueConstraint("cooperative_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    item_unit_id: Mapped[int] = mapped_column(ForeignKey("item_unit.id"))
    code: Mapped[str] = mapped_column(String(40))

    item: Mapped[Item] = relationship()
    item_unit: Mapped[ItemUnit] = relationship()


class Location(db.Model):
    __tablename__ = "location"
    __table_args__ = (UniqueConstraint("cooperative_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("business_unit.id"))
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    outlet = relationship("Outlet")


class Batch(db.Model):
    __tablename__ = "batch"
    __table_args__ = (UniqueConstraint("cooperative_id", "item_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    expiry: Mapped[date | None] = mapped_column(Date)


class StockLevel(db.Model):
    __tablename__ = "stock_level"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "item_id", "location_id"),
        # The old unique index served lookups by item and location without the cooperative
        # (level_for, reports, verify); PostgreSQL 15 cannot skip the leading column.
        Index("ix_stock_level_item_id_location_id", "item_id", "location_id"),
        CheckConstraint("on_hand >= 0", name="on_hand_non_negative"),
        CheckConstraint("value >= 0", name="value_non_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    on_hand: Mapped[Decimal] = mapped_column(QTY, default=Decimal(0))
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class BatchLevel(db.Model):
    __tablename__ = "batch_level"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "batch_id", "location_id"),
        # As for stock_level: lookups by batch and location do not name the cooperative.
        Index("ix_batch_level_batch_id_location_id", "batch_id", "location_id"),
        CheckConstraint("on_hand >= 0", name="on_hand_non_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    on_hand: Mapped[Decimal] = mapped_column(QTY, default=Decimal(0))

    batch: Mapped[Batch] = relationship()


class StockMove(db.Model):
    """One movement of stock, signed: + in, - out; ``value`` is its cost in rupiah, signed."""

    __tablename__ = "stock_move"
    __table_args__ = (
        Index("ix_stock_move_item_location", "item_id", "location_id", "id"),
        CheckConstraint("qty <> 0", name="qty_non_zero"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batch.id"))
    qty: Mapped[Decimal] = mapped_column(QTY)
    value: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(64), default="")  # e.g. "sale:GR01-20261130-0007"
    date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped[Item] = relationship()
    batch: Mapped[Batch | None] = relationship()
