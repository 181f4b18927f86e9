"""Route-walk samples for the expense and fixed-asset pages: one expense (paid from the bank),
one recurring template and one fixed asset in the given cooperative."""

from __future__ import annotations

from sqlalchemy import select

from outlet_pos.core.access import User
from outlet_pos.core.db import run_transaction
from outlet_pos.extensions import db


def records(coop, users) -> dict:
    from outlet_pos.core.assets.services import register_asset
    from outlet_pos.core.expenses.recurring import save_recurring
    from outlet_pos.core.expenses.services import record_expense

    treasurer = db.session.get(User, users["bendahara"]) or db.session.scalar(select(User))

    def action():
        day = coop.today()
        expense = record_expense(
            coop,
            treasurer,
            kind="expense",
            day=day,
            account="612100",
            amount=150_000,
            paid_from="112100",
            description="Listrik gerai",
            payee="PLN",
        )
        template = save_recurring(
            coop,
            treasurer,
            description="Sewa gerai",
            account="613100",
            amount=500_000,
            paid_from="112100",
            day_of_month=28,
        )
        asset = register_asset(
            coop,
            treasurer,
            name="Etalase kaca",
            account="121200",
            acquired_on=day,
            cost=3_600_000,
            life_months=36,
            funding="112100",
        )
        return {
            "expense_id": expense.id,
            "recurring_expense_id": template.id,
            "fixed_asset_id": asset.id,
        }

    return run_transaction(action)
