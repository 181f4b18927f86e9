"""Opening a local unit from a form, its catalog, and what it sold (DESIGN §3.11).

A local unit is a ``business_unit`` of kind ``lokal`` plus its profile row; both are written by
``create_local_unit`` in the caller's one transaction, so a refusal (a code already used, a bad
setting) leaves neither behind. Nothing else is needed for the unit to trade: its items sell
through the core's ``checkout`` and its journal lines carry its unit id, which is all the
income statement per unit and the navigation look at.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from outlet_pos.core.audit import record
from outlet_pos.core.errors import DomainError, NotFound, ValidationError
from outlet_pos.core.inventory.catalog import UnitSpec, save_item
from outlet_pos.core.inventory.models import Item
from outlet_pos.core.ledger import balances
from outlet_pos.core.onboarding import save_unit
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db
from outlet_pos.units.lokal.models import FLOWS, TEMPLATES, LocalUnitProfile, profile_of

MAX_RATE = 10_000_000  # rupiah per crate per day / per tabung: a guard against typos
AGENT_TYPE_FEES = ("pulsa", "token_listrik", "bpjs", "tarik_tunai", "setor_tunai", "transfer")


def _int_setting(raw: Any, label: str, field: str, *, lo: int, hi: int) -> int:
    text = str(raw if raw is not None else "").strip().replace(".", "")
    digits = text.isascii() and text.isdigit() and len(text) <= 15
    if not digits or not lo <= int(text) <= hi:
        raise ValidationError(f"{label} harus bilangan bulat {lo} sampai {hi:,}.".replace(",", "."),
                              field=field)  # fmt: skip
    return int(text)


def _subsidised(raw: dict[str, Any]) -> dict[str, Any]:
    """The LPG base's subsidised item ids, when chosen; absent means "every item whose name
    has 3 kg" (items are added after the unit is opened, so the default must stay live)."""
    ids = raw.get("subsidised_item_ids")
    if ids is None:
        return {}
    if not isinstance(ids, list | tuple | set) or any(type(i) is not int for i in ids):
        raise ValidationError("Pilihan barang bersubsidi tidak valid.", field="subsidised")
    return {"subsidised_item_ids": sorted(set(ids))}


def clean_settings(template: str, raw: dict[str, Any]) -> dict[str, Any]:
    """The settings a template uses, checked; anything else given is dropped."""
    if template == "lpg":
        return {
            "limit_per_nik_per_day": _int_setting(raw.get("limit_per_nik_per_day"),
                                                  "Batas tabung per NIK per hari",
                                                  "limit_per_nik_per_day", lo=1, hi=100),
            "het": _int_setting(raw.get("het"), "HET per tabung", "het", lo=1, hi=MAX_RATE),
        } | _subsidised(raw)  # fmt: skip
    if template == "cold_storage":
        rate = _int_setting(raw.get("rate_per_crate_per_day"), "Tarif per krat per hari",
                            "rate_per_crate_per_day", lo=1, hi=MAX_RATE)  # fmt: skip
        return {"rate_per_crate_per_day": rate}
    if template == "agen":
        types = raw.get("types") or {}
        fees = {}
        for code in AGENT_TYPE_FEES:
            value = types.get(code)
            if value not in (None, ""):
                fees[code] = _int_setting(value, "Fee bawaan", f"fee_{code}", lo=0, hi=MAX_RATE)
        return {"types": fees}
    return {}


def create_local_unit(
    coop: Cooperative,
    user,
    *,
    name: str,
    code: str,
    outlet_id: int | None,
    template: str,
    flows: list[str],
    settings: dict[str, Any] | None = None,
) -> BusinessUnit:
    """The unit and its profile (flush only); one audit row says who opened it."""
    if template not in TEMPLATES:
        raise ValidationError("Pilih template unit.", field="template")
    flows = [f for f in FLOWS if f in set(flows or [])]
    unknown = set(flows or []) - set(FLOWS)
    if unknown or not flows:
        raise ValidationError("Pilih paling sedikit satu alur usaha.", field="flows")
    clean = clean_settings(template, settings or {})
    unit = save_unit(coop, code, name, "lokal", outlet_id, user=user)
    profile = LocalUnitProfile(
        unit_id=unit.id,
        cooperative_id=coop.id,
        template=template,
        created_by_id=getattr(user, "id", None),
    )
    profile.flows = flows
    profile.settings = clean
    db.session.add(profile)
    db.session.flush()
    record("local.unit.create", user=user, cooperative=coop, target=unit.code,
           detail={"template": template, "flows": flows, "settings": clean})  # fmt: skip
    return unit


