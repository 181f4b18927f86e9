"""Purchasing: suppliers, purchase orders (optional), goods receipts, supplier bills,
payments and purchase returns."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outlet_pos.core.db import time_ordered_uuid, utcnow
from outlet_pos.extensions import db

QTY = Numeric(18, 3)


class Supplier(db.Model):
    __tablename__ = "supplier"
    __table_args__ = (UniqueConstraint("cooperative_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    npwp: Mapped[str] = mapped_column(String(16), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    payment_terms_days: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class PurchaseOrder(db.Model):
    __tablename__ = "purchase_order"
    __table_args__ = (UniqueConstraint("cooperative_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"))
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id"))
    number: Mapped[str] = mapped_column(String(30))
    date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="open")  # open|received|cancelled
    note: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    supplier = relationship("Supplier")
    lines: Mapped[list[PurchaseOrderLine]] = relationship(
        back_populates="order", order_by="PurchaseOrderLine.id", cascade="all, delete-orphan"
    )


class PurchaseOrderLine(db.Model):
    __tablename__ = "purchase_order_line"
    __table_args__ = (CheckConstraint("qty > 0", name="qty_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    order_id: Mapped[int] = mapped_column(ForeignKey("purchase_order.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    item_unit_id: Mapped[int] = mapped_column(ForeignKey("item_unit.id"))
    qty: Mapped[Decimal] = mapped_column(QTY)  # in the unit ordered
    unit_cost: Mapped[int] = mapped_column(BigInteger)
    received_qty: Mapped[Decimal] = mapped_column(QTY, default=Decimal(0))

    order: Mapped[PurchaseOrder] = relationship(back_populates="lines")
    item = relationship("Item")
    item_unit = relationship("ItemUnit")


class GoodsReceipt(db.Model):
    """Goods received from a supplier: stock in at cost, Dr Persediaan / Cr Utang usaha
    (or Kas when paid on the spot), in one journal entry."""

    __tablename__ = "goods_receipt"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "number"),
        UniqueConstraint("cooperative_id", "idempotency_key"),
        UniqueConstraint("cooperative_id", "public_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), default=time_ordered_uuid)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"))
    outlet_id: Mapped[int] = mapped_column(ForeignKey("outlet.id"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_order.id"))
    number: Mapped[str] = mapped_column(String(30))
    supplier_ref: Mapped[str] = mapped_column(String(60), default="")  # supplier's delivery note
    date: Mapped[date] = mapped_column(Date)
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_cash: Mapped[bool] = mapped_column(Boolean, default=False)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    supplier = relationship("Supplier")
    lines: Mapped[list[GoodsReceiptLine]] = relationship(
        back_populates="receipt", order_by="GoodsReceiptLine.id", cascade="all, delete-orphan"
    )


class GoodsReceiptLine(db.Model):
    __tablename__ = "goods_receipt_line"
    __table_args__ = (CheckConstraint("qty > 0 AND total >= 0", name="amounts"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    receipt_id: Mapped[int] = mapped_column(ForeignKey("goods_receipt.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    item_unit_id: Mapped[int] = mapped_column(ForeignKey("item_unit.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    qty: Mapped[Decimal] = mapped_column(QTY)  # in the unit received
    base_qty: Mapped[Decimal] = mapped_column(QTY)
    total: Mapped[int] = mapped_column(BigInteger)  # line cost, rupiah
    batch_code: Mapped[str] = mapped_column(String(40), default="")
    expiry: Mapped[date | None] = mapped_column(Date)
    returned_qty: Mapped[Decimal] = mapped_column(QTY, default=Decimal(0))  # base units

    receipt: Mapped[GoodsReceipt] = relationship(back_populates="lines")
    item = relationship("Item")
    item_unit = relationship("ItemUnit")


class SupplierBill(db.Model):
    """What the cooperative owes a supplier for a receipt; paid in parts or in full."""

    __tablename__ = "supplier_bill"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "number"),
        CheckConstraint(
            "amount >= 0 AND paid_amount >= 0 AND paid_amount <= amount", name="amounts"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"), index=True)
    receipt_id: Mapped[int | None] = mapped_column(ForeignKey("goods_receipt.id"))
    number: Mapped[str] = mapped_column(String(30))
    supplier_invoice: Mapped[str] = mapped_column(String(60), default="")
    date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)
    paid_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | paid

    supplier = relationship("Supplier")
    payments: Mapped[list[SupplierPayment]] = relationship(
        back_populates="bill", order_by="SupplierPayment.id"
    )

    @property
    def outstanding(self) -> int:
        return self.amount - self.paid_amount


class SupplierPayment(db.Model):
    __tablename__ = "supplier_payment"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        UniqueConstraint("cooperative_id", "idempotency_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    bill_id: Mapped[int] = mapped_column(ForeignKey("supplier_bill.id"), index=True)
    date: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)
    account: Mapped[str] = mapped_column(String(6))  # 111100 Kas or 112100 Bank
    reference: Mapped[str] = mapped_column(String(64), default="")
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shift.id"))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    bill: Mapped[SupplierBill] = relationship(back_populates="payments")


class PurchaseReturn(db.Model):
    """Goods sent back to a supplier at their received cost; reduces what is owed."""

    __tablename__ = "purchase_return"
    __table_args__ = (UniqueConstraint("cooperative_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("goods_receipt.id"))
    number: Mapped[str] = mapped_column(String(30))
    date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(300))
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    lines: Mapped[list[PurchaseReturnLine]] = relationship(
        back_populates="purchase_return",
        order_by="PurchaseReturnLine.id",
        cascade="all, delete-orphan",
    )


class PurchaseReturnLine(db.Model):
    __tablename__ = "purchase_return_line"
    __table_args__ = (CheckConstraint("base_qty > 0", name="qty_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    return_id: Mapped[int] = mapped_column(ForeignKey("purchase_return.id"), index=True)
    receipt_line_id: Mapped[int] = mapped_column(ForeignKey("goods_receipt_line.id"))
    base_qty: Mapped[Decimal] = mapped_column(QTY)
    value: Mapped[int] = mapped_column(BigInteger)

    purchase_return: Mapped[PurchaseReturn] = relationship(back_populates="lines")
