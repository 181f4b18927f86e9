"""mentor alert thresholds

Revision ID: 0013_mentor_settings
Revises: 0012_visits
Create Date: 2026-12-06 21:00:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0013_mentor_settings"
down_revision = "0012_visits"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
