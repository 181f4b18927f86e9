"""Prescriptions, what was handed out against them, and the apoteker on duty.

A prescription (resep) comes from the village clinic or from outside (a doctor's paper). Its
lines carry the quantity written and the quantity dispensed so far; every sale line that
dispensed (or a refund that gave back) some of it leaves a ``PrescriptionDispense`` row, so
the dispensed quantity is derived from those rows and ``verify`` can recompute it. A refund
writes negative rows instead of deleting anything, like the ledger.

``visit_id`` is the clinic visit that wrote it; it has no foreign key because the clinic's
tables belong to another migration and the pharmacy must work without the clinic.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
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

RX_SOURCES = {"klinik": "Klinik desa", "luar": "Resep luar"}
RX_STATUSES = {
    "antri": "Menunggu",
    "sebagian": "Diserahkan sebagian",
    "selesai": "Selesai",
    "batal": "Batal",
}
OPEN_STATUSES = ("antri", "sebagian")


class Prescription(db.Model):
    __tablename__ = "prescription"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "number"),
        Index("ix_prescription_cooperative_id_status", "cooperative_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    number: Mapped[str] = mapped_column(String(30))  # RSP-2026-000123, gapless per year
    source: Mapped[str] = mapped_column(String(10))  # klinik | luar
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"))
    patient_name: Mapped[str] = mapped_column(String(200), default="")
    prescriber: Mapped[str] = mapped_column(String(200))
    prescriber_note: Mapped[str] = mapped_column(String(200), default="")  # SIP / facility
    # The clinic's note to the apoteker (not the prescriber's licence): shown to the
    # apoteker only, never printed on the salinan resep.
    clinic_note: Mapped[str] = mapped_column(String(500), default="")
    written_on: Mapped[date] = mapped_column(Date)
    visit_id: Mapped[int | None] = mapped_column(Integer)  # clinic visit, no FK (see above)
    status: Mapped[str] = mapped_column(String(10), default="antri")
    cancel_reason: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    patient = relationship("Patient")
    created_by = relationship("User")
    lines: Mapped[list[PrescriptionLine]] = relationship(
        back_populates="prescription", order_by="PrescriptionLine.line_no"
    )

    @property
    def status_label(self) -> str:
        return RX_STATUSES.get(self.status, self.status)

    @property
    def source_label(self) -> str:
        return RX_SOURCES.get(self.source, self.source)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def display_name(self) -> str:
        return self.patient.name if self.patient is not None else self.patient_name


class PrescriptionLine(db.Model):
    __tablename__ = "prescription_line"
    __table_args__ = (
        CheckConstraint("qty > 0", name="qty_positive"),
        # The backstop against over-dispensing, whatever the code above it does.
        CheckConstraint("dispensed_qty >= 0 AND dispensed_qty <= qty", name="dispensed_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    prescription_id: Mapped[int] = mapped_column(ForeignKey("prescription.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    qty: Mapped[Decimal] = mapped_column(QTY)  # base units (tablet, ml)
    dosage: Mapped[str] = mapped_column(String(200), default="")  # "3 x 1 tablet sesudah makan"
    dispensed_qty: Mapped[Decimal] = mapped_column(QTY, default=Decimal(0))

    prescription: Mapped[Prescription] = relationship(back_populates="lines")
    item = relationship("Item")

    @property
    def remaining(self) -> Decimal:
        return self.qty - self.dispensed_qty


class PrescriptionDispense(db.Model):
    """One sale line's share of a prescription line (negative: given back by a refund)."""

    __tablename__ = "prescription_dispense"
    __table_args__ = (CheckConstraint("qty <> 0", name="qty_non_zero"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    prescription_id: Mapped[int] = mapped_column(ForeignKey("prescription.id"), index=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("prescription_line.id"), index=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sale.id"))  # the sale or the refund
    sale_line_id: Mapped[int] = mapped_column(ForeignKey("sale_line.id"), index=True)  # original
    qty: Mapped[Decimal] = mapped_column(QTY)
    pharmacist_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    sale = relationship("Sale")
    pharmacist = relationship("User")


class PharmacistDuty(db.Model):
    """An apoteker's time on duty: obat keras and above are handed out only inside one."""

    __tablename__ = "pharmacist_duty"
    __table_args__ = (
        Index("ix_pharmacist_duty_cooperative_id_ended_at", "cooperative_id", "ended_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column()

    user = relationship("User")
