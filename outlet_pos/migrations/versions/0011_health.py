"""health assessments

Revision ID: 0011_health
Revises: 0010_closing_shu
Create Date: 2026-12-06 21:00:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0011_health"
down_revision = "0010_closing_shu"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
