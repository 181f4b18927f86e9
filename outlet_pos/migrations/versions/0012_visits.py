"""mentor visit notes and follow-up actions

Revision ID: 0012_visits
Revises: 0011_health
Create Date: 2026-12-06 21:00:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0012_visits"
down_revision = "0011_health"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
