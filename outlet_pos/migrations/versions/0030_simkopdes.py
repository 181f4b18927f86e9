"""SIMKOPDES export

Revision ID: 0030_simkopdes
Revises: 0029_sync
Create Date: 2026-12-07 00:00:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0030_simkopdes"
down_revision = "0029_sync"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
