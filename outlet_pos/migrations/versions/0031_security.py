"""security fixes

Revision ID: 0031_security
Revises: 0030_simkopdes
Create Date: 2026-12-07 00:00:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0031_security"
down_revision = "0030_simkopdes"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
