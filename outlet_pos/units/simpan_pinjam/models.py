"""Tables of the savings-and-loans unit: savings products and accounts with their transactions
(the member subledger of 311100/311200/211200/211300), loan products, loans, installments and
payments (the subledger of 113300), and the unit's settings.

Every balance kept here (account balance, loan outstanding, installment paid parts) changes in
the same transaction as the journal entry that moves the money, and ``outlet-pos verify``
recomputes each from the rows and ties it to its control account.
"""

from __future__ import annotations

import json
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
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outlet_pos.core.db import utcnow
from outlet_pos.extensions import db

RATE = Numeric(7, 4)

SAVINGS_KINDS = {
    "pokok": "Simpanan pokok",
    "wajib": "Simpanan wajib",
    "sukarela": "Simpanan sukarela",
    "berjangka": "Simpanan berjangka",
}
# The control account each kind of savings is held in (DESIGN §3.1: pokok and wajib are equity,
# sukarela and berjangka liabilities).
SAVINGS_ACCOUNTS = {
    "pokok": "311100",
    "wajib": "311200",
    "sukarela": "211200",
    "berjangka": "211300",
}
INTEREST_BASES = {"terendah": "Saldo terendah", "rata_rata": "Saldo rata-rata harian"}
TXN_KINDS = {
    "setor": "Setoran",
    "tarik": "Penarikan",
    "bunga": "Bunga",
    "pajak": "PPh final bunga",
    "pencairan": "Pencairan pinjaman",
    "angsuran": "Bayar angsuran",
    "penalti": "Penalti pencairan awal",
    "penutupan": "Pengembalian saat keluar",
    "potongan": "Potongan utang saat keluar",
}
LOAN_STATUSES = {
    "diajukan": "Diajukan",
    "disetujui": "Disetujui",
    "ditolak": "Ditolak",
    "aktif": "Berjalan",
    "lunas": "Lunas",
    "hapus_buku": "Dihapusbukukan",
}
COLLECTIBILITY = {
    "L": "Lancar",
    "DPK": "Dalam Perhatian Khusus",
    "KL": "Kurang Lancar",
    "D": "Diragukan",
    "M": "Macet",
}
DEFAULT_POLICY = {
    "bmpp_percent": "15",
    # Upper bound (days past due) of each class; beyond the last is Macet.
    "collectibility_days": {"L": 0, "DPK": 90, "KL": 120, "D": 180},
    "allowance_percent": {"L": "1", "DPK": "5", "KL": "15", "D": "50", "M": "100"},
}


class SavingsSettings(db.Model):
    """Per-cooperative loan policy (BMPP, collectibility bands, allowance rates)."""

    __tablename__ = "simpin_settings"

    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), primary_key=True)
    policy_json: Mapped[str] = mapped_column(Text, default=lambda: json.dumps(DEFAULT_POLICY))

    @property
    def policy(self) -> dict:
        merged = json.loads(json.dumps(DEFAULT_POLICY))
        merged.update(json.loads(self.policy_json or "{}"))
        return merged


class SavingsProduct(db.Model):
    __tablename__ = "savings_product"
    __table_args__ = (UniqueConstraint("cooperative_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))
    annual_rate: Mapped[Decimal] = mapped_column(RATE, default=Decimal(0))
    interest_basis: Mapped[str] = mapped_column(String(10), default="terendah")
    term_months: Mapped[int] = mapped_column(Integer, default=0)  # berjangka only
    early_penalty_percent: Mapped[Decimal] = mapped_column(RATE, default=Decimal(0))
    min_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class SavingsAccount(db.Model):
    """One member's savings of one product; a berjangka deposit is an account of its own."""

    __tablename__ = "savings_account"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "number"),
        Index("ix_savings_account_member", "member_id", "product_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("savings_product.id"))
    number: Mapped[str] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(10))
    balance: Mapped[int] = mapped_column(BigInteger, default=0)
    opened_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="aktif")  # aktif / ditutup
    annual_rate: Mapped[Decimal] = mapped_column(RATE, default=Decimal(0))
    term_months: Mapped[int] = mapped_column(Integer, default=0)
    maturity_date: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)

    member = relationship("Member")
    product = relationship(SavingsProduct)


class SavingsTxn(db.Model):
    """A movement of one savings account, with the journal entry that carries its money."""

    __tablename__ = "savings_txn"
    __table_args__ = (
        Index("ix_savings_txn_account_day", "account_id", "day", "id"),
        UniqueConstraint("cooperative_id", "idempotency_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("savings_account.id"))
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10))
    amount: Mapped[int] = mapped_column(BigInteger)  # signed: + into the account, - out
    balance_after: Mapped[int] = mapped_column(BigInteger)
    memo: Mapped[str] = mapped_column(String(200), default="")
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shift.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    period: Mapped[str | None] = mapped_column(String(7))  # YYYY-MM a wajib payment is for
    idempotency_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    account = relationship(SavingsAccount)


