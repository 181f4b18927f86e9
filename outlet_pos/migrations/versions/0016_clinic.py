"""clinic visits, tariff, consumables and bills

Revision ID: 0016_clinic
Revises: 0015_patients_drugs
Create Date: 2026-12-06 21:40:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0016_clinic"
down_revision = "0015_patients_drugs"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
