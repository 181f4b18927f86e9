"""mentor alert thresholds

Revision ID: 0013_mentor_settings
Revises: 0012_visits
Create Date: 2026-12-06 21:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0013_mentor_settings"
down_revision = "0012_visits"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "mentor_settings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("thresholds_json", sa.Text(), nullable=False),
        sa.Column("digest_weekday", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_mentor_settings_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_mentor_settings")),
    )


def downgrade():
    op.drop_table("mentor_settings")