class InterestRun(db.Model):
    """Savings interest credited for one month: run once per cooperative and month."""

    __tablename__ = "savings_interest_run"
    __table_args__ = (UniqueConstraint("cooperative_id", "year", "month"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    interest: Mapped[int] = mapped_column(BigInteger, default=0)
    tax: Mapped[int] = mapped_column(BigInteger, default=0)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LoanProduct(db.Model):
    __tablename__ = "loan_product"
    __table_args__ = (UniqueConstraint("cooperative_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    annual_rate: Mapped[Decimal] = mapped_column(RATE)
    method: Mapped[str] = mapped_column(String(10))
    min_months: Mapped[int] = mapped_column(Integer, default=1)
    max_months: Mapped[int] = mapped_column(Integer, default=12)
    min_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    max_amount: Mapped[int] = mapped_column(BigInteger, default=0)  # 0: only the BMPP limit
    admin_fee: Mapped[int] = mapped_column(BigInteger, default=0)
    provisi_percent: Mapped[Decimal] = mapped_column(RATE, default=Decimal(0))
    penalty_daily_percent: Mapped[Decimal] = mapped_column(RATE, default=Decimal(0))
    grace_days: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Loan(db.Model):
    __tablename__ = "loan"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "number"),
        Index("ix_loan_member", "member_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    number: Mapped[str] = mapped_column(String(30))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("loan_product.id"))
    principal: Mapped[int] = mapped_column(BigInteger)
    annual_rate: Mapped[Decimal] = mapped_column(RATE)
    method: Mapped[str] = mapped_column(String(10))
    months: Mapped[int] = mapped_column(Integer)
    purpose: Mapped[str] = mapped_column(String(200), default="")
    monthly_income: Mapped[int] = mapped_column(BigInteger, default=0)
    collateral_note: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(12), default="diajukan")
    applied_on: Mapped[date] = mapped_column(Date)
    applied_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_on: Mapped[date | None] = mapped_column(Date)
    decision_note: Mapped[str] = mapped_column(String(300), default="")
    disbursed_on: Mapped[date | None] = mapped_column(Date)
    disbursed_via: Mapped[str] = mapped_column(String(10), default="")  # tunai / sukarela
    admin_fee: Mapped[int] = mapped_column(BigInteger, default=0)
    provisi_fee: Mapped[int] = mapped_column(BigInteger, default=0)
    outstanding: Mapped[int] = mapped_column(BigInteger, default=0)  # principal still owed
    written_off: Mapped[int] = mapped_column(BigInteger, default=0)
    closed_on: Mapped[date | None] = mapped_column(Date)
    restructure_count: Mapped[int] = mapped_column(Integer, default=0)
    writeoff_requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    writeoff_reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    member = relationship("Member")
    product = relationship(LoanProduct)
    installments: Mapped[list[LoanInstallment]] = relationship(
        back_populates="loan", order_by="LoanInstallment.no"
    )


class LoanInstallment(db.Model):
    __tablename__ = "loan_installment"
    __table_args__ = (UniqueConstraint("cooperative_id", "loan_id", "version", "no"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Copied from the loan (DESIGN §2.8): a tenant row names its cooperative, so a Citus
    # shard keeps a loan and its schedule together.
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=0)  # bumped by each restructuring
    no: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date)
    principal: Mapped[int] = mapped_column(BigInteger)
    interest: Mapped[int] = mapped_column(BigInteger)
    principal_paid: Mapped[int] = mapped_column(BigInteger, default=0)
    interest_paid: Mapped[int] = mapped_column(BigInteger, default=0)
    penalty_paid: Mapped[int] = mapped_column(BigInteger, default=0)
    interest_waived: Mapped[int] = mapped_column(BigInteger, default=0)
    # aktif, lunas, or diganti (superseded by a restructuring / early payoff)
    status: Mapped[str] = mapped_column(String(10), default="aktif")
    paid_on: Mapped[date | None] = mapped_column(Date)

    loan: Mapped[Loan] = relationship(back_populates="installments")

    @property
    def principal_due(self) -> int:
        return self.principal - self.principal_paid

    @property
    def interest_due(self) -> int:
        return self.interest - self.interest_paid - self.interest_waived


class LoanPayment(db.Model):
    __tablename__ = "loan_payment"
    __table_args__ = (UniqueConstraint("cooperative_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)
    penalty: Mapped[int] = mapped_column(BigInteger, default=0)
    interest: Mapped[int] = mapped_column(BigInteger, default=0)
    principal: Mapped[int] = mapped_column(BigInteger, default=0)
    source: Mapped[str] = mapped_column(String(10), default="tunai")  # tunai / sukarela
    payoff: Mapped[bool] = mapped_column(Boolean, default=False)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shift.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AllowanceRun(db.Model):
    """Month-end loan-loss allowance: the adjustment that brings 113390 to what is required."""

    __tablename__ = "loan_allowance_run"
    __table_args__ = (UniqueConstraint("cooperative_id", "year", "month"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    required: Mapped[int] = mapped_column(BigInteger)
    adjustment: Mapped[int] = mapped_column(BigInteger)
    detail_json: Mapped[str] = mapped_column(Text, default="{}")
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
