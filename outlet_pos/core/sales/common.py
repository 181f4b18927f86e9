"""What a sale and a refund share: the revenue, tax and cost accounts they post to, the
receipt number sequence, the idempotency lookup and the row lock of the counter."""

from __future__ import annotations

from sqlalchemy import bindparam, select

from outlet_pos.core.db import Prepared, pk
from outlet_pos.core.errors import ValidationError
from outlet_pos.core.sales.models import Sale
from outlet_pos.core.sales.sequences import next_value
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db

REVENUE = {"member": "411100", "general": "411200"}
PPN_ACCOUNT = "211600"
COGS_ACCOUNT = "511100"

_s = Sale.__table__
# Prebuilt and run straight on the driver (as in ledger.post): the counter sends a key with
# every submit, so a retried one is looked up on every checkout.
_IDEM = Prepared(
    select(_s.c.id, _s.c.kind).where(
        _s.c.cooperative_id == bindparam("coop"), _s.c.idempotency_key == bindparam("key")
    )
)


def lock_row(model, ident: int):
    """Reload one row and hold it for the rest of the transaction (PostgreSQL FOR UPDATE;
    SQLite writers are already serialised by BEGIN IMMEDIATE). Reads made before the lock
    may be stale, so callers re-check state after it."""
    stmt = select(model).where(model.id == ident).execution_options(populate_existing=True)
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return db.session.execute(stmt).scalar_one()


def receipt_number(coop_id: int, outlet_id: int, outlet_code: str, day) -> str:
    """GR01-20251021-0001: gapless per outlet and business day; sales and refunds share it."""
    seq = next_value(coop_id, f"receipt:{outlet_id}", day.isoformat())
    return f"{outlet_code}-{day:%Y%m%d}-{seq:04d}"


def existing_document(coop: Cooperative | int, key: str | None, kind: str) -> Sale | None:
    """The document a retried submit already made with ``key``; a key reused for another
    kind of document (a refund's key on a sale) is refused rather than answered."""
    if not key:
        return None
    found = _IDEM.first(db.session.connection(), {"coop": pk(coop), "key": key})
    if found is None:
        return None
    if found.kind != kind:
        raise ValidationError("Kunci transaksi sudah dipakai dokumen lain.", field="key")
    return db.session.get(Sale, found.id)
