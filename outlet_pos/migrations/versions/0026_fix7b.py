"""local units: one-time form keys on agent transactions and livestock costs, and the
reversal of a wrong agent transaction

Revision ID: 0026_fix7b
Revises: 0025_fix7a
Create Date: 2026-12-07 12:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0026_fix7b"
down_revision = "0025_fix7a"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("agent_txn", schema=None) as batch_op:
        batch_op.add_column(sa.Column("idempotency_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("void_entry_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("voided_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("voided_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("void_reason", sa.String(length=300), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_agent_txn_void_entry_id_journal_entry"),
            "journal_entry",
            ["void_entry_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_agent_txn_voided_by_id_user_account"),
            "user_account",
            ["voided_by_id"],
            ["id"],
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_agent_txn_cooperative_id_idempotency_key"),
            ["cooperative_id", "idempotency_key"],
        )

    with op.batch_alter_table("animal_cost", schema=None) as batch_op:
        batch_op.add_column(sa.Column("idempotency_key", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_animal_cost_cooperative_id_idempotency_key"),
            ["cooperative_id", "idempotency_key"],
        )


def downgrade():
    with op.batch_alter_table("animal_cost", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_animal_cost_cooperative_id_idempotency_key"), type_="unique"
        )
        batch_op.drop_column("idempotency_key")

    with op.batch_alter_table("agent_txn", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_agent_txn_cooperative_id_idempotency_key"), type_="unique"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_agent_txn_voided_by_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_agent_txn_void_entry_id_journal_entry"), type_="foreignkey"
        )
        batch_op.drop_column("void_reason")
        batch_op.drop_column("voided_at")
        batch_op.drop_column("voided_by_id")
        batch_op.drop_column("void_entry_id")
        batch_op.drop_column("idempotency_key")
