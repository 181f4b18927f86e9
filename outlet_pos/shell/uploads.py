"""An uploaded file kept between an import's preview and its confirm (a form field could not
carry it): stored in the instance folder, named by kind, cooperative, user and a random token,
and removed after a day. Another user's token names no file of theirs."""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from flask import current_app

MAX_AGE = 24 * 3600


def _folder(kind: str) -> Path:
    folder = Path(current_app.instance_path) / "impor"
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - MAX_AGE
    for old in folder.glob(f"{kind}-*.bin"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    return folder


def stash(kind: str, coop_id: int, user_id: int, raw: bytes) -> str:
    token = secrets.token_hex(16)
    (_folder(kind) / f"{kind}-{coop_id}-{user_id}-{token}.bin").write_bytes(raw)
    return token


def stashed(kind: str, coop_id: int, user_id: int, token: str | None) -> Path | None:
    if not re.fullmatch(r"[0-9a-f]{32}", token or ""):
        return None
    path = _folder(kind) / f"{kind}-{coop_id}-{user_id}-{token}.bin"
    return path if path.is_file() else None
