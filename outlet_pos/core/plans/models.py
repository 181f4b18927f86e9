"""Business plan targets (rencana bisnis): one row per cooperative, fiscal year, scope (a unit
or the whole cooperative), metric and month of the fiscal year.

``unit_id`` is NULL for cooperative-wide metrics (members). SQL treats NULLs as distinct in a
unique constraint, so two concurrent saves of the members plan could both insert; the
``scope_key`` column (the unit id, or 0 for the whole cooperative, held equal to
``COALESCE(unit_id, 0)`` by a CHECK) carries the uniqueness instead, on SQLite and PostgreSQL
alike.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outlet_pos.core.db import utcnow
from outlet_pos.extensions import db

# Flow metrics add up over months; a level metric (members) is a count at each month's end.
METRICS = {
    "sales": "Penjualan / pendapatan usaha",
    "margin": "Laba kotor",
    "loans": "Penyaluran pinjaman",
    "members": "Anggota aktif",
}
LEVEL_METRICS = {"members"}
COOPERATIVE_METRICS = {"members"}  # planned for the whole cooperative, not per unit
LOAN_UNIT_KIND = "simpan_pinjam"


class PlanTarget(db.Model):
    """The target of one metric in one month of a fiscal year (rupiah, or a head count)."""

    __tablename__ = "plan_target"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "year", "scope_key", "metric", "month_index"),
        CheckConstraint("month_index BETWEEN 1 AND 12", name="month_index"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint("scope_key = COALESCE(unit_id, 0)", name="scope_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)  # fiscal year, named by the year it starts in
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("business_unit.id"))
    scope_key: Mapped[int] = mapped_column(Integer)  # unit id, or 0 for the whole cooperative
    metric: Mapped[str] = mapped_column(String(12))
    month_index: Mapped[int] = mapped_column(Integer)  # 1 = first month of the fiscal year
    amount: Mapped[int] = mapped_column(BigInteger)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit = relationship("BusinessUnit")
