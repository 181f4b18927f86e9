"""Tables of the parcel desk's money: how each intake payment was split between the courier
partner and the cooperative, the payments that settle what is owed to a partner, and the
cash-on-delivery money held for senders.

They are subledgers of two liability accounts, so ``outlet-pos verify`` can prove the books:
211900 Utang mitra kurir = the partners' shares of every charge less every settlement;
211500 Titipan COD = COD received from couriers less COD handed to senders.
Rows are written once by ``money.py`` and never edited (a settlement links the charges it
paid, which is the only later change).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
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

PAY_METHODS = {"tunai": "Tunai", "qris": "QRIS", "kredit": "Kredit anggota"}
# How COD money comes in from the courier and goes out to the sender.
COD_IN = {"tunai": "Tunai di kasir", "transfer": "Transfer ke rekening bank"}
COD_OUT = {
    "tunai": "Tunai di kasir",
    "transfer": "Transfer dari bank",
    "sukarela": "Ke simpanan sukarela anggota",
}
SETTLE_VIAS = {"tunai": "Tunai dari kasir", "transfer": "Transfer dari bank"}
COD_KINDS = {"terima": "Diterima dari kurir", "serah": "Diserahkan ke pengirim"}


class ParcelCharge(db.Model):
    """What the sender paid at intake and whose money it is: the partner's share (fee less
    commission, plus the insurance it underwrites) until a settlement pays it, and the
    cooperative's commission (revenue). One per parcel."""

    __tablename__ = "parcel_charge"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "parcel_id"),
        Index("ix_parcel_charge_coop_courier", "cooperative_id", "courier_id", "settlement_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    parcel_id: Mapped[int] = mapped_column(ForeignKey("parcel.id"))
    courier_id: Mapped[int] = mapped_column(ForeignKey("courier.id"))
    date: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(10))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shift.id"))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    total_amount: Mapped[int] = mapped_column(BigInteger)
    fee_amount: Mapped[int] = mapped_column(BigInteger)
    insurance_amount: Mapped[int] = mapped_column(BigInteger)
    commission_amount: Mapped[int] = mapped_column(BigInteger)
    courier_amount: Mapped[int] = mapped_column(BigInteger)
    settlement_id: Mapped[int | None] = mapped_column(ForeignKey("courier_settlement.id"))
    # Set once when the intake is voided (parcel returned before it left): the reversing
    # entry refunded the sender, so the charge is no longer owed to the partner.
    void_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    voided_at: Mapped[datetime | None] = mapped_column()
    void_reason: Mapped[str | None] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parcel = relationship("Parcel")
    courier = relationship("Courier")
    settlement = relationship("CourierSettlement", back_populates="charges")

    @property
    def method_label(self) -> str:
        return PAY_METHODS.get(self.method, self.method)

    @property
    def voided(self) -> bool:
        return self.void_entry_id is not None


class CourierSettlement(db.Model):
    """One payment to a courier partner covering the charges it lists (a partial settlement
    pays some of the unsettled parcels, never part of one)."""

    __tablename__ = "courier_settlement"
    __table_args__ = (UniqueConstraint("cooperative_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    number: Mapped[str] = mapped_column(String(30))
    courier_id: Mapped[int] = mapped_column(ForeignKey("courier.id"), index=True)
    date: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)
    parcels: Mapped[int] = mapped_column(Integer)
    via: Mapped[str] = mapped_column(String(10))
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shift.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entry.id"))
    note: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    courier = relationship("Courier")
    charges: Mapped[list[ParcelCharge]] = relationship(back_populates="settlement")
    created_by = relationship("User", foreign_keys=[created_by_id])

    @property
    def via_label(self) -> str:
        return SETTLE_VIAS.get(self.via, self.via)


class CodMovement(db.Model):
    """COD money of one parcel: received from the courier (``terima``) or handed to the sender
    (``serah``). At most one of each per parcel, so the liability of a parcel goes from its
    COD amount to exactly zero and a second remittance cannot happen."""

    __tablename__ = "cod_movement"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "parcel_id", "kind"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("kind IN ('terima', 'serah')", name="kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    parcel_id: Mapped[int] = mapped_column(ForeignKey("parcel.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    date: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)
    via: Mapped[str] = mapped_column(String(10))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shift.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entry.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parcel = relationship("Parcel")
    entry = relationship("JournalEntry")

    @property
    def via_label(self) -> str:
        vias = COD_IN if self.kind == "terima" else COD_OUT
        return vias.get(self.via, self.via)
