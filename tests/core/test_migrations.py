"""The schema comes only from the migrations, and they describe the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from outlet_pos.extensions import db


def test_the_migrated_schema_matches_the_models(app):
    with app.app_context():
        with db.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(ctx, db.metadata)
    assert diff == []


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
