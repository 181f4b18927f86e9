"""expenses, other income, recurring expenses and fixed assets

Revision ID: 0008_expenses_assets
Revises: 0007_treasurer_chart
Create Date: 2026-12-06 18:10:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0008_expenses_assets"
down_revision = "0007_treasurer_chart"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
