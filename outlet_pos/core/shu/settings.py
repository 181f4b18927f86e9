"""Saving the cooperative's SHU settings (AD/ART): the allocation percentages, whether
simpanan sukarela joins the capital base, and each unit's weight in the transaction base.

The allocation lives in ``Cooperative.shu_allocation_json`` (read by ``compute.allocation_of``);
the rest in the one ``ShuSettings`` row (read by ``compute.settings_of``). Flush only; audited.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from outlet_pos.core.audit import record
from outlet_pos.core.errors import ValidationError
from outlet_pos.core.shu.compute import POOL_LABELS, allocation_of
from outlet_pos.core.shu.models import ShuSettings
from outlet_pos.core.tenancy import BusinessUnit, Cooperative
from outlet_pos.extensions import db

MAX_WEIGHT = 1000  # percent: a unit may count up to ten times its turnover


def _whole(value: object, field: str, low: int, high: int, what: str) -> int:
    """A whole number in [low, high] (ints, or digit strings from a form); refuses the rest."""
    if isinstance(value, bool):
        raise ValidationError(f"{what} harus bilangan bulat.", field=field)
    if isinstance(value, str):
        text = value.strip()
        if not (text.isascii() and text.isdigit()):
            raise ValidationError(f"{what} harus bilangan bulat {low}–{high}.", field=field)
        value = int(text)
    if not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(f"{what} harus bilangan bulat {low}–{high}.", field=field)
    return value


def clean_allocation(values: dict[str, object]) -> dict[str, int]:
    """Every pool of ``POOL_LABELS`` as a whole percentage; together exactly 100."""
    unknown = set(values) - set(POOL_LABELS)
    if unknown:
        raise ValidationError(f"Pos pembagian tidak dikenal: {', '.join(sorted(unknown))}.")
    out = {
        key: _whole(values.get(key, 0), f"alloc_{key}", 0, 100, f"Persentase {label.lower()}")
        for key, label in POOL_LABELS.items()
    }
    total = sum(out.values())
    if total != 100:
        raise ValidationError(
            f"Persentase pembagian SHU harus berjumlah 100; sekarang {total}.", field="allocation"
        )
    if out["jasa_modal"] + out["jasa_usaha"] == 0:
        raise ValidationError(
            "Jasa modal dan jasa usaha anggota tidak boleh keduanya 0%.", field="alloc_jasa_modal"
        )
    return out


def save_settings(
    coop: Cooperative,
    allocation: dict[str, object],
    include_sukarela: bool,
    unit_weights: dict[int, object],
    user,
) -> ShuSettings:
    """Store the SHU settings of ``coop`` (flush only). ``unit_weights`` maps a business unit
    id of this cooperative to its weight in percent (100 = counted in full)."""
    clean = clean_allocation(allocation)
    units = {
        u.id: u
        for u in db.session.scalars(
            select(BusinessUnit).where(BusinessUnit.cooperative_id == coop.id)
        )
    }
    weights: dict[str, int] = {}
    for unit_id, raw in unit_weights.items():
        unit = units.get(int(unit_id))
        if unit is None:
            raise ValidationError("Unit usaha tidak ditemukan.", field="weights")
        weights[str(unit.id)] = _whole(
            raw, f"weight_{unit.id}", 0, MAX_WEIGHT, f"Bobot unit {unit.name}"
        )
    before = {"allocation": allocation_of(coop)}
    settings = db.session.scalar(select(ShuSettings).where(ShuSettings.cooperative_id == coop.id))
    if settings is None:
        settings = ShuSettings(cooperative_id=coop.id)
        db.session.add(settings)
    else:
        before["include_sukarela"] = settings.include_sukarela
        before["unit_weights"] = json.loads(settings.unit_weights_json or "{}")
    coop.shu_allocation = clean
    settings.include_sukarela = bool(include_sukarela)
    settings.unit_weights_json = json.dumps(dict(sorted(weights.items())))
    record(
        "shu.settings",
        user=user,
        cooperative=coop,
        target="pengaturan SHU",
        detail={
            "before": before,
            "allocation": clean,
            "include_sukarela": bool(include_sukarela),
            "unit_weights": weights,
        },
    )
    db.session.flush()
    return settings
