"""The optional photo of a redemption (the farmer with the sacks, or the letter of authority),
kept in the instance folder and only ever served to the cooperative it belongs to."""

from __future__ import annotations

from pathlib import Path

from outlet_pos.core.audit import record
from outlet_pos.core.errors import DomainError, ValidationError
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db
from outlet_pos.units.pupuk.models import Redemption

MAX_BYTES = 5 * 1024 * 1024
# What the first bytes of each accepted image look like; the name's extension is not trusted.
SIGNATURES = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png", b"RIFF": "webp"}


def image_kind(data: bytes) -> str | None:
    for magic, ext in SIGNATURES.items():
        if data.startswith(magic) and (ext != "webp" or data[8:12] == b"WEBP"):
            return ext
    return None


def save_photo(coop: Cooperative, redemption: Redemption, data: bytes, instance: Path, user) -> str:
    """Store the photo as ``uploads/pupuk/<coop>/<redemption>.<ext>`` under the instance
    folder and remember its relative path on the record (a new photo replaces the old)."""
    if redemption.cooperative_id != coop.id or redemption.kg <= 0:
        raise DomainError("Penebusan tidak ditemukan.")
    if not data:
        raise ValidationError("Pilih berkas foto.", field="photo")
    if len(data) > MAX_BYTES:
        raise ValidationError("Foto paling besar 5 MB.", field="photo")
    ext = image_kind(data)
    if ext is None:
        raise ValidationError("Foto harus JPG, PNG atau WebP.", field="photo")
    relative = Path("uploads") / "pupuk" / str(coop.id) / f"{redemption.id}.{ext}"
    target = instance / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    for old in target.parent.glob(f"{redemption.id}.*"):
        old.unlink()
    target.write_bytes(data)
    redemption.photo_path = str(relative)
    db.session.flush()
    record("pupuk.photo", user=user, cooperative=coop, target=f"penebusan {redemption.id}",
           detail={"bytes": len(data), "type": ext})  # fmt: skip
    return redemption.photo_path
