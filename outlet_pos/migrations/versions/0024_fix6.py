"""clinic prescribers with their licence, medical record amendments, the clinic's note to the
apoteker kept apart from the prescriber's licence on a prescription

Revision ID: 0024_fix6
Revises: 0023_fish_livestock
Create Date: 2026-12-07 09:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0024_fix6"
down_revision = "0023_fish_livestock"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "clinic_prescriber",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperative_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("profession", sa.String(length=20), nullable=False),
        sa.Column("license_no", sa.String(length=60), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cooperative_id"],
            ["cooperative.id"],
            name=op.f("fk_clinic_prescriber_cooperative_id_cooperative"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic_prescriber")),
        sa.UniqueConstraint(
            "cooperative_id",
            "license_no",
            name=op.f("uq_clinic_prescriber_cooperative_id_license_no"),
        ),
    )
    with op.batch_alter_table("clinic_prescriber", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_clinic_prescriber_cooperative_id"), ["cooperative_id"], unique=False
        )

    op.create_table(
        "clinic_record_amendment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperative_id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("changes_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cooperative_id"],
            ["cooperative.id"],
            name=op.f("fk_clinic_record_amendment_cooperative_id_cooperative"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_clinic_record_amendment_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["clinic_visit.id"],
            name=op.f("fk_clinic_record_amendment_visit_id_clinic_visit"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic_record_amendment")),
    )
    with op.batch_alter_table("clinic_record_amendment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_clinic_record_amendment_cooperative_id"),
            ["cooperative_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_clinic_record_amendment_visit_id"), ["visit_id"], unique=False
        )

    with op.batch_alter_table("prescription", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("clinic_note", sa.String(length=500), nullable=False, server_default="")
        )
    # Until now a clinic prescription carried the clinic's note to the apoteker in
    # prescriber_note (printed as "SIP / fasilitas"): move it to its own column.
    op.execute(
        "UPDATE prescription SET clinic_note = prescriber_note, prescriber_note = '' "
        "WHERE source = 'klinik'"
    )


def downgrade():
    op.execute(
        "UPDATE prescription SET prescriber_note = substr(clinic_note, 1, 200) "
        "WHERE source = 'klinik' AND clinic_note <> ''"
    )
    with op.batch_alter_table("prescription", schema=None) as batch_op:
        batch_op.drop_column("clinic_note")

    with op.batch_alter_table("clinic_record_amendment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clinic_record_amendment_visit_id"))
        batch_op.drop_index(batch_op.f("ix_clinic_record_amendment_cooperative_id"))

    op.drop_table("clinic_record_amendment")
    with op.batch_alter_table("clinic_prescriber", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clinic_prescriber_cooperative_id"))

    op.drop_table("clinic_prescriber")
