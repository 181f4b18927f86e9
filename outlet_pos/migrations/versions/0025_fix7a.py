"""parcel desk fixes: an idempotency key on a parcel (a double-submitted intake form makes one
parcel) and a voided mark on a parcel charge (a parcel returned at the counter refunds the
sender and is no longer owed to the courier)

Revision ID: 0025_fix7a
Revises: 0024_fix6
Create Date: 2026-12-07 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0025_fix7a"
down_revision = "0024_fix6"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("parcel", schema=None) as batch_op:
        batch_op.add_column(sa.Column("idempotency_key", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_parcel_cooperative_id_idempotency_key"),
            ["cooperative_id", "idempotency_key"],
        )
    with op.batch_alter_table("parcel_charge", schema=None) as batch_op:
        batch_op.add_column(sa.Column("void_entry_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("voided_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("void_reason", sa.String(length=300), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_parcel_charge_void_entry_id_journal_entry"),
            "journal_entry",
            ["void_entry_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("parcel_charge", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_parcel_charge_void_entry_id_journal_entry"), type_="foreignkey"
        )
        batch_op.drop_column("void_reason")
        batch_op.drop_column("voided_at")
        batch_op.drop_column("void_entry_id")
    with op.batch_alter_table("parcel", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_parcel_cooperative_id_idempotency_key"), type_="unique"
        )
        batch_op.drop_column("idempotency_key")
