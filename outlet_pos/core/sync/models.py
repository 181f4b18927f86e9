"""Sync tables: the outlet's link and outbox, the server's installations and id map, and the
versioned master data that flows down.

Outlet side (SQLite): ``sync_link`` says this installation's cooperative is kept on a server;
``sync_outbox`` is filled by SQLite triggers with every change of that cooperative's rows, in
commit order, as JSON snapshots taken at the moment of the change. Server side (PostgreSQL):
``sync_installation`` is one registered outlet (one cooperative), ``sync_map`` translates the
outlet's row ids into the server's, so the outlet's books are kept as written without sharing
an id space with thousands of other cooperatives.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from outlet_pos.core.db import utcnow
from outlet_pos.extensions import db


class SyncLink(db.Model):
    """Outlet side: this installation pushes ``cooperative_id``'s books to ``server_url``."""

    __tablename__ = "sync_link"
    __table_args__ = (UniqueConstraint("cooperative_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    server_url: Mapped[str] = mapped_column(String(300))
    installation_id: Mapped[str] = mapped_column(String(36))  # the server's name for us
    private_key: Mapped[str] = mapped_column(Text)  # Ed25519, PEM (PKCS8)
    acked_seq: Mapped[int] = mapped_column(BigInteger, default=0)  # last outbox id applied
    sent_seq: Mapped[int] = mapped_column(BigInteger, default=0)  # last outbox id ever sent
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sync_at: Mapped[datetime | None] = mapped_column(default=None)
    last_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    schema_signature: Mapped[str] = mapped_column(String(64), default="")  # of the triggers


class SyncOutbox(db.Model):
    """Outlet side: one change of one row, or a commit marker (``op == "T"``).

    Written only by triggers (changes) and by the session's ``before_commit`` hook (markers),
    so a batch can end on a transaction boundary and the server never sees half a sale.
    """

    __tablename__ = "sync_outbox"
    # AUTOINCREMENT: ids are never reused after the acknowledged rows are deleted, so a new
    # change can never hide below the acknowledged mark.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    table_name: Mapped[str] = mapped_column(String(64), default="")
    row_id: Mapped[int] = mapped_column(BigInteger, default=0)
    op: Mapped[str] = mapped_column(String(1))  # U upsert, D delete, T end of a transaction
    payload: Mapped[str | None] = mapped_column(Text, default=None)


class SyncInstallation(db.Model):
    """Server side: one outlet, registered by a one-time code for one cooperative."""

    __tablename__ = "sync_installation"
    __table_args__ = (
        UniqueConstraint("cooperative_id"),
        UniqueConstraint("cooperative_id", "public_id"),
        Index("ix_sync_installation_code_hash", "code_hash"),
        Index("ix_sync_installation_public_id", "public_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    public_id: Mapped[str] = mapped_column(String(36))
    code_hash: Mapped[str] = mapped_column(String(64), default="")  # cleared once used
    code_expires_at: Mapped[datetime | None] = mapped_column(default=None)
    public_key: Mapped[str] = mapped_column(Text, default="")  # Ed25519, PEM
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending/active/revoked
    outlet_name: Mapped[str] = mapped_column(String(200), default="")
    applied_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    batches: Mapped[int] = mapped_column(Integer, default=0)
    records: Mapped[int] = mapped_column(BigInteger, default=0)
    chain_entry_id: Mapped[int] = mapped_column(BigInteger, default=0)  # last checked (ours)
    chain_hash: Mapped[str] = mapped_column(String(64), default="")
    reported_backlog: Mapped[int] = mapped_column(BigInteger, default=0)
    reported_at: Mapped[datetime | None] = mapped_column(default=None)  # outlet's clock
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    registered_at: Mapped[datetime | None] = mapped_column(default=None)
    last_seen_at: Mapped[datetime | None] = mapped_column(default=None)
    last_applied_at: Mapped[datetime | None] = mapped_column(default=None)


class SyncMap(db.Model):
    """Server side: the outlet's row ``local_id`` of ``table_name`` is our ``server_id``."""

    __tablename__ = "sync_map"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "table_name", "local_id"),
        Index("ix_sync_map_server", "cooperative_id", "table_name", "server_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    table_name: Mapped[str] = mapped_column(String(64))
    local_id: Mapped[int] = mapped_column(BigInteger)
    server_id: Mapped[int] = mapped_column(BigInteger)


class MasterData(db.Model):
    """Reference data published by the server (HET table, health rubric, price caps).

    Not a tenant table: one version serves every cooperative (a Citus reference table). The
    server publishes; outlets keep a copy of every version they applied.
    """

    __tablename__ = "master_data"
    __table_args__ = (UniqueConstraint("kind", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    payload: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(String(300), default="")
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(default=None)  # outlet side
