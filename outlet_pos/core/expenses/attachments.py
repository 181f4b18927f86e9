"""The photo or scan of a nota/receipt attached to an expense: JPEG, PNG or PDF up to 5 MB,
kept in the instance folder (as the fertilizer unit keeps its redemption photos) and only ever
served to the cooperative it belongs to. The file's first bytes decide its type, never its
name."""

from __future__ import annotations

from pathlib import Path

from outlet_pos.core.errors import ValidationError

MAX_BYTES = 5 * 1024 * 1024
SIGNATURES = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png", b"%PDF-": "pdf"}
MIMETYPES = {"jpg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}


def file_kind(data: bytes) -> str | None:
    for magic, ext in SIGNATURES.items():
        if data.startswith(magic):
            return ext
    return None


def check_attachment(data: bytes | None) -> str:
    """The file's extension if it is an acceptable nota; refuses anything else."""
    if not data:
        raise ValidationError("Pilih berkas foto/scan nota.", field="attachment")
    if len(data) > MAX_BYTES:
        raise ValidationError("Berkas nota paling besar 5 MB.", field="attachment")
    ext = file_kind(data)
    if ext is None:
        raise ValidationError("Berkas nota harus JPG, PNG atau PDF.", field="attachment")
    return ext


def store(instance: Path, coop_id: int, public_id: str, data: bytes) -> str:
    """Write ``uploads/pengeluaran/<coop>/<public id>.<ext>`` (replacing an earlier file of
    the same record) and return the path relative to the instance folder."""
    ext = check_attachment(data)
    relative = Path("uploads") / "pengeluaran" / str(coop_id) / f"{public_id}.{ext}"
    target = instance / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    for old in target.parent.glob(f"{public_id}.*"):
        old.unlink()
    target.write_bytes(data)
    return str(relative)


def read(instance: Path, relative: str) -> tuple[bytes, str] | None:
    """The stored bytes and their mimetype, or None when the record has no (readable) file."""
    if not relative:
        return None
    path = (instance / relative).resolve()
    if instance.resolve() not in path.parents or not path.is_file():
        return None
    mimetype = MIMETYPES.get(path.suffix[1:])
    return (path.read_bytes(), mimetype) if mimetype else None
