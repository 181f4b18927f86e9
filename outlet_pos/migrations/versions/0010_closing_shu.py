"""daily close, month-close checklist, year-end close and SHU

Revision ID: 0010_closing_shu
Revises: 0009_banking
Create Date: 2026-12-06 18:10:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0010_closing_shu"
down_revision = "0009_banking"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
