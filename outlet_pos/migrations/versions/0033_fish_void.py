"""a wrong fish purchase is voided by its counter-entry: who, when, why, which entry

Revision ID: 0033_fish_void
Revises: 0032_cash_flow_index
Create Date: 2026-12-07 04:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0033_fish_void"
down_revision = "0032_cash_flow_index"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("fish_purchase") as batch_op:
        batch_op.add_column(sa.Column("void_entry_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("voided_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("voided_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("void_reason", sa.String(length=300), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_fish_purchase_void_entry_id_journal_entry"),
            "journal_entry",
            ["void_entry_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_fish_purchase_voided_by_id_user_account"),
            "user_account",
            ["voided_by_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("fish_purchase") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_fish_purchase_voided_by_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_fish_purchase_void_entry_id_journal_entry"), type_="foreignkey"
        )
        batch_op.drop_column("void_reason")
        batch_op.drop_column("voided_at")
        batch_op.drop_column("voided_by_id")
        batch_op.drop_column("void_entry_id")
