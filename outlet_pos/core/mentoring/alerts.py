"""Alerts a mentor tunes: each compares one portfolio figure with the mentor's threshold.

Thresholds are the mentor's (``MentorSettings``), defaults below. Levels: ``merah`` needs action
now, ``kuning`` needs a look; the portfolio sorts cooperatives by them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from outlet_pos.core.errors import ValidationError
from outlet_pos.extensions import db

# key -> (label, default, minimum, maximum, unit shown after the number)
THRESHOLDS: dict[str, tuple[str, int, int, int, str]] = {
    "no_sales_days": ("Tidak ada penjualan selama", 3, 1, 90, "hari"),
    "close_by_day": ("Bulan lalu belum ditutup setelah tanggal", 10, 1, 28, ""),
    "cash_diff_limit": ("Selisih kas shift melebihi", 50_000, 0, 100_000_000, "rupiah"),
    "npl_percent": ("NPL (kredit bermasalah) di atas", 5, 0, 100, "%"),
    "expiry_days": ("Obat/barang kedaluwarsa dalam", 60, 1, 365, "hari"),
    "wajib_months": ("Tunggakan simpanan wajib sedikitnya", 3, 1, 36, "bulan"),
    "stock_out_items": ("Barang habis stok sedikitnya", 1, 1, 1000, "barang"),
}
NEGATIVE_MARGIN = "negative_margin"  # on/off switch, stored as 0/1

RED, AMBER = "merah", "kuning"


@dataclass(frozen=True)
class Alert:
    code: str
    level: str  # merah | kuning
    message: str


def defaults() -> dict[str, int]:
    values = {key: spec[1] for key, spec in THRESHOLDS.items()}
    values[NEGATIVE_MARGIN] = 1
    return values


def thresholds_for(user) -> dict[str, int]:
    """The mentor's thresholds over the defaults (a key added later falls back cleanly)."""
    from outlet_pos.core.mentoring.models import MentorSettings

    values = defaults()
    row = db.session.get(MentorSettings, user.id) if user is not None else None
    if row is not None:
        values.update({k: int(v) for k, v in row.thresholds.items() if k in values})
    return values


def save_thresholds(user, values: dict[str, object]) -> dict[str, int]:
    """Check every threshold against its range and store them (caller's transaction)."""
    from outlet_pos.core.audit import record
    from outlet_pos.core.mentoring.models import MentorSettings

    clean: dict[str, int] = {}
    for key, (label, _default, low, high, unit) in THRESHOLDS.items():
        raw = values.get(key)
        try:
            number = int(str(raw).replace(".", "").strip())
        except (TypeError, ValueError):
            raise ValidationError(f"{label}: isi dengan angka bulat.", field=key) from None
        if not low <= number <= high:
            raise ValidationError(
                f"{label}: harus antara {low:,} dan {high:,} {unit}.".replace(",", "."), field=key
            )
        clean[key] = number
    clean[NEGATIVE_MARGIN] = 1 if values.get(NEGATIVE_MARGIN) in (True, 1, "1", "y", "on") else 0
    row = db.session.get(MentorSettings, user.id)
    if row is None:
        row = MentorSettings(user_id=user.id)
        db.session.add(row)
    row.thresholds_json = json.dumps(clean, sort_keys=True)
    db.session.flush()
    record("mentor.thresholds", user=user, detail=clean)
    return clean
