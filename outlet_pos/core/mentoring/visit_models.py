"""Visit notes (log pendampingan): what the mentor saw on a visit and what the cooperative
agreed to do about it. The follow-up actions are rows of their own, with a due date and a
status, so the pengurus can tick them off and the mentor's portfolio can count the overdue
ones with one query per cooperative."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outlet_pos.core.db import utcnow
from outlet_pos.extensions import db

MODES = {"kunjungan": "Kunjungan langsung", "daring": "Daring (video)", "telepon": "Telepon"}
STATUSES = {"terbuka": "Terbuka", "selesai": "Selesai", "batal": "Batal"}
OVERDUE_LABEL = "Terlambat"


class MentorVisit(db.Model):
    """One visit (or call) by a mentor to one cooperative. Editable by its author or an admin;
    the audit trail keeps who changed it."""

    __tablename__ = "mentor_visit"
    __table_args__ = (
        CheckConstraint("mode IN ('kunjungan', 'daring', 'telepon')", name="mode"),
        Index("ix_mentor_visit_coop_date", "cooperative_id", "visit_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    visit_date: Mapped[date] = mapped_column(Date)
    mode: Mapped[str] = mapped_column(String(10), default="kunjungan")
    topics: Mapped[str] = mapped_column(String(300))
    findings: Mapped[str] = mapped_column(Text, default="")
    recommendations: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    mentor = relationship("User", foreign_keys=[mentor_id])
    updated_by = relationship("User", foreign_keys=[updated_by_id])
    actions: Mapped[list[VisitAction]] = relationship(
        back_populates="visit",
        cascade="all, delete-orphan",
        order_by=lambda: [VisitAction.due_date, VisitAction.id],
    )

    @property
    def mode_label(self) -> str:
        return MODES.get(self.mode, self.mode)


class VisitAction(db.Model):
    """A follow-up agreed on a visit: who does what by when. "Terlambat" is not stored: it
    depends on the cooperative's today, so it is computed (``is_overdue``)."""

    __tablename__ = "visit_action"
    __table_args__ = (
        CheckConstraint("status IN ('terbuka', 'selesai', 'batal')", name="status"),
        Index("ix_visit_action_coop_status_due", "cooperative_id", "status", "due_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    visit_id: Mapped[int] = mapped_column(ForeignKey("mentor_visit.id"), index=True)
    description: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str] = mapped_column(String(120), default="")
    due_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="terbuka")
    done_on: Mapped[date | None] = mapped_column(Date, default=None)
    done_note: Mapped[str] = mapped_column(String(300), default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    visit: Mapped[MentorVisit] = relationship(back_populates="actions")
    updated_by = relationship("User", foreign_keys=[updated_by_id])

    @property
    def is_open(self) -> bool:
        return self.status == "terbuka"

    def is_overdue(self, today: date) -> bool:
        """Open and past its due date, against the cooperative's business date."""
        return self.is_open and self.due_date < today

    def status_label(self, today: date | None = None) -> str:
        if today is not None and self.is_overdue(today):
            return OVERDUE_LABEL
        return STATUSES.get(self.status, self.status)
