"""API v1: tokens per user and device

Revision ID: 0027_api
Revises: 0026_fix7b
Create Date: 2026-12-07 00:00:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0027_api"
down_revision = "0026_fix7b"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
