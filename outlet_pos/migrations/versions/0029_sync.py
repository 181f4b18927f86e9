"""outlet-to-server sync: outbox, registration, id map, master data

Revision ID: 0029_sync
Revises: 0028_scaling
Create Date: 2026-12-07 00:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0029_sync"
down_revision = "0028_scaling"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sync_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperative_id", sa.Integer(), nullable=False),
        sa.Column("server_url", sa.String(length=300), nullable=False),
        sa.Column("installation_id", sa.String(length=36), nullable=False),
        sa.Column("private_key", sa.Text(), nullable=False),
        sa.Column("acked_seq", sa.BigInteger(), nullable=False),
        sa.Column("sent_seq", sa.BigInteger(), nullable=False),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
        sa.Column("last_sync_at", sa.DateTime(), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        sa.Column("schema_signature", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["cooperative_id"], ["cooperative.id"], name=op.f("fk_sync_link_cooperative_id_cooperative")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_link")),
        sa.UniqueConstraint("cooperative_id", name=op.f("uq_sync_link_cooperative_id")),
    )
    op.create_table(
        "sync_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperative_id", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.BigInteger(), nullable=False),
        sa.Column("op", sa.String(length=1), nullable=False),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cooperative_id"], ["cooperative.id"], name=op.f("fk_sync_outbox_cooperative_id_cooperative")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_outbox")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_sync_outbox_cooperative_id"), "sync_outbox", ["cooperative_id"], unique=False)
    op.create_table(
        "sync_installation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperative_id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("code_expires_at", sa.DateTime(), nullable=True),
        sa.Column("public_key", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("outlet_name", sa.String(length=200), nullable=False),
        sa.Column("applied_seq", sa.BigInteger(), nullable=False),
        sa.Column("batches", sa.Integer(), nullable=False),
        sa.Column("records", sa.BigInteger(), nullable=False),
        sa.Column("chain_entry_id", sa.BigInteger(), nullable=False),
        sa.Column("chain_hash", sa.String(length=64), nullable=False),
        sa.Column("reported_backlog", sa.BigInteger(), nullable=False),
        sa.Column("reported_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("registered_at", sa.DateTime(), nullable=True),
        sa.Column("last_seen_at", sa.DateTime(), nullable=True),
        sa.Column("last_applied_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cooperative_id"], ["cooperative.id"], name=op.f("fk_sync_installation_cooperative_id_cooperative")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_installation")),
        sa.UniqueConstraint("cooperative_id", name=op.f("uq_sync_installation_cooperative_id")),
        sa.UniqueConstraint("cooperative_id", "public_id", name=op.f("uq_sync_installation_cooperative_id_public_id")),
    )
    op.create_index("ix_sync_installation_code_hash", "sync_installation", ["code_hash"], unique=False)
    op.create_index("ix_sync_installation_public_id", "sync_installation", ["public_id"], unique=False)
    op.create_table(
        "sync_map",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperative_id", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("local_id", sa.BigInteger(), nullable=False),
        sa.Column("server_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cooperative_id"], ["cooperative.id"], name=op.f("fk_sync_map_cooperative_id_cooperative")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_map")),
        sa.UniqueConstraint("cooperative_id", "table_name", "local_id", name=op.f("uq_sync_map_cooperative_id_table_name_local_id")),
    )
    op.create_index("ix_sync_map_server", "sync_map", ["cooperative_id", "table_name", "server_id"], unique=False)
    op.create_table(
        "master_data",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("applied_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_master_data")),
        sa.UniqueConstraint("kind", "version", name=op.f("uq_master_data_kind_version")),
    )


def downgrade():
    op.drop_table("master_data")
    op.drop_index("ix_sync_map_server", table_name="sync_map")
    op.drop_table("sync_map")
    op.drop_index("ix_sync_installation_public_id", table_name="sync_installation")
    op.drop_index("ix_sync_installation_code_hash", table_name="sync_installation")
    op.drop_table("sync_installation")
    op.drop_index(op.f("ix_sync_outbox_cooperative_id"), table_name="sync_outbox")
    op.drop_table("sync_outbox")
    op.drop_table("sync_link")
