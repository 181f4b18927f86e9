"""Parties the cooperative deals with. Members come first; suppliers and customers follow
with the counter and purchasing issues. NIK validation lives in ``core.identifiers``."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from outlet_pos.core.db import utcnow
from outlet_pos.extensions import db

MEMBER_STATUSES = {"aktif": "Aktif", "keluar": "Keluar", "meninggal": "Meninggal"}


class Member(db.Model):
    __tablename__ = "member"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "member_number"),
        UniqueConstraint("cooperative_id", "nik"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    member_number: Mapped[str] = mapped_column(String(20))
    nik: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    sex: Mapped[str] = mapped_column(String(1))  # L / P, read from the NIK
    birth_date: Mapped[date | None] = mapped_column(Date)
    address: Mapped[str] = mapped_column(String(300), default="")
    desa: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    occupation: Mapped[str] = mapped_column(String(100), default="")
    join_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="aktif")
    credit_limit: Mapped[int] = mapped_column(BigInteger, default=0)  # kredit belanja
    heir_name: Mapped[str] = mapped_column(String(200), default="")  # ahli waris
    heir_relation: Mapped[str] = mapped_column(String(50), default="")
    left_on: Mapped[date | None] = mapped_column(Date)
    leave_note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
