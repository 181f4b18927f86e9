"""business plan targets

Revision ID: 0014_plans
Revises: 0013_mentor_settings
Create Date: 2026-12-06 21:00:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0014_plans"
down_revision = "0013_mentor_settings"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