def update_settings(coop: Cooperative, unit: BusinessUnit, user, raw: dict[str, Any]) -> None:
    """Change a unit's settings (a new HET, a new rate); earlier records keep their values."""
    profile = _profile(coop, unit)
    profile.settings = clean_settings(profile.template, raw)
    db.session.flush()
    record("local.unit.settings", user=user, cooperative=coop, target=unit.code,
           detail=profile.settings)  # fmt: skip


def set_subsidised_items(coop: Cooperative, unit: BusinessUnit, user, item_ids: list[int]) -> None:
    """Choose which items of an LPG base are subsidised (NIK, limit per NIK and HET apply to
    those only); the base may also sell non-subsidised tabung, regulators or hoses freely."""
    profile = _profile(coop, unit)
    if profile.template != "lpg":
        raise DomainError("Barang bersubsidi hanya untuk pangkalan LPG.")
    mine = {i.id for i in unit_items(coop, unit)}
    if not set(item_ids) <= mine:
        raise ValidationError("Barang tidak ada di katalog unit ini.", field="subsidised")
    update_settings(coop, unit, user, profile.settings | {"subsidised_item_ids": list(item_ids)})


def _profile(coop: Cooperative, unit: BusinessUnit) -> LocalUnitProfile:
    profile = profile_of(unit)
    if unit.cooperative_id != coop.id or profile is None:
        raise NotFound("Unit lokal tidak ditemukan.")
    return profile


UnitRow = tuple[BusinessUnit, LocalUnitProfile | None]


def local_units(coop: Cooperative, *, active_only: bool = False) -> list[UnitRow]:
    """Every unit of kind lokal with its profile (``None`` for one made in code)."""
    stmt = (
        select(BusinessUnit, LocalUnitProfile)
        .outerjoin(LocalUnitProfile, LocalUnitProfile.unit_id == BusinessUnit.id)
        .where(BusinessUnit.cooperative_id == coop.id, BusinessUnit.kind == "lokal")
        .order_by(BusinessUnit.name)
    )
    if active_only:
        stmt = stmt.where(BusinessUnit.active.is_(True))
    return [(u, p) for u, p in db.session.execute(stmt)]


def next_sku(coop: Cooperative, unit: BusinessUnit) -> str:
    count = db.session.scalar(
        select(func.count(Item.id)).where(Item.cooperative_id == coop.id, Item.unit_id == unit.id)
    )
    prefix = unit.code.upper()[:30]
    n = int(count or 0) + 1
    while db.session.scalar(
        select(Item.id).where(Item.cooperative_id == coop.id, Item.sku == f"{prefix}-{n:03d}")
    ):
        n += 1
    return f"{prefix}-{n:03d}"


def add_item(
    coop: Cooperative,
    unit: BusinessUnit,
    user,
    *,
    name: str,
    base_uom: str,
    price_member: int,
    price_general: int,
    sku: str = "",
    decimals: int = 0,
    taxable: bool = False,
) -> Item:
    """An item of the unit, through the core's catalog so it sells at the ordinary counter."""
    _profile(coop, unit)
    for value, label in ((price_member, "Harga anggota"), (price_general, "Harga umum")):
        if type(value) is not int or value < 0:
            raise ValidationError(f"{label} harus rupiah bulat tidak negatif.", field="price")
    uom = (base_uom or "").strip()
    return save_item(
        coop, unit=unit, sku=(sku or "").strip() or next_sku(coop, unit), name=name,
        base_uom=uom, decimals=decimals, taxable=taxable,
        units=[UnitSpec(uom, Decimal(1), price_member, price_general)], user=user,
    )  # fmt: skip


def unit_items(coop: Cooperative, unit: BusinessUnit) -> list[Item]:
    return list(
        db.session.scalars(
            select(Item)
            .where(Item.cooperative_id == coop.id, Item.unit_id == unit.id)
            .order_by(Item.name)
        )
    )


@dataclass
class MonthFigures:
    revenue: int
    cost: int
    by_account: list[tuple[str, int]]

    @property
    def margin(self) -> int:
        return self.revenue - self.cost


def month_figures(coop: Cooperative, unit: BusinessUnit, day: date) -> MonthFigures:
    """The unit's income and costs this month, from the ledger lines carrying its unit id."""
    sums = balances(coop, period=(day.year, day.month), unit=unit)
    revenue = {code: -v for code, v in sums.items() if code.startswith("4") and v}
    cost = sum(v for code, v in sums.items() if code[0] in "56")
    return MonthFigures(sum(revenue.values()), cost, sorted(revenue.items()))
