"""Counter tables: shifts, sales (and refunds, which are sales of kind "refund"), their lines
and payments, and gapless document sequences."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outlet_pos.core.db import time_ordered_uuid, utcnow
from outlet_pos.extensions import db

QTY = Numeric(18, 3)

PAYMENT_METHODS = {
    "tunai": "Tunai",
    "qris": "QRIS",
    "transfer": "Transfer",
    "kredit": "Kredit anggota",
}
SALE_STATUSES = {
    "paid": "Lunas",
    "partially_refunded": "Retur sebagian",
    "refunded": "Diretur",
}
DENOMINATIONS = [100_000, 50_000, 20_000, 10_000, 5_000, 2_000, 1_000, 500, 200, 100]


class DocSequence(db.Model):
    """A gapless counter (receipt numbers per outlet per day, ...), row-locked while used."""

    __tablename__ = "doc_sequence"
    __table_args__ = (UniqueConstraint("cooperative_id", "name", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    name: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(20))
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class Shift(db.Model):
    __tablename__ = "shift"
    __table_args__ = (
        # One open shift per cashier and cooperative: a second "open" would split the drawer
        # in two. A cashier may work for two cooperatives; each has its own drawer.
        Index(
            "uq_shift_cooperative_id_user_id",
            "cooperative_id",
            "user_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        CheckConstraint("float_amount >= 0", name="float_non_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    business_date: Mapped[date] = mapped_column(Date)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(String(10), default="open")
    float_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    expected_cash: Mapped[int | None] = mapped_column(BigInteger)
    counted_cash: Mapped[int | None] = mapped_column(BigInteger)
    over_short: Mapped[int | None] = mapped_column(BigInteger)
    denominations_json: Mapped[str] = mapped_column(Text, default="{}")
    close_note: Mapped[str] = mapped_column(String(300), default="")

    user = relationship("User")
    outlet = relationship("Outlet")

    @property
    def denominations(self) -> dict[str, int]:
        return json.loads(self.denominations_json or "{}")


class Sale(db.Model):
    __tablename__ = "sale"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "number"),
        UniqueConstraint("cooperative_id", "idempotency_key"),
        UniqueConstraint("cooperative_id", "public_id"),
        Index("ix_sale_coop_date", "cooperative_id", "date"),
        CheckConstraint("total >= 0", name="total_non_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), default=time_ordered_uuid)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id"))
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shift.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="sale")  # sale | refund
    number: Mapped[str] = mapped_column(String(40))
    date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cashier_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    customer_name: Mapped[str] = mapped_column(String(120), default="")
    price_tier: Mapped[str] = mapped_column(String(10), default="general")
    subtotal: Mapped[int] = mapped_column(BigInteger, default=0)
    discount_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    tax_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    dpp_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    change_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(20), default="paid")
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(64))
    refund_of_id: Mapped[int | None] = mapped_column(ForeignKey("sale.id"))
    reason: Mapped[str] = mapped_column(String(300), default="")
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reprints: Mapped[int] = mapped_column(Integer, default=0)

    lines: Mapped[list[SaleLine]] = relationship(
        back_populates="sale", order_by="SaleLine.line_no", foreign_keys="SaleLine.sale_id"
    )
    payments: Mapped[list[Payment]] = relationship(back_populates="sale", order_by="Payment.id")
    cashier = relationship("User", foreign_keys=[cashier_id])
    approved_by = relationship("User", foreign_keys=[approved_by_id])
    member = relationship("Member")
    outlet = relationship("Outlet")
    refund_of: Mapped[Sale | None] = relationship(remote_side="Sale.id")


class SaleLine(db.Model):
    __tablename__ = "sale_line"
    __table_args__ = (
        CheckConstraint("base_qty > 0", name="qty_positive"),
        CheckConstraint("refunded_qty >= 0 AND refunded_qty <= base_qty", name="refunded"),
        CheckConstraint("unit_price >= 0 AND discount_amount >= 0", name="amounts"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    sale_id: Mapped[int] = mapped_column(ForeignKey("sale.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    item_unit_id: Mapped[int] = mapped_column(ForeignKey("item_unit.id"))
    business_unit_id: Mapped[int] = mapped_column(ForeignKey("business_unit.id"))
    name: Mapped[str] = mapped_column(String(200))
    unit_name: Mapped[str] = mapped_column(String(20))
    qty: Mapped[Decimal] = mapped_column(QTY)  # in the unit sold
    base_qty: Mapped[Decimal] = mapped_column(QTY)
    list_price: Mapped[int] = mapped_column(BigInteger)  # catalog price for the tier
    unit_price: Mapped[int] = mapped_column(BigInteger)  # charged (differs if overridden)
    discount_amount: Mapped[int] = mapped_column(BigInteger, default=0)  # line + receipt share
    total: Mapped[int] = mapped_column(BigInteger)  # what the customer pays for this line
    tax_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    cost: Mapped[int] = mapped_column(BigInteger, default=0)
    refunded_qty: Mapped[Decimal] = mapped_column(QTY, default=Decimal(0))  # base units
    refund_of_line_id: Mapped[int | None] = mapped_column(ForeignKey("sale_line.id"))

    sale: Mapped[Sale] = relationship(back_populates="lines", foreign_keys=[sale_id])
    item = relationship("Item")


class Payment(db.Model):
    __tablename__ = "payment"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    sale_id: Mapped[int] = mapped_column(ForeignKey("sale.id"), index=True)
    method: Mapped[str] = mapped_column(String(10))
    amount: Mapped[int] = mapped_column(BigInteger)  # tendered (cash may exceed; see change)
    reference: Mapped[str] = mapped_column(String(64), default="")

    sale: Mapped[Sale] = relationship(back_populates="payments")

    @property
    def label(self) -> str:
        return PAYMENT_METHODS.get(self.method, self.method)
