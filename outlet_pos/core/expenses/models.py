"""Tables of the expense book: expenses and other income (bukti kas keluar/masuk), and the
templates of recurring expenses (rent, salaries) posted once a month."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outlet_pos.core.db import time_ordered_uuid, utcnow
from outlet_pos.extensions import db

KINDS = {"expense": "Pengeluaran", "income": "Pendapatan lain"}
PREFIXES = {"expense": "BKK", "income": "BKM"}  # bukti kas keluar / bukti kas masuk


class RecurringExpense(db.Model):
    """A template posted once per month (rent, salaries), on its day of the month."""

    __tablename__ = "recurring_expense"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("day_of_month BETWEEN 1 AND 31", name="day_of_month"),
        CheckConstraint("kind IN ('expense', 'income')", name="kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="expense")
    description: Mapped[str] = mapped_column(String(300))
    payee: Mapped[str] = mapped_column(String(120), default="")
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("business_unit.id"))
    amount: Mapped[int] = mapped_column(BigInteger)
    paid_account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    day_of_month: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    account = relationship("Account", foreign_keys=[account_id])
    paid_account = relationship("Account", foreign_keys=[paid_account_id])
    unit = relationship("BusinessUnit")


class Expense(db.Model):
    """One expense (``kind='expense'``: Dr category, Cr cash/bank) or other income
    (``kind='income'``: Dr cash/bank, Cr category). Never edited once posted: a void posts the
    counter-entry and keeps the number."""

    __tablename__ = "expense"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "number"),
        UniqueConstraint("cooperative_id", "public_id"),
        UniqueConstraint("cooperative_id", "idempotency_key"),
        # A recurring template is posted at most once per month.
        UniqueConstraint("cooperative_id", "recurring_id", "recurring_period"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("kind IN ('expense', 'income')", name="kind"),
        CheckConstraint("status IN ('posted', 'void')", name="status"),
        Index("ix_expense_coop_date", "cooperative_id", "date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), default=time_ordered_uuid)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    number: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(10))
    date: Mapped[date] = mapped_column(Date)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("business_unit.id"))
    amount: Mapped[int] = mapped_column(BigInteger)
    paid_account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shift.id"))
    payee: Mapped[str] = mapped_column(String(120), default="")
    description: Mapped[str] = mapped_column(String(300))
    reference: Mapped[str] = mapped_column(String(64), default="")
    attachment_path: Mapped[str] = mapped_column(String(200), default="")
    attachment_name: Mapped[str] = mapped_column(String(120), default="")
    recurring_id: Mapped[int | None] = mapped_column(ForeignKey("recurring_expense.id"))
    recurring_period: Mapped[str | None] = mapped_column(String(7))  # "2026-05"
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    status: Mapped[str] = mapped_column(String(10), default="posted")
    void_reason: Mapped[str] = mapped_column(String(300), default="")
    void_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    voided_at: Mapped[datetime | None] = mapped_column(default=None)
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    account = relationship("Account", foreign_keys=[account_id])
    paid_account = relationship("Account", foreign_keys=[paid_account_id])
    unit = relationship("BusinessUnit")
    shift = relationship("Shift")
    entry = relationship("JournalEntry", foreign_keys=[entry_id])
    void_entry = relationship("JournalEntry", foreign_keys=[void_entry_id])
    recurring = relationship("RecurringExpense")
    created_by = relationship("User", foreign_keys=[created_by_id])
    voided_by = relationship("User", foreign_keys=[voided_by_id])

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def is_void(self) -> bool:
        return self.status == "void"

    @property
    def from_drawer(self) -> bool:
        return self.shift_id is not None
