"""product search index (placeholder: filled in by the search work)

Revision ID: 0004_search
Revises: 0003_counts_purchasing
"""

revision = "0004_search"
down_revision = "0003_counts_purchasing"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
