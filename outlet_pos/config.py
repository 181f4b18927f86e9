"""Settings from the environment.

Everything an operator may change comes from ``OUTLET_POS_*`` variables so the same code runs
as a one-laptop outlet (SQLite in ``instance/``) and as a district server (PostgreSQL).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def instance_path() -> Path:
    """Where runtime files live (database, secret key); never in git."""
    return Path(os.environ.get("OUTLET_POS_INSTANCE", PROJECT_ROOT / "instance")).resolve()


def _secret_key(folder: Path) -> str:
    """Read the secret key from ``instance/secret_key``, generating it on first run.

    A key in git or in a default would let anyone forge sessions; generating it per
    installation means no two cooperatives share one.
    """
    key_file = folder / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def from_environment() -> dict:
    """Build the Flask config mapping from the environment."""
    folder = instance_path()
    folder.mkdir(parents=True, exist_ok=True)
    db_url = os.environ.get("OUTLET_POS_DATABASE_URL") or f"sqlite:///{folder / 'outlet_pos.db'}"
    if db_url.startswith("postgresql://"):
        db_url = "postgresql+psycopg://" + db_url[len("postgresql://") :]
    secure = os.environ.get("OUTLET_POS_SECURE_COOKIES", "0") == "1"
    return {
        "SECRET_KEY": os.environ.get("OUTLET_POS_SECRET_KEY") or _secret_key(folder),
        "SQLALCHEMY_DATABASE_URI": db_url,
        # A server connection can drop; a file cannot, so SQLite skips the ping per checkout.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": not db_url.startswith("sqlite")},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure,
        "PERMANENT_SESSION_LIFETIME": 12 * 3600,
        "WTF_CSRF_TIME_LIMIT": 12 * 3600,
        "API_RATE_LIMIT": os.environ.get("OUTLET_POS_API_RATE_LIMIT", "300 per minute"),
        "RATELIMIT_STORAGE_URI": os.environ.get("OUTLET_POS_RATELIMIT_STORAGE", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": False,
        "BABEL_DEFAULT_LOCALE": "id",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "LOGIN_MAX_FAILURES": int(os.environ.get("OUTLET_POS_LOGIN_MAX_FAILURES", "5")),
        "LOGIN_LOCK_MINUTES": int(os.environ.get("OUTLET_POS_LOGIN_LOCK_MINUTES", "15")),
        "LOGIN_RATE_LIMIT": os.environ.get("OUTLET_POS_LOGIN_RATE_LIMIT", "20 per minute"),
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        # A district server accepts outlets' registrations and batches; an outlet does not.
        "SYNC_SERVER": os.environ.get("OUTLET_POS_SYNC_SERVER", "0") == "1",
        # Seconds between background pushes while a linked outlet's server runs (0: never).
        "SYNC_INTERVAL": int(os.environ.get("OUTLET_POS_SYNC_INTERVAL", "300")),
    }
