"""Ledger tables: the chart of accounts, periods, and the append-only journal.

``journal_entry`` and ``journal_line`` keep these names and their money columns (``debit``,
``credit`` as integer rupiah): auditors query them directly.
"""

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
    event,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from outlet_pos.core.db import time_ordered_uuid, utcnow
from outlet_pos.core.errors import ImmutableRecord
from outlet_pos.extensions import db

ACCOUNT_TYPES = {
    "asset": "Aset",
    "liability": "Liabilitas",
    "equity": "Ekuitas",
    "revenue": "Pendapatan",
    "expense": "Beban",
}
TYPE_BY_DIGIT = {
    "1": "asset",
    "2": "liability",
    "3": "equity",
    "4": "revenue",
    "5": "expense",
    "6": "expense",
    "7": "expense",
}

SOURCE_LABELS = {
    "manual": "Jurnal manual",
    "reversal": "Pembalikan",
    "opening": "Saldo awal",
    "sale": "Penjualan",
    "refund": "Retur penjualan",
    "purchase": "Pembelian",
    "shift": "Shift kasir",
    "savings": "Simpanan",
    "loan": "Pinjaman",
    "closing": "Penutupan",
    "stock": "Persediaan",
    "expense": "Pengeluaran/pendapatan lain",
    "asset": "Aset tetap",
    "bank": "Bank",
    "transfer": "Setoran/pemindahan kas",
    "shu": "Pembagian SHU",
    "tax": "Pajak",
    "clinic": "Klinik",
    "lokal": "Unit lokal",
    "logistics": "Pos & logistik",
}

MONTHS_ID = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
]  # fmt: skip


class Account(db.Model):
    __tablename__ = "account"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "code"),
        CheckConstraint("normal_side IN ('D', 'C')", name="normal_side"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    code: Mapped[str] = mapped_column(String(6))
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(10))
    normal_side: Mapped[str] = mapped_column(String(1))  # 'D' or 'C' (contra accounts flip)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    is_header: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    parent: Mapped[Account | None] = relationship(remote_side="Account.id")

    @property
    def type_label(self) -> str:
        return ACCOUNT_TYPES.get(self.type, self.type)

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


class Period(db.Model):
    """A month of the books; a closed month refuses every posting dated in it."""

    __tablename__ = "period"
    __table_args__ = (UniqueConstraint("cooperative_id", "year", "month"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    closed_by = relationship("User")

    @property
    def label(self) -> str:
        return f"{MONTHS_ID[self.month - 1]} {self.year}"


class JournalEntry(db.Model):
    """One balanced posting. Never updated or deleted: corrections are reversals."""

    __tablename__ = "journal_entry"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "year", "seq"),
        UniqueConstraint("cooperative_id", "idempotency_key"),
        UniqueConstraint("cooperative_id", "reverses_id"),
        UniqueConstraint("cooperative_id", "public_id"),
        Index("ix_journal_entry_coop_date", "cooperative_id", "date"),
        # Statements leave out the year-end closing entries and the equity statement groups
        # by kind of document: both find entries by source without scanning the year.
        Index("ix_journal_entry_coop_source_date", "cooperative_id", "source", "date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), default=time_ordered_uuid)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(20))
    date: Mapped[date] = mapped_column(Date)
    memo: Mapped[str] = mapped_column(String(500))
    source: Mapped[str] = mapped_column(String(20))
    source_ref: Mapped[str] = mapped_column(String(64), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("business_unit.id"))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    # Every entry touching the drawer's cash carries its shift: a shift's expected cash is
    # its float plus these entries' cash lines (DESIGN §2.5), no parallel cash table.
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shift.id"), index=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    lines: Mapped[list[JournalLine]] = relationship(
        back_populates="entry", order_by="JournalLine.line_no"
    )
    reverses: Mapped[JournalEntry | None] = relationship(remote_side="JournalEntry.id")
    unit = relationship("BusinessUnit")
    created_by = relationship("User")

    @property
    def total(self) -> int:
        return sum(line.debit for line in self.lines)

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS.get(self.source, self.source)


class JournalLine(db.Model):
    __tablename__ = "journal_line"
    __table_args__ = (
        CheckConstraint("debit >= 0 AND credit >= 0", name="non_negative"),
        CheckConstraint(
            "(debit > 0 AND credit = 0) OR (debit = 0 AND credit > 0)", name="one_side"
        ),
        # Trial balance and ledger pages aggregate by account and date without touching
        # journal_entry; the date is copied here (lines are immutable, so it cannot drift).
        # The index covers the amounts too: summing 1M lines then never reads the table
        # (0.4 s instead of 2.9 s on SQLite). The entry id lets the cash flow find and sum
        # the lines of entries touching cash from the index alone (migration 0032).
        Index(
            "ix_journal_line_coop_account_date",
            "cooperative_id",
            "account_id",
            "entry_date",
            "unit_id",
            "debit",
            "credit",
            "entry_id",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entry.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    entry_date: Mapped[date] = mapped_column(Date)
    debit: Mapped[int] = mapped_column(BigInteger, default=0)
    credit: Mapped[int] = mapped_column(BigInteger, default=0)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("business_unit.id"))
    member_id: Mapped[int | None] = mapped_column(Integer)  # subledger dimension
    memo: Mapped[str] = mapped_column(String(200), default="")

    entry: Mapped[JournalEntry] = relationship(back_populates="lines")
    account: Mapped[Account] = relationship()
    unit = relationship("BusinessUnit")


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_posted_entries(session: Session, _ctx, _instances) -> None:
    """Posted journal rows are append-only; an ORM update or delete is a programming error."""
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, JournalEntry | JournalLine):
            if obj in session.deleted or session.is_modified(obj, include_collections=False):
                raise ImmutableRecord(
                    "Jurnal yang sudah diposting tidak dapat diubah atau dihapus; "
                    "gunakan jurnal pembalik."
                )


class PeriodBalance(db.Model):
    """A closed month's movement per account and unit, written when the month is closed.

    A closed month refuses every posting, so its totals can no longer change: statements and
    the trial balance read closed months from here and only the open months from the lines,
    which keeps them fast as the ledger grows (``outlet-pos verify`` recomputes each row).
    ``cash_counter`` is the part of the movement made in entries that touch a cash account
    (credit - debit), what the cash-flow statement needs. Reopening a month deletes its rows.
    """

    __tablename__ = "period_balance"
    __table_args__ = (
        Index("ix_period_balance_coop_month", "cooperative_id", "year", "month", "account_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("business_unit.id"))
    debit: Mapped[int] = mapped_column(BigInteger, default=0)
    credit: Mapped[int] = mapped_column(BigInteger, default=0)
    cash_counter: Mapped[int] = mapped_column(BigInteger, default=0)
