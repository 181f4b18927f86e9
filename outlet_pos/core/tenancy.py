"""Cooperative -> Outlets -> BusinessUnits, and the one helper that scopes tenant queries.

Every tenant table carries ``cooperative_id`` and every unique constraint includes it, so a
district server can later be sharded by cooperative (Citus) without reshaping the schema.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from flask import abort, g
from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy import select as sa_select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outlet_pos.core.db import utcnow
from outlet_pos.extensions import db

M = TypeVar("M")
# Every id column is a 32-bit INTEGER: a larger number names no row, and PostgreSQL refuses
# to compare an id with it ("integer out of range"), so it is a 404 before any query.
MAX_ROW_ID = 2**31 - 1


def parse_id(raw: object) -> int | None:
    """A row id typed into a form or a URL query (``"12"``), or None: ``"²".isdigit()`` is
    true but ``int`` refuses it, and ``int`` of 10,000 digits raises (found by tests/fuzz)."""
    text = str(raw).strip() if raw is not None else ""
    if not (text.isascii() and text.isdigit() and len(text) <= 10):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ROW_ID else None


TIMEZONES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}

UNIT_KINDS = {
    "sembako": "Sembako",
    "pupuk": "Pupuk & Saprotan",
    "simpan_pinjam": "Simpan Pinjam",
    "klinik": "Klinik Desa",
    "apotek": "Apotek Desa",
    "logistik": "Pos & Logistik",
    "lokal": "Usaha Lokal",
}

# Default SHU allocation (DESIGN §3.5), percentages summing to 100; AD/ART may change it.
DEFAULT_SHU_ALLOCATION = {
    "cadangan": 40,
    "jasa_modal": 20,
    "jasa_usaha": 20,
    "pengurus": 5,
    "karyawan": 5,
    "pendidikan": 5,
    "sosial": 5,
}


class Cooperative(db.Model):
    __tablename__ = "cooperative"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    legal_number: Mapped[str] = mapped_column(String(100), default="")  # nomor badan hukum
    nik_koperasi: Mapped[str] = mapped_column(String(40), default="")
    npwp: Mapped[str] = mapped_column(String(16), default="")
    is_pkp: Mapped[bool] = mapped_column(Boolean, default=False)
    address: Mapped[str] = mapped_column(String(300), default="")
    desa: Mapped[str] = mapped_column(String(100), default="")
    kecamatan: Mapped[str] = mapped_column(String(100), default="")
    kabupaten: Mapped[str] = mapped_column(String(100), default="")
    provinsi: Mapped[str] = mapped_column(String(100), default="")
    region_code: Mapped[str] = mapped_column(String(13), default="")  # kode wilayah desa
    timezone: Mapped[str] = mapped_column(String(4), default="WIB")
    fiscal_year_start_month: Mapped[int] = mapped_column(Integer, default=1)
    simpanan_pokok_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    simpanan_wajib_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    shu_allocation_json: Mapped[str] = mapped_column(
        Text, default=lambda: json.dumps(DEFAULT_SHU_ALLOCATION)
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Head of the journal hash chain; locked FOR UPDATE while posting, so it also
    # serialises numbering within one cooperative.
    ledger_head_hash: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    outlets: Mapped[list[Outlet]] = relationship(back_populates="cooperative", order_by="Outlet.id")
    units: Mapped[list[BusinessUnit]] = relationship(
        back_populates="cooperative", order_by="BusinessUnit.id"
    )

    @property
    def shu_allocation(self) -> dict[str, int]:
        return json.loads(self.shu_allocation_json or "{}")

    @shu_allocation.setter
    def shu_allocation(self, value: dict[str, int]) -> None:
        if sum(value.values()) != 100:
            from outlet_pos.core.errors import ValidationError

            raise ValidationError("Pembagian SHU harus berjumlah 100%.")
        self.shu_allocation_json = json.dumps(value)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(TIMEZONES.get(self.timezone, "Asia/Jakarta"))

    def today(self) -> date:
        """The business date: today in the cooperative's own time zone, not the server's."""
        return datetime.now(self.zone).date()

    def local_time(self, utc: datetime) -> datetime:
        from datetime import UTC

        return utc.replace(tzinfo=UTC).astimezone(self.zone)


class Outlet(db.Model):
    __tablename__ = "outlet"
    __table_args__ = (UniqueConstraint("cooperative_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    cooperative: Mapped[Cooperative] = relationship(back_populates="outlets")


class BusinessUnit(db.Model):
    __tablename__ = "business_unit"
    __table_args__ = (UniqueConstraint("cooperative_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    outlet_id: Mapped[int | None] = mapped_column(ForeignKey("outlet.id"))
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    cooperative: Mapped[Cooperative] = relationship(back_populates="units")
    outlet: Mapped[Outlet | None] = relationship()

    @property
    def kind_label(self) -> str:
        return UNIT_KINDS.get(self.kind, self.kind)


# --- scoping ---------------------------------------------------------------------------


def current_cooperative() -> Cooperative | None:
    """The cooperative the signed-in user is working in (chosen at login or switched)."""
    return getattr(g, "cooperative", None)


def require_cooperative() -> Cooperative:
    coop = current_cooperative()
    if coop is None:
        abort(404)
    return coop


def scoped(model: type[M], coop: Cooperative | None = None) -> Any:
    """``select(model)`` filtered to one cooperative: the only way views query tenant tables."""
    coop = coop or require_cooperative()
    return sa_select(model).where(model.cooperative_id == coop.id)  # type: ignore[attr-defined]


def get_scoped_or_404(model: type[M], ident: Any, coop: Cooperative | None = None) -> M:
    """Fetch one tenant row of the current cooperative; another cooperative's id is a 404."""
    coop = coop or require_cooperative()
    try:
        ident = int(ident)
    except (TypeError, ValueError):
        abort(404)
    if not 0 < ident <= MAX_ROW_ID:  # no row has it, and the database refuses to compare
        abort(404)
    obj = db.session.get(model, ident)
    if obj is None or obj.cooperative_id != coop.id:  # type: ignore[attr-defined]
        abort(404)
    return obj
