"""The schema comes only from the migrations, and they describe the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from outlet_pos.core.inventory.catalog import (
    SEARCH_INDEXES,
    SEARCH_TABLE,
    outside_search_index,
)
from outlet_pos.extensions import db

_not_search_index = outside_search_index


def test_the_migrated_schema_matches_the_models(app):
    with app.app_context():
        with db.engine.connect() as conn:
            ctx = MigrationContext.configure(
                conn, opts={"compare_type": True, "include_name": _not_search_index}
            )
            diff = compare_metadata(ctx, db.metadata)
    assert diff == []


def test_the_migrations_build_the_search_index(app):
    """SQLite: the FTS5 trigram table (its sync: tests/core/test_search.py). PostgreSQL: the
    trigram indexes, wherever pg_trgm is available."""
    with app.app_context():
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                if conn.exec_driver_sql(
                    "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'"
                ).scalar():
                    names = set(
                        conn.exec_driver_sql(
                            "SELECT indexname FROM pg_indexes WHERE tablename = 'item'"
                        ).scalars()
                    )
                    assert set(SEARCH_INDEXES) <= names
                return
            assert SEARCH_TABLE in inspect(conn).get_table_names()


def test_the_database_is_at_the_latest_migration(app):
    from alembic.script import ScriptDirectory
    from flask_migrate import Config

    with app.app_context():
        directory = app.extensions["migrate"].directory
        cfg = Config()
        cfg.set_main_option("script_location", directory)
        head = ScriptDirectory.from_config(cfg).get_current_head()
        with db.engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
    assert current == head


def test_sqlite_runs_in_wal_with_full_sync_and_foreign_keys(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
