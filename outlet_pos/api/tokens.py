"""API tokens: made for one user in one cooperative and named after the device that holds
them, limited to scopes, revocable, audited. Callable without a request (flush only).

The secret is ``opk_`` and 43 URL-safe characters (256 random bits), shown once; only its
SHA-256 is stored. A token never carries more than its user: every request checks the
scope AND the user's role permissions in the cooperative at that moment, so a user who loses
the role loses the API with it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from outlet_pos.api.models import ApiToken
from outlet_pos.core.access import User
from outlet_pos.core.audit import record
from outlet_pos.core.db import utcnow
from outlet_pos.core.errors import DomainError, NotFound, PermissionDenied, ValidationError
from outlet_pos.core.tenancy import Cooperative
from outlet_pos.extensions import db

TOKEN_PREFIX = "opk_"  # nosec B105 - a public prefix, not a secret
TOKEN_TEXT = re.compile(r"opk_[A-Za-z0-9_-]{43}")
MANAGE = "api.manage"  # who makes tokens for others and sees every token of the cooperative
MAX_ACTIVE_PER_USER = 20
VALIDITY_DAYS = {30: "30 hari", 90: "90 hari", 180: "180 hari", 365: "1 tahun", 0: "Tanpa batas"}
TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often per token


@dataclass(frozen=True)
class Scope:
    label: str
    permissions: tuple[str, ...]  # the user's role must hold at least one of these


SCOPES: dict[str, Scope] = {
    "catalog:read": Scope("Baca katalog barang", ("catalog.view",)),
    "members:read": Scope("Baca data anggota dan saldo simpanan", ("member.view",)),
    "sales:write": Scope("Kirim penjualan", ("pos.sell",)),
    "sales:read": Scope("Baca struk penjualan (cetak ulang, cek terkirim)", ("pos.sell",)),
    "savings:write": Scope("Kirim setoran simpanan", ("savings.transact",)),
    "loans:write": Scope("Kirim angsuran pinjaman", ("loan.pay",)),
    "reports:read": Scope(
        "Baca laporan penjualan dan neraca saldo", ("sales.report", "ledger.view")
    ),
}


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def grantable_scopes(user: User, coop: Cooperative) -> list[str]:
    """The scopes a token of ``user`` can be given: those their roles here allow."""
    return [
        name
        for name, scope in SCOPES.items()
        if any(user.can(perm, coop) for perm in scope.permissions)
    ]


def _clean_device(raw: str) -> str:
    name = " ".join((raw or "").split())
    if not name:
        raise ValidationError("Nama perangkat wajib diisi.", field="device_name")
    if len(name) > 80:
        raise ValidationError("Nama perangkat paling banyak 80 karakter.", field="device_name")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise ValidationError("Nama perangkat memuat karakter kendali.", field="device_name")
    return name


def create_token(
    coop: Cooperative,
    user: User,
    device_name: str,
    scopes: list[str],
    validity_days: int,
    *,
    actor: User,
) -> tuple[ApiToken, str]:
    """A new token for ``user`` in ``coop``; returns the row and the secret (shown once)."""
    if not actor.can(MANAGE, coop):
        raise PermissionDenied("Hanya pengurus atau admin yang dapat membuat token API.")
    if user is None or not user.active or not user.roles_in(coop):
        raise ValidationError(
            "Pengguna tidak ditemukan atau tidak memegang peran aktif di koperasi ini.",
            field="user_id",
        )
    device = _clean_device(device_name)
    chosen = sorted(set(scopes or []))
    if not chosen:
        raise ValidationError("Pilih paling sedikit satu cakupan.", field="scopes")
    unknown = [s for s in chosen if s not in SCOPES]
    if unknown:
        raise ValidationError(f"Cakupan tidak dikenal: {', '.join(unknown)}.", field="scopes")
    allowed = set(grantable_scopes(user, coop))
    refused = [s for s in chosen if s not in allowed]
    if refused:
        raise ValidationError(
            f"Peran {user.username} tidak mengizinkan cakupan: {', '.join(refused)}.",
            field="scopes",
        )
    if validity_days not in VALIDITY_DAYS:
        raise ValidationError("Masa berlaku tidak dikenal.", field="validity_days")
    now = utcnow()
    active = db.session.scalar(
        select(func.count(ApiToken.id)).where(
            ApiToken.cooperative_id == coop.id,
            ApiToken.user_id == user.id,
            ApiToken.revoked_at.is_(None),
        )
    )
    if active >= MAX_ACTIVE_PER_USER:
        raise DomainError(
            f"{user.username} sudah memiliki {MAX_ACTIVE_PER_USER} token aktif; cabut yang "
            "tidak dipakai lagi dulu.",
            field="user_id",
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        cooperative_id=coop.id,
        user_id=user.id,
        device_name=device,
        prefix=secret[:12],
        token_hash=hash_secret(secret),
        scopes=" ".join(chosen),
        expires_at=now + timedelta(days=validity_days) if validity_days else None,
        created_by_id=actor.id,
        created_at=now,
    )
    db.session.add(token)
    db.session.flush()
    record(
        "api.token_create",
        user=actor,
        cooperative=coop,
        target=f"token {token.id} {user.username}",
        detail={
            "token_id": token.id,
            "for": user.username,
            "device": device,
            "scopes": chosen,
            "validity_days": validity_days,
        },
    )
    return token, secret


def revoke_token(coop: Cooperative, token_id: int, *, actor: User) -> ApiToken:
    """Revoke a token: its next request gets a 401. Pengurus and admin revoke any token of
    the cooperative, everyone else only their own."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.cooperative_id != coop.id:
        raise NotFound("Token tidak ditemukan.")
    if token.user_id != actor.id and not actor.can(MANAGE, coop):
        raise PermissionDenied("Anda hanya dapat mencabut token Anda sendiri.")
    if token.revoked_at is not None:
        raise DomainError("Token ini sudah dicabut.")
    token.revoked_at = utcnow()
    token.revoked_by_id = actor.id
    db.session.flush()
    record(
        "api.token_revoke",
        user=actor,
        cooperative=coop,
        target=f"token {token.id}",
        detail={"token_id": token.id, "device": token.device_name, "prefix": token.prefix},
    )
    return token


