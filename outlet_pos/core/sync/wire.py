"""What travels between an outlet and its server: canonical JSON, Ed25519 signatures, and the
conversion of a row snapshot (JSON, as SQLite wrote it) back into column values.

A request is signed over ``METHOD\\nPATH\\nTIMESTAMP\\nSHA256(body)``, so neither the body nor
the endpoint can be swapped. Replaying a signed request is harmless by design: every push
names the batch it follows, and a batch applied once is answered as a duplicate.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    Numeric,
    SmallInteger,
    Table,
)

HEADER_INSTALLATION = "X-Sync-Installation"
HEADER_TIMESTAMP = "X-Sync-Timestamp"
HEADER_SIGNATURE = "X-Sync-Signature"
MAX_BODY = 32 * 1024 * 1024  # one batch; the pusher keeps batches far below this


def canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def new_private_key() -> str:
    key = Ed25519PrivateKey.generate()
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def public_key_of(private_pem: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def load_public_key(pem: str) -> Ed25519PublicKey:
    """The outlet's public key, refused unless it is an Ed25519 key."""
    key = serialization.load_pem_public_key(pem.encode())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 key")
    return key


def _message(method: str, path: str, timestamp: str, body: bytes) -> bytes:
    return "\n".join([method.upper(), path, timestamp, hashlib.sha256(body).hexdigest()]).encode()


def sign(private_pem: str, method: str, path: str, timestamp: str, body: bytes) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return base64.b64encode(key.sign(_message(method, path, timestamp, body))).decode()


def verify(public_pem: str, signature: str, method: str, path: str, timestamp: str, body: bytes):
    """True when ``signature`` is the outlet's over this request."""
    try:
        raw = base64.b64decode(signature, validate=True)
        load_public_key(public_pem).verify(raw, _message(method, path, timestamp, body))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


# --- row values -------------------------------------------------------------------------------


def _to_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _to_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def convert(col, value: Any) -> Any:
    """One JSON value (as SQLite's ``json_object`` wrote it) as the column's Python value."""
    if value is None:
        return None
    kind = col.type
    if isinstance(kind, Boolean):
        return bool(value)
    if isinstance(kind, DateTime):
        return _to_datetime(value)
    if isinstance(kind, Date):
        return _to_date(value)
    if isinstance(kind, Numeric) and not isinstance(kind, Float):
        # json_object prints SQLite's REAL with up to 15 significant digits; through str()
        # the decimal value is the one the outlet stored, not its binary approximation.
        return Decimal(str(value))
    if isinstance(kind, Integer | BigInteger | SmallInteger):
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError(f"{col.table.name}.{col.name}: bukan bilangan bulat")
        return int(value)
    if isinstance(kind, LargeBinary):
        return bytes.fromhex(value)
    return value if isinstance(value, str) else json.dumps(value)


def normalise(value: Any) -> Any:
    """A value in a form both engines agree on (for the outlet == server comparison)."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def column_map(table: Table) -> dict[str, Any]:
    """The columns an outlet may send: a secret column (a password hash) is an unknown one."""
    from outlet_pos.core.sync.capture import payload_columns

    return {c.name: c for c in payload_columns(table)}
