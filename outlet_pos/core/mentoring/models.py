"""The mentor's own settings: alert thresholds.

Thresholds belong to the mentor, not to a cooperative: one mentor judges ten cooperatives by
one yardstick, and tuning it must not touch any cooperative's data.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from outlet_pos.core.db import utcnow
from outlet_pos.extensions import db


class MentorSettings(db.Model):
    __tablename__ = "mentor_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    thresholds_json: Mapped[str] = mapped_column(Text, default="{}")
    digest_weekday: Mapped[int] = mapped_column(Integer, default=0)  # 0 = Monday
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def thresholds(self) -> dict:
        return json.loads(self.thresholds_json or "{}")
