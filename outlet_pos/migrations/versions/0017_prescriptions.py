"""prescriptions, their lines and the apoteker on duty

Revision ID: 0017_prescriptions
Revises: 0016_clinic
Create Date: 2026-12-06 21:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0017_prescriptions"
down_revision = "0016_clinic"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "prescription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperative_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column("patient_name", sa.String(length=200), nullable=False),
        sa.Column("prescriber", sa.String(length=200), nullable=False),
        sa.Column("prescriber_note", sa.String(length=200), nullable=False),
        sa.Column("written_on", sa.Date(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("cancel_reason", sa.String(length=300), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cooperative_id"],
            ["cooperative.id"],
            name=op.f("fk_prescription_cooperative_id_cooperative"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_prescription_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_prescription_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prescription")),
        sa.UniqueConstraint(
            "cooperative_id", "number", name=op.f("uq_prescription_cooperative_id_number")
        ),
    )
    with op.batch_alter_table("prescription", schema=None) as batch_op:
        batch_op.create_index(
            "ix_prescription_cooperative_id_status", ["cooperative_id", "status"], unique=False
        )
    op.create_table(
        "prescription_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperative_id", sa.Integer(), nullable=False),
        sa.Column("prescription_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("qty", sa.Numeric(precision=18, scale=3), nullable=False),
        sa.Column("dosage", sa.String(length=200), nullable=False),
        sa.Column("dispensed_qty", sa.Numeric(precision=18, scale=3), nullable=False),
        sa.CheckConstraint(
            "dispensed_qty >= 0 AND dispensed_qty <= qty",
            name=op.f("ck_prescription_line_dispensed_range"),
        ),
        sa.CheckConstraint("qty > 0", name=op.f("ck_prescription_line_qty_positive")),
        sa.ForeignKeyConstraint(
            ["cooperative_id"],
            ["cooperative.id"],
            name=op.f("fk_prescription_line_cooperative_id_cooperative"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["item.id"], name=op.f("fk_prescription_line_item_id_item")
        ),
        sa.ForeignKeyConstraint(
            ["prescription_id"],
            ["prescription.id"],
            name=op.f("fk_prescription_line_prescription_id_prescription"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prescription_line")),
    )
    with op.batch_alter_table("prescription_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_prescription_line_prescription_id"), ["prescription_id"], unique=False
        )
    op.create_table(
        "prescription_dispense",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperative_id", sa.Integer(), nullable=False),
        sa.Column("prescription_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("sale_id", sa.Integer(), nullable=False),
        sa.Column("sale_line_id", sa.Integer(), nullable=False),
        sa.Column("qty", sa.Numeric(precision=18, scale=3), nullable=False),
        sa.Column("pharmacist_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("qty <> 0", name=op.f("ck_prescription_dispense_qty_non_zero")),
        sa.ForeignKeyConstraint(
            ["cooperative_id"],
            ["cooperative.id"],
            name=op.f("fk_prescription_dispense_cooperative_id_cooperative"),
        ),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["prescription_line.id"],
            name=op.f("fk_prescription_dispense_line_id_prescription_line"),
        ),
        sa.ForeignKeyConstraint(
            ["pharmacist_id"],
            ["user_account.id"],
            name=op.f("fk_prescription_dispense_pharmacist_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["prescription_id"],
            ["prescription.id"],
            name=op.f("fk_prescription_dispense_prescription_id_prescription"),
        ),
        sa.ForeignKeyConstraint(
            ["sale_id"], ["sale.id"], name=op.f("fk_prescription_dispense_sale_id_sale")
        ),
        sa.ForeignKeyConstraint(
            ["sale_line_id"],
            ["sale_line.id"],
            name=op.f("fk_prescription_dispense_sale_line_id_sale_line"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prescription_dispense")),
    )
    with op.batch_alter_table("prescription_dispense", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_prescription_dispense_line_id"), ["line_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_prescription_dispense_prescription_id"),
            ["prescription_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_prescription_dispense_sale_line_id"), ["sale_line_id"], unique=False
        )
    op.create_table(
        "pharmacist_duty",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperative_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cooperative_id"],
            ["cooperative.id"],
            name=op.f("fk_pharmacist_duty_cooperative_id_cooperative"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_pharmacist_duty_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pharmacist_duty")),
    )
    with op.batch_alter_table("pharmacist_duty", schema=None) as batch_op:
        batch_op.create_index(
            "ix_pharmacist_duty_cooperative_id_ended_at",
            ["cooperative_id", "ended_at"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("pharmacist_duty", schema=None) as batch_op:
        batch_op.drop_index("ix_pharmacist_duty_cooperative_id_ended_at")
    op.drop_table("pharmacist_duty")
    with op.batch_alter_table("prescription_dispense", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prescription_dispense_sale_line_id"))
        batch_op.drop_index(batch_op.f("ix_prescription_dispense_prescription_id"))
        batch_op.drop_index(batch_op.f("ix_prescription_dispense_line_id"))
    op.drop_table("prescription_dispense")
    with op.batch_alter_table("prescription_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prescription_line_prescription_id"))
    op.drop_table("prescription_line")
    with op.batch_alter_table("prescription", schema=None) as batch_op:
        batch_op.drop_index("ix_prescription_cooperative_id_status")
    op.drop_table("prescription")
