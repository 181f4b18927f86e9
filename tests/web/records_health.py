"""Route-walk sample for the health pages: one stored assessment in the given cooperative."""

from __future__ import annotations

from sqlalchemy import select

from outlet_pos.core.access import User
from outlet_pos.core.db import run_transaction
from outlet_pos.extensions import db


def records(coop, users) -> dict:
    from outlet_pos.core.health.services import save_assessment

    mentor = db.session.get(User, users["pendamping"]) or db.session.scalar(select(User))
    row = run_transaction(
        save_assessment, coop, coop.today(), {"umum_01": True}, mentor, "Sampel route walk"
    )
    return {"assessment_id": row.id}
