"""Master data that flows down from the server: versioned, published once, applied once.

Kinds:
- ``het_pupuk``: the subsidised-fertilizer HET table (same shape as ``data/het_pupuk.json``).
  An outlet adds each new row through the pupuk service (so the previous row is ended and
  an audit row is written); a row dated before the outlet's latest for that type is skipped,
  because HET is never rewritten backwards.
- ``health_rubric``: the health-assessment rubric (same shape as the shipped JSON); once held,
  ``core.health.rubric.load`` uses the newest version instead of the shipped file.
A kind's versions only grow; an outlet asks for what is newer than what it holds.
"""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import func, select

from outlet_pos.core.db import utcnow
from outlet_pos.core.errors import ValidationError
from outlet_pos.core.sync.models import MasterData
from outlet_pos.extensions import db

KINDS = {
    "het_pupuk": "Tabel HET pupuk bersubsidi",
    "health_rubric": "Rubrik penilaian kesehatan koperasi",
}
MAX_PAYLOAD = 2 * 1024 * 1024


def _validate(kind: str, payload: dict) -> None:
    if kind == "het_pupuk":
        rows = payload.get("het_per_kg")
        if not isinstance(rows, list) or not rows:
            raise ValidationError("Tabel HET harus berisi daftar het_per_kg.", field="payload")
        from outlet_pos.units.pupuk.services import check_type

        for row in rows:
            check_type(row.get("type", ""))
            date.fromisoformat(row["valid_from"])
            if type(row.get("rp_per_kg")) is not int or row["rp_per_kg"] <= 0:
                raise ValidationError("HET per kg harus rupiah bulat.", field="payload")
    elif kind == "health_rubric":
        from outlet_pos.core.health import rubric

        rubric.parse(payload)


def publish(kind: str, payload: dict, note: str = "") -> MasterData:
    """A new version of ``kind`` on the server (validated as the outlets will read it)."""
    if kind not in KINDS:
        raise ValidationError(f"Jenis data induk tidak dikenal: {kind}", field="kind")
    if not isinstance(payload, dict):
        raise ValidationError("Isi data induk harus objek JSON.", field="payload")
    try:
        _validate(kind, payload)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValidationError(f"Isi data induk tidak sah: {exc}", field="payload") from exc
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    if len(text) > MAX_PAYLOAD:
        raise ValidationError("Data induk terlalu besar.", field="payload")
    version = (
        db.session.scalar(select(func.max(MasterData.version)).where(MasterData.kind == kind)) or 0
    ) + 1
    row = MasterData(kind=kind, version=version, payload=text, note=(note or "")[:300])
    db.session.add(row)
    db.session.flush()
    return row


def versions_held() -> dict[str, int]:
    rows = db.session.execute(
        select(MasterData.kind, func.max(MasterData.version)).group_by(MasterData.kind)
    )
    return {kind: version for kind, version in rows}


def newer_than(have: dict) -> list[dict]:
    """Server side: the newest version of each kind the outlet does not hold yet."""
    out = []
    for kind in KINDS:
        held = have.get(kind, 0) if isinstance(have, dict) else 0
        held = held if type(held) is int else 0
        row = db.session.scalar(
            select(MasterData)
            .where(MasterData.kind == kind, MasterData.version > held)
            .order_by(MasterData.version.desc())
            .limit(1)
        )
        if row is not None:
            out.append(
                {
                    "kind": row.kind,
                    "version": row.version,
                    "payload": json.loads(row.payload),
                    "note": row.note,
                }
            )
    return out


def latest(kind: str) -> MasterData | None:
    return db.session.scalar(
        select(MasterData).where(MasterData.kind == kind).order_by(MasterData.version.desc())
    )


def apply_downloaded(coop_id: int, item: dict) -> str | None:
    """Outlet side: keep and apply one downloaded version (one transaction). Returns the kind
    applied, or None when it was already held or is of a kind this version does not know."""
    from outlet_pos.core.db import run_transaction

    kind, version, payload = item.get("kind"), item.get("version"), item.get("payload")
    if kind not in KINDS or type(version) is not int or not isinstance(payload, dict):
        return None

    def action() -> str | None:
        held = db.session.scalar(
            select(MasterData.id).where(MasterData.kind == kind, MasterData.version == version)
        )
        if held:
            return None
        _validate(kind, payload)
        db.session.add(
            MasterData(
                kind=kind,
                version=version,
                payload=json.dumps(payload, ensure_ascii=False, sort_keys=True),
                note=str(item.get("note") or "")[:300],
                applied_at=utcnow(),
            )
        )
        if kind == "het_pupuk":
            _apply_het(coop_id, payload)
        db.session.flush()
        return kind

    return run_transaction(action)


def _apply_het(coop_id: int, payload: dict) -> None:
    from outlet_pos.core.tenancy import Cooperative
    from outlet_pos.units.pupuk.models import HetPrice
    from outlet_pos.units.pupuk.services import add_het, ensure_het

    coop = db.session.get(Cooperative, coop_id)
    ensure_het(coop)
    source = str(payload.get("source") or "Data induk server kabupaten")
    for row in sorted(payload["het_per_kg"], key=lambda r: r["valid_from"]):
        start = date.fromisoformat(row["valid_from"])
        newest = db.session.scalar(
            select(func.max(HetPrice.valid_from)).where(
                HetPrice.cooperative_id == coop_id, HetPrice.fertilizer_type == row["type"]
            )
        )
        if newest is not None and start <= newest:
            continue  # held already, or older than what the outlet has: never backwards
        add_het(
            coop,
            None,
            fertilizer_type=row["type"],
            valid_from=start,
            rp_per_kg=row["rp_per_kg"],
            bag_kg=row.get("bag_kg"),
            source=source,
        )
