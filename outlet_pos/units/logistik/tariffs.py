"""Courier partners, dated zone tariffs and the destination -> zone rule.

Zones are data, not code: ``outlet_pos/data/parcel_zones.csv`` maps each province (BPS code
and name) to its long-distance zone (JAWA, LUAR_JAWA, INDONESIA_TIMUR). The two near zones
come from the cooperative's own address: the same kabupaten is DALAM_KAB, the same province
DALAM_PROV. A courier that draws its map differently only needs the CSV changed.

Tariff rows are append-only: a price change is a new row with a later ``valid_from``, so a
parcel taken last month can still be explained with the price it was charged.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources

from sqlalchemy import select

from outlet_pos.core.audit import record
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.money import format_rupiah
from outlet_pos.units.logistik.models import SERVICES, ZONES, Courier, ZoneTariff

MAX_TARIFF = 10_000_000  # per kilogram; far above any real price, catches a typo'd zero


@dataclass(frozen=True)
class Province:
    code: str
    name: str
    zone: str


def _norm(text: str) -> str:
    """Compare province names the way people type them: case, spaces, dots and the word
    'provinsi' / 'prov' do not matter."""
    words = (text or "").lower().replace(".", " ").split()
    return " ".join(w for w in words if w not in {"provinsi", "prov"})


def _norm_regency(text: str) -> str:
    """A kabupaten/kota name in one form. "Kota" DOES matter: Kota Bandung and Kabupaten
    Bandung are different regencies (one to the other is DALAM_PROV, not DALAM_KAB), so
    "kota" is kept, while "Kabupaten", "Kab." and a bare name ("Bandung", as the kabupaten is
    usually written) all become "kab bandung"."""
    words = _norm(text).split()
    if words and words[0] in ("kabupaten", "kab"):
        words = words[1:]
    if words and words[0] == "kota":
        return " ".join(words)
    return " ".join(["kab", *words]) if words else ""


@cache
def provinces() -> tuple[Province, ...]:
    """The shipped province -> zone table (read once)."""
    text = resources.files("outlet_pos.data").joinpath("parcel_zones.csv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple(Province(r["kode"], r["provinsi"], r["zona"]) for r in rows)


def province_named(name: str) -> Province | None:
    wanted = _norm(name)
    for p in provinces():
        if _norm(p.name) == wanted or p.code == wanted:
            return p
    return None


def zone_for(coop: Cooperative, provinsi: str, kabupaten: str = "") -> str:
    """The tariff zone of a destination, from the cooperative's own address and the CSV."""
    dest = province_named(provinsi)
    if dest is None:
        raise ValidationError("Provinsi tujuan tidak dikenal; pilih dari daftar.",
                              field="receiver_provinsi")  # fmt: skip
    home = province_named(coop.provinsi or "")
    if home is not None and home.code == dest.code:
        if (
            kabupaten
            and coop.kabupaten
            and _norm_regency(kabupaten) == _norm_regency(coop.kabupaten)
        ):
            return "DALAM_KAB"
        return "DALAM_PROV"
    return dest.zone


def tariff_on(coop: Cooperative, courier: Courier, service: str, zone: str,
              day: date) -> ZoneTariff | None:  # fmt: skip
    """The row in force on ``day``: the latest ``valid_from`` on or before it."""
    return db.session.scalars(
        select(ZoneTariff)
        .where(
            ZoneTariff.cooperative_id == coop.id,
            ZoneTariff.courier_id == courier.id,
            ZoneTariff.service == service,
            ZoneTariff.zone == zone,
            ZoneTariff.valid_from <= day,
        )
        .order_by(ZoneTariff.valid_from.desc(), ZoneTariff.id.desc())
        .limit(1)
    ).first()


def tariff_table(coop: Cooperative, day: date) -> list[tuple[ZoneTariff, bool]]:
    """Every row, newest first per key, flagged whether it is the one in force on ``day``."""
    rows = db.session.scalars(
        select(ZoneTariff)
        .where(ZoneTariff.cooperative_id == coop.id)
        .order_by(
            ZoneTariff.courier_id, ZoneTariff.service, ZoneTariff.zone, ZoneTariff.valid_from.desc()
        )  # fmt: skip
    ).all()
    seen: set[tuple] = set()
    out = []
    for row in rows:
        key = (row.courier_id, row.service, row.zone)
        current = row.valid_from <= day and key not in seen
        if current:
            seen.add(key)
        out.append((row, current))
    return out


def couriers(coop: Cooperative, *, active_only: bool = False) -> list[Courier]:
    stmt = select(Courier).where(Courier.cooperative_id == coop.id).order_by(Courier.name)
    if active_only:
        stmt = stmt.where(Courier.active.is_(True))
    return list(db.session.scalars(stmt))


def _decimal(raw: object, field: str, label: str, low: Decimal, high: Decimal) -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", ".")) if raw not in (None, "") else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or not low <= value <= high:
        raise ValidationError(f"{label} harus angka {low}–{high}.", field=field)
    return value


