"""Tables of the parcel desk: courier partners, dated zone tariffs, parcels and their timeline.

The outlet is an *agent* of a courier partner: the shipping fee belongs to the partner less
the agent's commission (``Courier.commission_percent``), so the money side
(``money_models``/``money.py``) reads these rows to post the payable and the commission.
Tariffs are dated rows, never edited: the tariff on a day is the row with the latest
``valid_from`` on or before that day, so an old parcel can always be re-quoted as it was.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outlet_pos.core.db import utcnow
from outlet_pos.extensions import db

SERVICES = {"REG": "Reguler", "EKONOMI": "Ekonomi", "KILAT": "Kilat"}
ZONES = {
    "DALAM_KAB": "Dalam kabupaten",
    "DALAM_PROV": "Dalam provinsi",
    "JAWA": "Jawa",
    "LUAR_JAWA": "Luar Jawa",
    "INDONESIA_TIMUR": "Indonesia Timur",
}
# The timeline, in order; ``parcels.TRANSITIONS`` says which moves are allowed.
STATUSES = {
    "diterima": "Diterima di loket",
    "diserahkan_ke_kurir": "Diserahkan ke kurir",
    "dalam_perjalanan": "Dalam perjalanan",
    "terkirim": "Terkirim",
    "dikembalikan": "Dikembalikan",
}
KINDS = {"kiriman": "Kiriman pelanggan", "antar_barang": "Antar barang koperasi"}


class Courier(db.Model):
    """A courier partner the outlet is agent for. Rounding and insurance terms are data here
    because each partner sets its own (one rounds to 0,5 kg, another to whole kilograms)."""

    __tablename__ = "courier"
    __table_args__ = (UniqueConstraint("cooperative_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    # The agent's share of the shipping fee, in percent (10 = 10%).
    commission_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(0))
    # Billable weight is rounded UP to a multiple of this step (0,5 or 1 kg).
    rounding_kg: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("1"))
    # Insurance fee = declared value × rate (a fraction, 0.002 = 0,2%), at least the minimum.
    insurance_rate: Mapped[Decimal] = mapped_column(Numeric(9, 6), default=Decimal("0.002"))
    insurance_min: Mapped[int] = mapped_column(BigInteger, default=1000)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ZoneTariff(db.Model):
    """One dated price row: first kilogram and each further kilogram for a courier, service and
    zone. A new price is a new row with a later ``valid_from``; past rows are never edited."""

    __tablename__ = "zone_tariff"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "courier_id", "service", "zone", "valid_from"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    courier_id: Mapped[int] = mapped_column(ForeignKey("courier.id"), index=True)
    service: Mapped[str] = mapped_column(String(10))
    zone: Mapped[str] = mapped_column(String(20))
    first_kg: Mapped[int] = mapped_column(BigInteger)
    next_kg: Mapped[int] = mapped_column(BigInteger)
    valid_from: Mapped[date] = mapped_column(Date)
    eta_days: Mapped[str] = mapped_column(String(20), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    courier: Mapped[Courier] = relationship()


class Parcel(db.Model):
    """A parcel taken in at the desk (``kiriman``) or a delivery of the cooperative's own goods
    to a member's house (``antar_barang``, linked to its sale). Weights are Decimal kg, money
    integer rupiah; ``total_due`` (fee + insurance) is what the sender pays at intake, the COD
    amount is collected from the receiver later and held as a liability."""

    __tablename__ = "parcel"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "number"),
        UniqueConstraint("cooperative_id", "public_id"),
        # A double-submitted intake form carries the same key: the second submit finds the
        # first parcel instead of taking the sender's money twice.
        UniqueConstraint("cooperative_id", "idempotency_key"),
        Index("ix_parcel_coop_status", "cooperative_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    public_id: Mapped[str] = mapped_column(String(36))
    number: Mapped[str] = mapped_column(String(30))  # KDMP-2026-000001, gapless per year
    kind: Mapped[str] = mapped_column(String(20), default="kiriman")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("business_unit.id"))
    courier_id: Mapped[int] = mapped_column(ForeignKey("courier.id"), index=True)
    tariff_id: Mapped[int | None] = mapped_column(ForeignKey("zone_tariff.id"))
    service: Mapped[str] = mapped_column(String(10))
    business_date: Mapped[date] = mapped_column(Date)

    sender_name: Mapped[str] = mapped_column(String(200))
    sender_phone: Mapped[str] = mapped_column(String(20), default="")
    sender_address: Mapped[str] = mapped_column(String(300), default="")
    sender_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    receiver_name: Mapped[str] = mapped_column(String(200))
    receiver_phone: Mapped[str] = mapped_column(String(20), default="")
    receiver_address: Mapped[str] = mapped_column(String(300), default="")
    receiver_desa: Mapped[str] = mapped_column(String(100), default="")
    receiver_kabupaten: Mapped[str] = mapped_column(String(100), default="")
    receiver_provinsi: Mapped[str] = mapped_column(String(100), default="")
    zone: Mapped[str] = mapped_column(String(20))
    contents: Mapped[str] = mapped_column(String(200), default="")

    actual_kg: Mapped[Decimal] = mapped_column(Numeric(18, 3))
    length_cm: Mapped[Decimal] = mapped_column(Numeric(8, 1), default=Decimal(0))
    width_cm: Mapped[Decimal] = mapped_column(Numeric(8, 1), default=Decimal(0))
    height_cm: Mapped[Decimal] = mapped_column(Numeric(8, 1), default=Decimal(0))
    volumetric_kg: Mapped[Decimal] = mapped_column(Numeric(18, 3), default=Decimal(0))
    billable_kg: Mapped[Decimal] = mapped_column(Numeric(18, 3))

    shipping_fee: Mapped[int] = mapped_column(BigInteger, default=0)
    insurance_value: Mapped[int] = mapped_column(BigInteger, default=0)
    insurance_fee: Mapped[int] = mapped_column(BigInteger, default=0)
    cod_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    total_due: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(24), default="diterima")

    # Filled by the money side (money.post_intake) and by deliveries of sold goods.
    paid: Mapped[bool] = mapped_column(Boolean, default=False)
    payment_method: Mapped[str] = mapped_column(String(10), default="")
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shift.id"))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    sale_id: Mapped[int | None] = mapped_column(ForeignKey("sale.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(64))

    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    courier: Mapped[Courier] = relationship()
    tariff: Mapped[ZoneTariff | None] = relationship()
    sender_member = relationship("Member")
    created_by = relationship("User", foreign_keys=[created_by_id])
    events: Mapped[list[ParcelEvent]] = relationship(
        back_populates="parcel", order_by="ParcelEvent.id"
    )

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)

    @property
    def is_cod(self) -> bool:
        return self.cod_amount > 0


class ParcelEvent(db.Model):
    """One step of the timeline: who moved the parcel to which status, when and where."""

    __tablename__ = "parcel_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    parcel_id: Mapped[int] = mapped_column(ForeignKey("parcel.id"), index=True)
    status: Mapped[str] = mapped_column(String(24))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    place: Mapped[str] = mapped_column(String(120), default="")
    note: Mapped[str] = mapped_column(String(300), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    parcel: Mapped[Parcel] = relationship(back_populates="events")
    user = relationship("User")

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)
