"""Pieces every endpoint module shares: paging, quantities as text, tenant lookups, the
caller's open shift."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from outlet_pos.api.schema import INT32_MAX, integer, nullable
from outlet_pos.api.spec import Param
from outlet_pos.core.errors import DomainError, NotFound
from outlet_pos.core.sales.models import Shift
from outlet_pos.extensions import db

MAX_LIMIT = 100
MAX_OFFSET = 10_000  # deeper pages cost a scan; narrow the search instead

PAGING = (
    Param("limit", integer(1, MAX_LIMIT, default=20), "Jumlah baris per halaman (1-100)."),
    Param(
        "offset",
        integer(0, MAX_OFFSET, default=0),
        "Lewati sekian baris pertama (0-10000); ambil halaman berikutnya dari next_offset.",
    ),
)
PAGE_PROPERTIES = {
    "limit": integer(1, MAX_LIMIT),
    "offset": integer(0, MAX_OFFSET),
    "next_offset": nullable(
        integer(1, MAX_OFFSET, description="null: tidak ada halaman berikutnya")
    ),
}
QTY_PATTERN = "^[0-9]{1,9}([.][0-9]{1,3})?$"
QTY_OUT = {
    "type": "string",
    "pattern": "^-?[0-9]+([.][0-9]+)?$",
    "description": "Kuantitas desimal sebagai teks, titik sebagai pemisah desimal.",
}


def page(rows: list, args: dict[str, Any]) -> tuple[list, dict[str, Any]]:
    """Slice rows fetched with ``limit + 1`` past ``offset``: the page and its paging fields."""
    limit, offset = args["limit"], args["offset"]
    more = len(rows) > offset + limit and offset + limit <= MAX_OFFSET
    return rows[offset : offset + limit], {
        "limit": limit,
        "offset": offset,
        "next_offset": offset + limit if more else None,
    }


def qty_text(value: Decimal | int | float | None, places: int = 3) -> str:
    """A quantity as plain decimal text: ``Decimal('12.500')`` -> ``"12.5"``, never ``1E+1``
    (SQLite hands sums back as floats: rounded to the column's places first)."""
    if value is None:
        return "0"
    d = Decimal(str(value)).quantize(Decimal(1).scaleb(-places)).normalize()
    text = format(d, "f")
    return "0" if text in ("-0", "0") else text


def in_coop(model, ident: int, coop, field: str | None = None, label: str = "Data"):
    """A tenant row of the caller's cooperative, or ``NotFound`` (another cooperative's id
    included: a 404 never confirms it exists)."""
    obj = db.session.get(model, ident) if 1 <= ident <= INT32_MAX else None
    if obj is None or obj.cooperative_id != coop.id:
        raise NotFound(f"{label} tidak ditemukan.", field=field)
    return obj


def open_shift(coop, user) -> Shift | None:
    """The caller's open shift in this cooperative (cash moves only inside one)."""
    return db.session.scalar(
        select(Shift).where(
            Shift.user_id == user.id, Shift.status == "open", Shift.cooperative_id == coop.id
        )
    )


def require_shift(coop, user) -> Shift:
    shift = open_shift(coop, user)
    if shift is None:
        err = DomainError(
            "Belum ada shift kasir yang terbuka untuk pengguna token ini; buka shift di layar "
            "kasir dulu.",
            field="shift",
        )
        err.code = "no_open_shift"
        raise err
    return shift
