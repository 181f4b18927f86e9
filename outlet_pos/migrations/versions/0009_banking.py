"""bank accounts, statement imports and reconciliation

Revision ID: 0009_banking
Revises: 0008_expenses_assets
Create Date: 2026-12-06 18:10:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0009_banking"
down_revision = "0008_expenses_assets"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
