"""API v1 tables: tokens per user, cooperative and device, and the answers to idempotent
submits.

A token's secret is shown once and only its SHA-256 lives here: a copy of the database (a
backup on a flash drive) hands nobody a working token. Every unique constraint includes
``cooperative_id`` (DESIGN §2.8), so the tables shard by cooperative like every other.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outlet_pos.core.db import utcnow
from outlet_pos.extensions import db


class ApiToken(db.Model):
    """A bearer token for one user in one cooperative, named after the device holding it."""

    __tablename__ = "api_token"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "token_hash"),
        # A request names only its token: the lookup goes by hash, across cooperatives.
        Index("ix_api_token_token_hash", "token_hash"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    device_name: Mapped[str] = mapped_column(String(80))
    # The first characters of the secret, so a person can tell tokens apart on the page.
    prefix: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[str] = mapped_column(String(200))  # space-separated, e.g. "catalog:read"
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    user = relationship("User", foreign_keys=[user_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    revoked_by = relationship("User", foreign_keys=[revoked_by_id])

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()

    def status(self, now: datetime) -> str:
        """``aktif``, ``dicabut`` or ``kedaluwarsa`` as of ``now`` (naive UTC)."""
        if self.revoked_at is not None:
            return "dicabut"
        if self.expires_at is not None and self.expires_at <= now:
            return "kedaluwarsa"
        return "aktif"


class ApiIdempotency(db.Model):
    """The first answer to a POST with an ``Idempotency-Key``: a retry gets it back as it was.

    Written in the same transaction as the business action, so either both exist or neither:
    a retry after a lost answer finds the stored one, a retry after a refusal runs afresh.
    """

    __tablename__ = "api_idempotency"
    __table_args__ = (UniqueConstraint("cooperative_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    token_id: Mapped[int] = mapped_column(ForeignKey("api_token.id"), index=True)
    endpoint: Mapped[str] = mapped_column(String(100))  # "POST /api/v1/sales"
    request_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the canonical body
    status_code: Mapped[int] = mapped_column(Integer)
    response_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
