"""fish purchases from members and livestock records

Revision ID: 0023_fish_livestock
Revises: 0022_local_units
Create Date: 2026-12-06 22:05:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0023_fish_livestock"
down_revision = "0022_local_units"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
