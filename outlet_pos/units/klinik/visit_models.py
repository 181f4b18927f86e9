"""Tables of the clinic's day: the tariff list, visits (queue + medical record), the services
and consumables of a visit, and its bill.

Why the medical record sits on ``clinic_visit`` itself: a visit *is* one encounter, and keeping
complaint/vitals/diagnosis in the same row lets the desk pages load the visit without ever
selecting those columns into a template (they read only number/status/patient); the views
that show them are guarded by ``clinic.records``.

A bill is never edited: a void posts the counter-entry and keeps the number (gapless).
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

from outlet_pos.core.db import time_ordered_uuid, utcnow
from outlet_pos.extensions import db

QTY = Numeric(18, 3)

VISIT_STATUSES = {
    "menunggu": "Menunggu",
    "diperiksa": "Diperiksa",
    "selesai": "Selesai",
    "batal": "Batal",
}
BILL_METHODS = {"tunai": "Tunai", "qris": "QRIS", "kredit": "Kredit anggota"}
BILL_STATUSES = {"lunas": "Lunas", "batal": "Dibatalkan"}


class ClinicTariff(db.Model):
    """One service on the price list (konsultasi, jahit luka, nebulizer...)."""

    __tablename__ = "clinic_tariff"
    __table_args__ = (UniqueConstraint("cooperative_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    price: Mapped[int] = mapped_column(BigInteger)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Visit(db.Model):
    """One visit: its place in the day's queue and, for clinic staff only, the record."""

    __tablename__ = "clinic_visit"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "business_date", "queue_no"),
        UniqueConstraint("cooperative_id", "public_id"),
        Index("ix_clinic_visit_coop_date", "cooperative_id", "business_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    public_id: Mapped[str] = mapped_column(String(36), default=time_ordered_uuid)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("business_unit.id"))
    business_date: Mapped[date] = mapped_column(Date)
    queue_no: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default="menunggu")
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # --- the medical record (clinic.records only) ---
    complaint: Mapped[str] = mapped_column(Text, default="")
    systolic: Mapped[int | None] = mapped_column(Integer)
    diastolic: Mapped[int | None] = mapped_column(Integer)
    pulse: Mapped[int | None] = mapped_column(Integer)
    temperature: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    weight: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    height: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    spo2: Mapped[int | None] = mapped_column(Integer)
    examination: Mapped[str] = mapped_column(Text, default="")
    icd10_code: Mapped[str] = mapped_column(String(10), default="")
    diagnosis_text: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    examined_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    examined_at: Mapped[datetime | None] = mapped_column()
    # The referral letter (surat rujukan), when one was written.
    referral_number: Mapped[str] = mapped_column(String(30), default="")
    referral_to: Mapped[str] = mapped_column(String(200), default="")
    referral_reason: Mapped[str] = mapped_column(Text, default="")
    referral_summary: Mapped[str] = mapped_column(Text, default="")
    # The pharmacy's prescription id (no FK: the pharmacy owns that table).
    prescription_id: Mapped[int | None] = mapped_column(Integer)

    patient = relationship("Patient")
    unit = relationship("BusinessUnit")
    services = relationship(
        "VisitService", order_by="VisitService.id", back_populates="visit", lazy="selectin"
    )
    consumables = relationship("VisitConsumable", order_by="VisitConsumable.id")
    examined_by = relationship("User", foreign_keys=[examined_by_id])

    @property
    def queue_label(self) -> str:
        return f"A-{self.queue_no:03d}"

    @property
    def status_label(self) -> str:
        return VISIT_STATUSES.get(self.status, self.status)

    @property
    def services_total(self) -> int:
        return sum(s.amount for s in self.services)


class VisitService(db.Model):
    """A service given in a visit, at the tariff's price of that day."""

    __tablename__ = "clinic_visit_service"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("clinic_visit.id"), index=True)
    tariff_id: Mapped[int] = mapped_column(ForeignKey("clinic_tariff.id"))
    name: Mapped[str] = mapped_column(String(120))
    qty: Mapped[int] = mapped_column(Integer, default=1)
    price: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)

    visit = relationship("Visit", back_populates="services")
    tariff = relationship("ClinicTariff")


class VisitConsumable(db.Model):
    """Clinic stock used in a visit (kasa, spuit, sarung tangan), issued at moving cost."""

    __tablename__ = "clinic_consumable"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("clinic_visit.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    qty: Mapped[Decimal] = mapped_column(QTY)
    cost: Mapped[int] = mapped_column(BigInteger)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    item = relationship("Item")


class ClinicBill(db.Model):
    """The bill of one visit: one journal entry; voided only by a counter-entry."""

    __tablename__ = "clinic_bill"
    __table_args__ = (UniqueConstraint("cooperative_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    number: Mapped[str] = mapped_column(String(30))
    visit_id: Mapped[int] = mapped_column(ForeignKey("clinic_visit.id"), index=True)
    date: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)
    method: Mapped[str] = mapped_column(String(10))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shift.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entry.id"))
    status: Mapped[str] = mapped_column(String(10), default="lunas")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    void_reason: Mapped[str] = mapped_column(String(300), default="")
    void_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    voided_at: Mapped[datetime | None] = mapped_column()

    visit = relationship("Visit")
    member = relationship("Member")
    entry = relationship("JournalEntry", foreign_keys=[entry_id])
    void_entry = relationship("JournalEntry", foreign_keys=[void_entry_id])
    created_by = relationship("User", foreign_keys=[created_by_id])

    @property
    def method_label(self) -> str:
        return BILL_METHODS.get(self.method, self.method)

    @property
    def is_void(self) -> bool:
        return self.status == "batal"


PROFESSIONS = {
    "dokter": "Dokter",
    "dokter_gigi": "Dokter gigi",
    "bidan": "Bidan",
    "perawat": "Perawat",
}
# Who may write narkotika and psikotropika (UU Narkotika, UU Psikotropika): doctors only.
DOCTORS = ("dokter", "dokter_gigi")


class ClinicPrescriber(db.Model):
    """A person allowed to write the clinic's prescriptions, with the licence (SIP/STR) the
    pharmacy must see for obat keras and above. Kept by the clinic's manager once, rather
    than typed on every prescription, so a name cannot be made up at the desk."""

    __tablename__ = "clinic_prescriber"
    __table_args__ = (UniqueConstraint("cooperative_id", "license_no"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    profession: Mapped[str] = mapped_column(String(20))
    license_no: Mapped[str] = mapped_column(String(60))  # SIP or STR number
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def profession_label(self) -> str:
        return PROFESSIONS.get(self.profession, self.profession)

    @property
    def is_doctor(self) -> bool:
        return self.profession in DOCTORS

    @property
    def label(self) -> str:
        return f"{self.name} ({self.profession_label}, SIP/STR {self.license_no})"


class RecordAmendment(db.Model):
    """A dated correction of a finished visit's medical record: what each changed field held
    before and after, who changed it and why. The record is never silently rewritten once the
    visit is finished; the original values stay readable here."""

    __tablename__ = "clinic_record_amendment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("clinic_visit.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(String(300))
    changes_json: Mapped[str] = mapped_column(Text, default="{}")  # {field: [old, new]}

    user = relationship("User")

    @property
    def changes(self) -> dict[str, list]:
        return json.loads(self.changes_json or "{}")
