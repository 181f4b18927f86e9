"""patients (klinik) and the drug facts of pharmacy items (apotek)

Revision ID: 0015_patients_drugs
Revises: 0014_plans
Create Date: 2026-12-06 21:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0015_patients_drugs"
down_revision = "0014_plans"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "patient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperative_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("nik", sa.String(length=16), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("allergies", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cooperative_id"],
            ["cooperative.id"],
            name=op.f("fk_patient_cooperative_id_cooperative"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_patient_member_id_member")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient")),
        sa.UniqueConstraint(
            "cooperative_id", "number", name=op.f("uq_patient_cooperative_id_number")
        ),
    )
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_patient_cooperative_id"), ["cooperative_id"], unique=False
        )
    op.create_table(
        "drug_info",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperative_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("drug_class", sa.String(length=20), nullable=False),
        sa.Column("active_ingredient", sa.String(length=200), nullable=False),
        sa.Column("strength", sa.String(length=60), nullable=False),
        sa.Column("dosage_form", sa.String(length=20), nullable=False),
        sa.Column("het_per_base", sa.BigInteger(), nullable=True),
        sa.Column("max_per_sale", sa.Numeric(precision=18, scale=3), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cooperative_id"],
            ["cooperative.id"],
            name=op.f("fk_drug_info_cooperative_id_cooperative"),
        ),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_drug_info_item_id_item")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drug_info")),
        sa.UniqueConstraint(
            "cooperative_id", "item_id", name=op.f("uq_drug_info_cooperative_id_item_id")
        ),
    )
    with op.batch_alter_table("drug_info", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_drug_info_cooperative_id"), ["cooperative_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("drug_info", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_drug_info_cooperative_id"))
    op.drop_table("drug_info")
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patient_cooperative_id"))
    op.drop_table("patient")
