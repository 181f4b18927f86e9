"""Tables of the village clinic (klinik desa). ``Patient`` is shared with the pharmacy (a
prescription names its patient); the clinic's visits, tariff and billing tables follow it.

Medical content (complaint, examination, diagnosis, notes) lives only in clinic tables and is
shown only to clinic staff (``clinic.records``); cashiers, mentors and pharmacists see names,
bills and prescriptions, never the record.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outlet_pos.core.db import utcnow
from outlet_pos.extensions import db

SEXES = {"L": "Laki-laki", "P": "Perempuan"}


class Patient(db.Model):
    __tablename__ = "patient"
    __table_args__ = (UniqueConstraint("cooperative_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    number: Mapped[str] = mapped_column(String(20))  # nomor rekam medis, e.g. RM-000123
    nik: Mapped[str] = mapped_column(String(16), default="")  # optional
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    name: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1))  # L / P
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    allergies: Mapped[str] = mapped_column(Text, default="")  # shown wherever drugs are given
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    member = relationship("Member")

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None
        years = day.year - self.birth_date.year
        return years - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))
