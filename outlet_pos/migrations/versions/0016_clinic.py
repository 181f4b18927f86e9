"""clinic visits, tariff, consumables and bills

Revision ID: 0016_clinic
Revises: 0015_patients_drugs
Create Date: 2026-12-06 21:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0016_clinic"
down_revision = "0015_patients_drugs"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "clinic_tariff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperative_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cooperative_id"],
            ["cooperative.id"],
            name=op.f("fk_clinic_tariff_cooperative_id_cooperative"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic_tariff")),
        sa.UniqueConstraint(
            "cooperative_id", "code", name=op.f("uq_clinic_tariff_cooperative_id_code")
        ),
    )
    with op.batch_alter_table("clinic_tariff", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_clinic_tariff_cooperative_id"), ["cooperative_id"], unique=False
        )

    op.create_table(
        "clinic_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperative_id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("queue_no", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("registered_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("complaint", sa.Text(), nullable=False),
        sa.Column("systolic", sa.Integer(), nullable=True),
        sa.Column("diastolic", sa.Integer(), nullable=True),
        sa.Column("pulse", sa.Integer(), nullable=True),
        sa.Column("temperature", sa.Numeric(precision=4, scale=1), nullable=True),
        sa.Column("weight", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("height", sa.Numeric(precision=5, scale=1), nullable=True),
        sa.Column("spo2", sa.Integer(), nullable=True),
        sa.Column("examination", sa.Text(), nullable=False),
        sa.Column("icd10_code", sa.String(length=10), nullable=False),
        sa.Column("diagnosis_text", sa.String(length=300), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("examined_by_id", sa.Integer(), nullable=True),
        sa.Column("examined_at", sa.DateTime(), nullable=True),
        sa.Column("referral_number", sa.String(length=30), nullable=False),
        sa.Column("referral_to", sa.String(length=200), nullable=False),
        sa.Column("referral_reason", sa.Text(), nullable=False),
        sa.Column("referral_summary", sa.Text(), nullable=False),
        sa.Column("prescription_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cooperative_id"],
            ["cooperative.id"],
            name=op.f("fk_clinic_visit_cooperative_id_cooperative"),
        ),
        sa.ForeignKeyConstraint(
            ["examined_by_id"],
            ["user_account.id"],
            name=op.f("fk_clinic_visit_examined_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_clinic_visit_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["registered_by_id"],
            ["user_account.id"],
            name=op.f("fk_clinic_visit_registered_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["business_unit.id"], name=op.f("fk_clinic_visit_unit_id_business_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic_visit")),
        sa.UniqueConstraint(
            "cooperative_id",
            "business_date",
            "queue_no",
            name=op.f("uq_clinic_visit_cooperative_id_business_date_queue_no"),
        ),
        sa.UniqueConstraint(
            "cooperative_id", "public_id", name=op.f("uq_clinic_visit_cooperative_id_public_id")
        ),
    )
    with op.batch_alter_table("clinic_visit", schema=None) as batch_op:
        batch_op.create_index(
            "ix_clinic_visit_coop_date", ["cooperative_id", "business_date"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_clinic_visit_cooperative_id"), ["cooperative_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_clinic_visit_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "clinic_bill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperative_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("shift_id", sa.Integer(), nullable=True),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("void_reason", sa.String(length=300), nullable=False),
        sa.Column("void_entry_id", sa.Integer(), nullable=True),
        sa.Column("voided_by_id", sa.Integer(), nullable=True),
        sa.Column("voided_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cooperative_id"],
            ["cooperative.id"],
            name=op.f("fk_clinic_bill_cooperative_id_cooperative"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_clinic_bill_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["journal_entry.id"], name=op.f("fk_clinic_bill_entry_id_journal_entry")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_clinic_bill_member_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["shift_id"], ["shift.id"], name=op.f("fk_clinic_bill_shift_id_shift")
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["clinic_visit.id"], name=op.f("fk_clinic_bill_visit_id_clinic_visit")
        ),
        sa.ForeignKeyConstraint(
            ["void_entry_id"],
            ["journal_entry.id"],
            name=op.f("fk_clinic_bill_void_entry_id_journal_entry"),
        ),
        sa.ForeignKeyConstraint(
            ["voided_by_id"],
            ["user_account.id"],
            name=op.f("fk_clinic_bill_voided_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic_bill")),
        sa.UniqueConstraint(
            "cooperative_id", "number", name=op.f("uq_clinic_bill_cooperative_id_number")
        ),
    )
    with op.batch_alter_table("clinic_bill", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_clinic_bill_cooperative_id"), ["cooperative_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_clinic_bill_visit_id"), ["visit_id"], unique=False)

    op.create_table(
        "clinic_consumable",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperative_id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("qty", sa.Numeric(precision=18, scale=3), nullable=False),
        sa.Column("cost", sa.BigInteger(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cooperative_id"],
            ["cooperative.id"],
            name=op.f("fk_clinic_consumable_cooperative_id_cooperative"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entry.id"],
            name=op.f("fk_clinic_consumable_entry_id_journal_entry"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["item.id"], name=op.f("fk_clinic_consumable_item_id_item")
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["clinic_visit.id"],
            name=op.f("fk_clinic_consumable_visit_id_clinic_visit"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic_consumable")),
    )
    with op.batch_alter_table("clinic_consumable", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_clinic_consumable_cooperative_id"), ["cooperative_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_clinic_consumable_visit_id"), ["visit_id"], unique=False
        )

    op.create_table(
        "clinic_visit_service",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperative_id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("tariff_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cooperative_id"],
            ["cooperative.id"],
            name=op.f("fk_clinic_visit_service_cooperative_id_cooperative"),
        ),
        sa.ForeignKeyConstraint(
            ["tariff_id"],
            ["clinic_tariff.id"],
            name=op.f("fk_clinic_visit_service_tariff_id_clinic_tariff"),
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["clinic_visit.id"],
            name=op.f("fk_clinic_visit_service_visit_id_clinic_visit"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic_visit_service")),
    )
    with op.batch_alter_table("clinic_visit_service", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_clinic_visit_service_cooperative_id"), ["cooperative_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_clinic_visit_service_visit_id"), ["visit_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("clinic_visit_service", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clinic_visit_service_visit_id"))
        batch_op.drop_index(batch_op.f("ix_clinic_visit_service_cooperative_id"))

    op.drop_table("clinic_visit_service")
    with op.batch_alter_table("clinic_consumable", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clinic_consumable_visit_id"))
        batch_op.drop_index(batch_op.f("ix_clinic_consumable_cooperative_id"))

    op.drop_table("clinic_consumable")
    with op.batch_alter_table("clinic_bill", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clinic_bill_visit_id"))
        batch_op.drop_index(batch_op.f("ix_clinic_bill_cooperative_id"))

    op.drop_table("clinic_bill")
    with op.batch_alter_table("clinic_visit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clinic_visit_patient_id"))
        batch_op.drop_index(batch_op.f("ix_clinic_visit_cooperative_id"))
        batch_op.drop_index("ix_clinic_visit_coop_date")

    op.drop_table("clinic_visit")
    with op.batch_alter_table("clinic_tariff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clinic_tariff_cooperative_id"))

    op.drop_table("clinic_tariff")
