"""every tenant table and unique constraint carries cooperative_id

Revision ID: 0028_scaling
Revises: 0027_api
Create Date: 2026-12-07 00:00:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0028_scaling"
down_revision = "0027_api"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
