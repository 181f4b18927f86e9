"""narcotics and psychotropics register

Revision ID: 0018_drug_register
Revises: 0017_prescriptions
Create Date: 2026-12-06 21:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0018_drug_register"
down_revision = "0017_prescriptions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "drug_register",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperative_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("move_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("qty", sa.Numeric(precision=18, scale=3), nullable=False),
        sa.Column("balance_after", sa.Numeric(precision=18, scale=3), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("prescription_id", sa.Integer(), nullable=True),
        sa.Column("patient_name", sa.String(length=200), nullable=False),
        sa.Column("prescriber", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["batch.id"], name=op.f("fk_drug_register_batch_id_batch")
        ),
        sa.ForeignKeyConstraint(
            ["cooperative_id"],
            ["cooperative.id"],
            name=op.f("fk_drug_register_cooperative_id_cooperative"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["item.id"], name=op.f("fk_drug_register_item_id_item")
        ),
        sa.ForeignKeyConstraint(
            ["move_id"], ["stock_move.id"], name=op.f("fk_drug_register_move_id_stock_move")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drug_register")),
        sa.UniqueConstraint(
            "cooperative_id", "move_id", name=op.f("uq_drug_register_cooperative_id_move_id")
        ),
    )
    with op.batch_alter_table("drug_register", schema=None) as batch_op:
        batch_op.create_index(
            "ix_drug_register_item", ["cooperative_id", "item_id", "date", "id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("drug_register", schema=None) as batch_op:
        batch_op.drop_index("ix_drug_register_item")
    op.drop_table("drug_register")
