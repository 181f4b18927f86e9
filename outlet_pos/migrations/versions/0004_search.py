"""product search index: FTS5 trigram on SQLite, pg_trgm on PostgreSQL

The counter's type-ahead looks for a part of a name or SKU anywhere in it (``%beras%``),
which no B-tree index can answer; over 20,000 items that was a full scan per keystroke.

SQLite: an external-content FTS5 table ``item_search`` with the trigram tokenizer (any
substring of 3+ characters, case-insensitive), kept in step with ``item`` by triggers, so
every writer (the item form, the CSV/Excel import, bulk inserts, deletes) updates it without
knowing it exists.

PostgreSQL: GIN trigram indexes (pg_trgm) on ``lower(name)`` and ``lower(sku)``, the very
expressions search filters on (``lower(name) LIKE '%...%'``); the planner takes them where
they pay (a large table, a selective text) and scans a small cooperative's items otherwise.
The extension may be missing or not ours to create: then no index is made, and search
keeps working by a scan.

Neither is part of the models (the schema-compare test leaves them out by name); search
falls back to plain LIKE when the index is absent.

Revision ID: 0004_search
Revises: 0003_counts_purchasing
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_search"
down_revision = "0003_counts_purchasing"
branch_labels = None
depends_on = None

SQLITE_UP = [
    "CREATE VIRTUAL TABLE item_search USING fts5("
    "name, sku, content='item', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER item_search_ai AFTER INSERT ON item BEGIN "
    "INSERT INTO item_search(rowid, name, sku) VALUES (new.id, new.name, new.sku); END",
    "CREATE TRIGGER item_search_ad AFTER DELETE ON item BEGIN "
    "INSERT INTO item_search(item_search, rowid, name, sku) "
    "VALUES ('delete', old.id, old.name, old.sku); END",
    "CREATE TRIGGER item_search_au AFTER UPDATE OF name, sku ON item BEGIN "
    "INSERT INTO item_search(item_search, rowid, name, sku) "
    "VALUES ('delete', old.id, old.name, old.sku); "
    "INSERT INTO item_search(rowid, name, sku) VALUES (new.id, new.name, new.sku); END",
    # Items that existed before this migration.
    "INSERT INTO item_search(item_search) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS item_search_au",
    "DROP TRIGGER IF EXISTS item_search_ad",
    "DROP TRIGGER IF EXISTS item_search_ai",
    "DROP TABLE IF EXISTS item_search",
]
PG_UP = [
    "CREATE INDEX IF NOT EXISTS ix_item_name_trgm ON item USING gin (lower(name) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS ix_item_sku_trgm ON item USING gin (lower(sku) gin_trgm_ops)",
]
PG_DOWN = ["DROP INDEX IF EXISTS ix_item_sku_trgm", "DROP INDEX IF EXISTS ix_item_name_trgm"]


def upgrade():
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        try:
            conn.exec_driver_sql(SQLITE_UP[0])
        except sa.exc.OperationalError:
            # A SQLite built without FTS5 or older than 3.34 (no trigram tokenizer):
            # search stays a scan, everything else works.
            return
        for sql in SQLITE_UP[1:]:
            conn.exec_driver_sql(sql)
    elif conn.dialect.name == "postgresql":
        available = conn.exec_driver_sql(
            "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'"
        ).scalar()
        if not available:
            return
        try:
            # A savepoint: a refused CREATE EXTENSION (not superuser, not trusted) must not
            # abort the migration's transaction.
            with conn.begin_nested():
                conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except sa.exc.DBAPIError:
            return
        for sql in PG_UP:
            conn.exec_driver_sql(sql)


def downgrade():
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        for sql in SQLITE_DOWN:
            conn.exec_driver_sql(sql)
    elif conn.dialect.name == "postgresql":
        for sql in PG_DOWN:
            conn.exec_driver_sql(sql)
