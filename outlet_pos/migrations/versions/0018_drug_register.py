"""narcotics and psychotropics register

Revision ID: 0018_drug_register
Revises: 0017_prescriptions
Create Date: 2026-12-06 21:40:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0018_drug_register"
down_revision = "0017_prescriptions"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
