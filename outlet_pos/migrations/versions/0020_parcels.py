"""parcels, tariffs and the status timeline

Revision ID: 0020_parcels
Revises: 0019_local_logistics_chart
Create Date: 2026-12-06 22:05:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0020_parcels"
down_revision = "0019_local_logistics_chart"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
