"""local units made from a form, LPG log, cold storage, agent transactions

Revision ID: 0022_local_units
Revises: 0021_parcel_money
Create Date: 2026-12-06 22:05:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0022_local_units"
down_revision = "0021_parcel_money"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
