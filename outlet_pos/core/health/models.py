"""Stored health assessments.

An assessment keeps its answers, figures and component results as JSON text: the books of a
month may still move after the mentor assessed it (a late entry, a reopened month), and the
history must show what was assessed then, not a recomputation.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outlet_pos.core.db import utcnow
from outlet_pos.extensions import db


class HealthAssessment(db.Model):
    __tablename__ = "health_assessment"
    __table_args__ = (Index("ix_health_assessment_coop_as_of", "cooperative_id", "as_of"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    as_of: Mapped[date] = mapped_column(Date)
    rubric_code: Mapped[str] = mapped_column(String(40))
    answers_json: Mapped[str] = mapped_column(Text, default="{}")
    figures_json: Mapped[str] = mapped_column(Text, default="{}")
    components_json: Mapped[str] = mapped_column(Text, default="[]")
    score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    category: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    assessed_by = relationship("User")

    @property
    def answers(self) -> dict[str, bool]:
        return json.loads(self.answers_json or "{}")

    @property
    def figures(self) -> dict[str, Any]:
        return json.loads(self.figures_json or "{}")

    @property
    def components(self) -> list[dict[str, Any]]:
        return json.loads(self.components_json or "[]")
