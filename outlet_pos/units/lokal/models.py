"""Tables of local business units made from a form (DESIGN §3.11).

A local unit is an ordinary ``business_unit`` of kind ``lokal``; what makes it a fish auction,
an LPG base or a cold room is its *profile*: the template it was made from, the flows it uses
and a few settings. Keeping that in one row (not in code) is what lets a cooperative open a
new unit from a form. The other tables are the records the templates keep beside the ledger:
LPG sales per NIK (the quota and the distributor's logbook), crates in the cold room, and
agent (PPOB/bank) transactions with their settlements.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outlet_pos.core.db import utcnow
from outlet_pos.extensions import db

FLOWS = {
    "jual": "Penjualan di kasir",
    "beli_anggota": "Pembelian dari anggota",
    "sewa": "Sewa & jasa",
    "fee_agen": "Fee agen (PPOB/bank)",
}

# template code -> (label, default flows, default settings, description)
TEMPLATES: dict[str, tuple[str, list[str], dict[str, Any], str]] = {
    "umum": ("Usaha umum", ["jual"], {}, "Unit yang menjual barang lewat kasir biasa."),
    "perikanan": (
        "Perikanan / TPI",
        ["jual", "beli_anggota"],
        {},
        "Membeli ikan dari anggota nelayan (dibayar tunai atau ke simpanan sukarela) "
        "dan menjualnya lagi.",
    ),
    "peternakan": (
        "Peternakan",
        ["jual", "beli_anggota"],
        {},
        "Catatan ternak, pembelian dari peternak anggota dan penjualan hasil ternak.",
    ),
    "lpg": (
        "Pangkalan LPG 3 kg",
        ["jual"],
        {"limit_per_nik_per_day": 2, "het": 18000},
        "Penjualan tabung LPG 3 kg dengan NIK pembeli, batas per NIK per hari dan HET; "
        "logbook harian untuk agen/distributor.",
    ),
    "cold_storage": (
        "Cold storage",
        ["sewa"],
        {"rate_per_crate_per_day": 5000},
        "Titip krat di ruang pendingin; tarif per krat per hari ditagih saat keluar.",
    ),
    "agen": (
        "Agen PPOB / agen bank",
        ["fee_agen"],
        {"types": {}},
        "Pulsa, token listrik, BPJS, tarik/setor tunai dan transfer; dana titipan dan fee.",
    ),
}


class LocalUnitProfile(db.Model):
    """What a local unit is, beside its ``business_unit`` row: one row per unit."""

    __tablename__ = "local_unit_profile"

    unit_id: Mapped[int] = mapped_column(ForeignKey("business_unit.id"), primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    template: Mapped[str] = mapped_column(String(20), default="umum")
    flows_json: Mapped[str] = mapped_column(Text, default="[]")
    settings_json: Mapped[str] = mapped_column(Text, default="{}")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit = relationship("BusinessUnit")

    @property
    def flows(self) -> list[str]:
        return list(json.loads(self.flows_json or "[]"))

    @flows.setter
    def flows(self, value: list[str]) -> None:
        self.flows_json = json.dumps([f for f in FLOWS if f in set(value)])

    @property
    def settings(self) -> dict[str, Any]:
        return dict(json.loads(self.settings_json or "{}"))

    @settings.setter
    def settings(self, value: dict[str, Any]) -> None:
        self.settings_json = json.dumps(value, sort_keys=True)

    @property
    def template_label(self) -> str:
        return TEMPLATES.get(self.template, (self.template,))[0]

    def has_flow(self, flow: str) -> bool:
        return flow in self.flows


def profile_of(unit: Any) -> LocalUnitProfile | None:
    """The profile of a local unit (``None`` for units of other kinds or made in code)."""
    if unit is None:
        return None
    unit_id = unit if isinstance(unit, int) else unit.id
    return db.session.get(LocalUnitProfile, unit_id)


class LpgSale(db.Model):
    """Tabung sold to one NIK on one sale line; a refund writes a negative row so the day's
    sum per NIK is the quota used and the logbook shows what really left the base."""

    __tablename__ = "lpg_sale"
    __table_args__ = (
        Index("ix_lpg_sale_coop_unit_day_nik", "cooperative_id", "unit_id", "day", "nik"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("business_unit.id"))
    day: Mapped[date] = mapped_column(Date)
    nik: Mapped[str] = mapped_column(String(16))
    buyer_name: Mapped[str] = mapped_column(String(200), default="")
    qty: Mapped[Decimal] = mapped_column(Numeric(14, 3))
    amount: Mapped[int] = mapped_column(BigInteger)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    sale_id: Mapped[int] = mapped_column(ForeignKey("sale.id"), index=True)
    sale_line_id: Mapped[int | None] = mapped_column(ForeignKey("sale_line.id"), index=True)
    cashier_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ColdStorageLot(db.Model):
    """Crates of one owner in the cold room, from check-in until billed at check-out."""

    __tablename__ = "cold_storage_lot"
    __table_args__ = (UniqueConstraint("cooperative_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("business_unit.id"), index=True)
    number: Mapped[str] = mapped_column(String(30))
    owner_name: Mapped[str] = mapped_column(String(200))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    crates: Mapped[int] = mapped_column(Integer)
    checked_in: Mapped[date] = mapped_column(Date)
    rate: Mapped[int] = mapped_column(BigInteger)  # rupiah per crate per day, fixed at check-in
    note: Mapped[str] = mapped_column(String(300), default="")
    checked_out: Mapped[date | None] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer, default=0)
    amount: Mapped[int] = mapped_column(BigInteger, default=0)
    payment: Mapped[str] = mapped_column(String(10), default="")  # tunai | kredit
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shift.id"))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    checked_out_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    member = relationship("Member")
    unit = relationship("BusinessUnit")


class AgentSettlement(db.Model):
    """Money paid to (or received from) the PPOB/bank provider that clears the agent float."""

    __tablename__ = "agent_settlement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("business_unit.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)  # + paid to provider, - received
    account_code: Mapped[str] = mapped_column(String(20))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AgentTxn(db.Model):
    """One PPOB/bank-agent transaction at the counter: money passed through plus the fee."""

    __tablename__ = "agent_txn"
    __table_args__ = (
        Index("ix_agent_txn_coop_unit_day", "cooperative_id", "unit_id", "day"),
        UniqueConstraint("cooperative_id", "idempotency_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("business_unit.id"))
    day: Mapped[date] = mapped_column(Date)
    txn_type: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(BigInteger)
    fee: Mapped[int] = mapped_column(BigInteger, default=0)
    customer: Mapped[str] = mapped_column(String(200), default="")
    reference: Mapped[str] = mapped_column(String(100), default="")
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shift.id"))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    settlement_id: Mapped[int | None] = mapped_column(ForeignKey("agent_settlement.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # the form's one-time key: a double submit returns the first transaction, not a second one
    idempotency_key: Mapped[str | None] = mapped_column(String(64))
    # a wrong transaction is reversed (never edited); the reversal leaves it out of the float
    void_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entry.id"))
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    voided_at: Mapped[datetime | None] = mapped_column()
    void_reason: Mapped[str | None] = mapped_column(String(300))