def visible_tokens(coop: Cooperative, viewer: User) -> list[ApiToken]:
    """Every token of the cooperative for a manager; one's own for everyone else."""
    stmt = select(ApiToken).where(ApiToken.cooperative_id == coop.id)
    if not viewer.can(MANAGE, coop):
        stmt = stmt.where(ApiToken.user_id == viewer.id)
    return list(db.session.scalars(stmt.order_by(ApiToken.revoked_at.is_not(None), ApiToken.id)))


# --- a request's token ---------------------------------------------------------------------


@dataclass(frozen=True)
class Caller:
    """Who is calling: the token, its user and cooperative, checked at this request."""

    token: ApiToken
    user: User
    coop: Cooperative

    @property
    def scopes(self) -> set[str]:
        return set(self.token.scope_list)


class TokenRefused(Exception):
    """The request's token cannot be used; the message says why (a 401)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def caller_for(header: str | None, now: datetime | None = None) -> Caller:
    """The caller named by an ``Authorization`` header, or ``TokenRefused``."""
    scheme, _, secret = (header or "").strip().partition(" ")
    if not header:
        raise TokenRefused("Token API wajib dikirim: Authorization: Bearer <token>.")
    if scheme.lower() != "bearer" or not TOKEN_TEXT.fullmatch(secret.strip()):
        raise TokenRefused("Format token tidak dikenal; kirim Authorization: Bearer opk_...")
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_secret(secret.strip()))
    )
    if token is None:
        raise TokenRefused("Token tidak dikenal.")
    now = now or utcnow()
    state = token.status(now)
    if state == "dicabut":
        raise TokenRefused("Token sudah dicabut.")
    if state == "kedaluwarsa":
        raise TokenRefused("Token sudah kedaluwarsa.")
    user = db.session.get(User, token.user_id)
    coop = db.session.get(Cooperative, token.cooperative_id)
    if user is None or not user.active:
        raise TokenRefused("Pengguna pemilik token tidak aktif.")
    if coop is None or not coop.active:
        raise TokenRefused("Koperasi pemilik token tidak aktif.")
    if not user.roles_in(coop):
        raise TokenRefused("Pengguna pemilik token tidak lagi memegang peran di koperasi ini.")
    return Caller(token, user, coop)


def needs_touch(token: ApiToken, now: datetime) -> bool:
    return token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY


def touch(token_id: int, now: datetime) -> None:
    """Record that a token was used (flush only)."""
    token = db.session.get(ApiToken, token_id)
    if token is not None:
        token.last_used_at = now
        db.session.flush()
