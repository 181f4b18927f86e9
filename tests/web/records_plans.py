"""Route-walk sample for the business-plan pages: one sales target for the first unit of the
given cooperative in the 2025 fiscal year (the year the walk opens), so the overview, the
entry form and the comparison render with a saved plan, not only an empty one."""

from __future__ import annotations

from sqlalchemy import select

from outlet_pos.core.access import User
from outlet_pos.core.db import run_transaction
from outlet_pos.core.tenancy import BusinessUnit
from outlet_pos.extensions import db


def records(coop, users) -> dict:
    from outlet_pos.core.plans.services import save_plan, spread

    manager = db.session.get(User, users["pengurus"])
    unit = db.session.scalar(
        select(BusinessUnit).where(BusinessUnit.cooperative_id == coop.id).order_by(BusinessUnit.id)
    )
    run_transaction(save_plan, coop, manager, 2025, unit.id, "sales", spread(12_000_000))
    return {}