def save_courier(coop: Cooperative, user, *, code: str, name: str, commission_percent,
                 rounding_kg, insurance_rate_percent, insurance_min: int | None,
                 active: bool = True, courier: Courier | None = None) -> Courier:  # fmt: skip
    """Add or change a courier partner. Terms apply to parcels taken from now on; a parcel
    keeps the fee it was charged."""
    code = (code or "").strip().upper()
    name = (name or "").strip()
    if not code or len(code) > 20 or not code.replace("-", "").replace("_", "").isalnum():
        raise ValidationError("Kode kurir 1–20 huruf/angka.", field="code")
    if not name or len(name) > 120:
        raise ValidationError("Nama kurir wajib diisi (maks. 120 karakter).", field="name")
    commission = _decimal(commission_percent, "commission_percent", "Komisi agen (%)",
                          Decimal(0), Decimal(100))  # fmt: skip
    step = _decimal(rounding_kg, "rounding_kg", "Pembulatan berat (kg)", Decimal("0.1"),
                    Decimal(5))  # fmt: skip
    rate = _decimal(insurance_rate_percent, "insurance_rate_percent", "Tarif asuransi (%)",
                    Decimal(0), Decimal(10)) / 100  # fmt: skip
    if insurance_min is None or not 0 <= insurance_min <= 1_000_000:
        raise ValidationError("Biaya asuransi minimum Rp0–Rp1.000.000.", field="insurance_min")
    clash = db.session.scalars(
        select(Courier).where(Courier.cooperative_id == coop.id, Courier.code == code)
    ).first()
    if clash is not None and clash is not courier:
        raise ValidationError(f"Kode kurir {code} sudah dipakai.", field="code")
    if courier is None:
        courier = Courier(cooperative_id=coop.id)
        db.session.add(courier)
    courier.code, courier.name, courier.active = code, name, bool(active)
    courier.commission_percent, courier.rounding_kg = commission, step
    courier.insurance_rate, courier.insurance_min = rate, insurance_min
    db.session.flush()
    record("parcel.courier", user=user, cooperative=coop, target=code,
           detail={"commission_percent": commission, "rounding_kg": step})  # fmt: skip
    return courier


def add_tariff(coop: Cooperative, user, *, courier_id: int | None, service: str, zone: str,
               first_kg: int | None, next_kg: int | None, valid_from: date | None,
               eta_days: str = "") -> ZoneTariff:  # fmt: skip
    """Add a dated price row. A date in the past is refused: it would change what parcels
    already taken should have cost (corrections are a new row from today)."""
    courier = db.session.get(Courier, courier_id) if courier_id else None
    if courier is None or courier.cooperative_id != coop.id:
        raise ValidationError("Pilih kurir.", field="courier")
    if service not in SERVICES:
        raise ValidationError("Pilih layanan.", field="service")
    if zone not in ZONES:
        raise ValidationError("Pilih zona.", field="zone")
    for field, value in (("first_kg", first_kg), ("next_kg", next_kg)):
        if value is None or not 0 < value <= MAX_TARIFF:
            raise ValidationError(f"Tarif per kg harus Rp1–{format_rupiah(MAX_TARIFF)}.",
                                  field=field)  # fmt: skip
    if valid_from is None:
        raise ValidationError("Isi tanggal berlaku.", field="valid_from")
    if valid_from < coop.today():
        raise DomainError(
            "Tarif tidak dapat berlaku surut; tarif lama tetap seperti adanya. "
            "Pakai tanggal hari ini atau sesudahnya.",
            field="valid_from",
        )
    eta_days = (eta_days or "").strip()
    if len(eta_days) > 20:
        raise ValidationError("Estimasi maksimal 20 karakter.", field="eta_days")
    duplicate = db.session.scalars(
        select(ZoneTariff.id).where(
            ZoneTariff.cooperative_id == coop.id,
            ZoneTariff.courier_id == courier.id,
            ZoneTariff.service == service,
            ZoneTariff.zone == zone,
            ZoneTariff.valid_from == valid_from,
        )  # fmt: skip
    ).first()
    if duplicate is not None:
        raise DomainError("Sudah ada tarif untuk kurir, layanan, zona dan tanggal itu; tarif "
                          "tidak diubah, tambahkan baris dengan tanggal lain.",
                          field="valid_from")  # fmt: skip
    row = ZoneTariff(cooperative_id=coop.id, courier_id=courier.id, service=service, zone=zone,
                     first_kg=first_kg, next_kg=next_kg, valid_from=valid_from,
                     eta_days=eta_days, created_by_id=getattr(user, "id", user))  # fmt: skip
    db.session.add(row)
    db.session.flush()
    record("parcel.tariff", user=user, cooperative=coop, target=f"{courier.code} {service} {zone}",
           detail={"first_kg": first_kg, "next_kg": next_kg, "valid_from": valid_from})  # fmt: skip
    return row
