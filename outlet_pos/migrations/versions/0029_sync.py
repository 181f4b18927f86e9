"""outlet-to-server sync: outbox, registration, id map, master data

Revision ID: 0029_sync
Revises: 0028_scaling
Create Date: 2026-12-07 00:00:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0029_sync"
down_revision = "0028_scaling"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
