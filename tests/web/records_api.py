"""Route-walk sample for the API token page: one token of the cashier in the given
cooperative, made by its pengurus, so the revoke route has a real token to act on."""

from __future__ import annotations

from outlet_pos.core.access import User
from outlet_pos.core.db import run_transaction
from outlet_pos.extensions import db


def records(coop, users) -> dict:
    from outlet_pos.api.tokens import create_token

    cashier = db.session.get(User, users["kasir"])
    manager = db.session.get(User, users["pengurus"])
    token, _secret = run_transaction(
        create_token, coop, cashier, "Tablet kasir", ["catalog:read"], 90, actor=manager
    )
    return {"token_id": token.id}
