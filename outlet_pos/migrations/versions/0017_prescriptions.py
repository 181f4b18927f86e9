"""prescriptions, their lines and the apoteker on duty

Revision ID: 0017_prescriptions
Revises: 0016_clinic
Create Date: 2026-12-06 21:40:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0017_prescriptions"
down_revision = "0016_clinic"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
