"""What every fertilizer page does the same way: the user, one action in one transaction with
its refusal flashed in Indonesian, kg as people read them, and the uploaded e-RDKK file kept
between the preview and the confirm."""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from flask import current_app, flash, redirect
from flask_login import current_user

from outlet_pos.core.db import run_transaction
from outlet_pos.core.errors import DomainError
from outlet_pos.core.inventory.services import fmt_qty
from outlet_pos.units.pupuk import bp
from outlet_pos.units.pupuk.models import FERTILIZER_TYPES
from outlet_pos.units.pupuk.services import season_of


def user():
    return current_user._get_current_object()


def kg(value) -> str:
    """``1.500`` / ``12,5`` (Indonesian notation, no trailing zeros)."""
    if value is None:
        return ""
    return fmt_qty(value if isinstance(value, Decimal) else Decimal(str(value)))


@bp.context_processor
def _pupuk_globals() -> dict:
    return {"kg": kg, "fertilizer_types": FERTILIZER_TYPES, "season_of": season_of}


def act(back: str, fn: Callable, *args, done: str | Callable = "", **kwargs):
    """Run one action in one transaction; flash success or the refusal, then go back."""
    try:
        result = run_transaction(fn, *args, **kwargs)
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(back)
    message = done(result) if callable(done) else done
    if message:
        flash(message, "success")
    return redirect(back)


def _stash_dir() -> Path:
    folder = Path(current_app.instance_path) / "impor"
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - 24 * 3600
    for old in folder.glob("rdkk-*.bin"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    return folder


def stash(coop_id: int, user_id: int, raw: bytes) -> str:
    """Keep an uploaded file between the preview and the confirm (a form field could not
    carry it); named by cooperative, user and a random token, removed after a day."""
    token = secrets.token_hex(16)
    (_stash_dir() / f"rdkk-{coop_id}-{user_id}-{token}.bin").write_bytes(raw)
    return token


def stashed(coop_id: int, user_id: int, token: str | None) -> Path | None:
    """The file kept under ``token`` for this user of this cooperative, if it still exists
    (another user's token names no file of ours)."""
    if not re.fullmatch(r"[0-9a-f]{32}", token or ""):
        return None
    path = _stash_dir() / f"rdkk-{coop_id}-{user_id}-{token}.bin"
    return path if path.is_file() else None
