"""Tables of bank accounts and statements: the register of the cooperative's bank accounts
(each linked to its own ledger account), the CSV column mapping saved per account, imported
statements and their lines, and the links between statement lines and journal lines."""

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

from outlet_pos.core.db import utcnow
from outlet_pos.extensions import db

LINE_STATUSES = {"unmatched": "Belum cocok", "matched": "Cocok", "posted": "Diposting"}


class BankAccount(db.Model):
    __tablename__ = "bank_account"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "account_number"),
        UniqueConstraint("cooperative_id", "ledger_account_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    bank_name: Mapped[str] = mapped_column(String(60))
    account_number: Mapped[str] = mapped_column(String(40))
    holder_name: Mapped[str] = mapped_column(String(200))
    ledger_account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    opened_on: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    ledger_account = relationship("Account")

    @property
    def label(self) -> str:
        return f"{self.bank_name} {self.account_number}"

    @property
    def short_label(self) -> str:
        digits = "".join(ch for ch in self.account_number if ch.isdigit())
        return f"{self.bank_name} …{digits[-4:]}"


class BankCsvMapping(db.Model):
    """How one bank's CSV export reads: which column holds what, the date format and the
    number style. Saved per bank account, reused at the next import and editable."""

    __tablename__ = "bank_csv_mapping"
    __table_args__ = (UniqueConstraint("cooperative_id", "bank_account_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    bank_account_id: Mapped[int] = mapped_column(ForeignKey("bank_account.id"))
    delimiter: Mapped[str] = mapped_column(String(2), default=",")
    skip_rows: Mapped[int] = mapped_column(Integer, default=0)  # lines before the header
    date_column: Mapped[str] = mapped_column(String(60))
    date_format: Mapped[str] = mapped_column(String(20), default="%d/%m/%Y")
    description_column: Mapped[str] = mapped_column(String(60))
    reference_column: Mapped[str] = mapped_column(String(60), default="")
    amount_column: Mapped[str] = mapped_column(String(60), default="")  # signed: + in, - out
    debit_column: Mapped[str] = mapped_column(String(60), default="")  # money out
    credit_column: Mapped[str] = mapped_column(String(60), default="")  # money in
    balance_column: Mapped[str] = mapped_column(String(60), default="")
    number_style: Mapped[str] = mapped_column(String(2), default="id")  # id 1.234,00 | en 1,234.00
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class BankStatement(db.Model):
    """One imported statement file (rekening koran)."""

    __tablename__ = "bank_statement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    bank_account_id: Mapped[int] = mapped_column(ForeignKey("bank_account.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(200), default="")
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    line_count: Mapped[int] = mapped_column(Integer, default=0)  # lines added
    skipped_count: Mapped[int] = mapped_column(Integer, default=0)  # already imported before
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)

    bank_account = relationship("BankAccount")
    imported_by = relationship("User")


class BankStatementLine(db.Model):
    """One line of a statement: + money in, - money out, in integer rupiah."""

    __tablename__ = "bank_statement_line"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "bank_account_id", "fingerprint"),
        CheckConstraint("amount <> 0", name="amount_nonzero"),
        CheckConstraint("status IN ('unmatched', 'matched', 'posted')", name="status"),
        Index("ix_bank_statement_line_account_date", "cooperative_id", "bank_account_id", "date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    bank_account_id: Mapped[int] = mapped_column(ForeignKey("bank_account.id"))
    statement_id: Mapped[int] = mapped_column(ForeignKey("bank_statement.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)  # the line in the file
    date: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(String(300), default="")
    reference: Mapped[str] = mapped_column(String(100), default="")
    amount: Mapped[int] = mapped_column(BigInteger)
    balance: Mapped[int | None] = mapped_column(BigInteger)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default="unmatched")
    posted_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    matched_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    matched_at: Mapped[datetime | None] = mapped_column(default=None)

    statement = relationship("BankStatement")
    bank_account = relationship("BankAccount")
    posted_entry = relationship("JournalEntry")
    matches: Mapped[list[BankMatch]] = relationship(
        back_populates="statement_line", order_by="BankMatch.id"
    )

    @property
    def status_label(self) -> str:
        return LINE_STATUSES.get(self.status, self.status)


class BankMatch(db.Model):
    """A statement line paired with one journal line on the bank's ledger account. A journal
    line is matched at most once (the unique constraint is the backstop)."""

    __tablename__ = "bank_match"
    __table_args__ = (UniqueConstraint("cooperative_id", "journal_line_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    statement_line_id: Mapped[int] = mapped_column(ForeignKey("bank_statement_line.id"), index=True)
    journal_line_id: Mapped[int] = mapped_column(ForeignKey("journal_line.id"))

    statement_line: Mapped[BankStatementLine] = relationship(back_populates="matches")
    journal_line = relationship("JournalLine")
