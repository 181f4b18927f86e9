"""courier settlements and COD remittances

Revision ID: 0021_parcel_money
Revises: 0020_parcels
Create Date: 2026-12-06 22:05:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0021_parcel_money"
down_revision = "0020_parcels"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
