"""Two installations in one run: an outlet on SQLite and a district server on PostgreSQL,
the server answering over real HTTP on loopback (waitress in a thread).

The server gets its own fresh PostgreSQL database for each test module; with no PostgreSQL
the tests skip (or fail under ``OUTLET_POS_REQUIRE_ALL``), because the server's engine is the
point: ids, types and locks differ from SQLite's.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest

from tests.conftest import skip_or_fail


def _pg_base() -> str:
    url = os.environ.get("OUTLET_POS_TEST_DATABASE_URL", "")
    if url.startswith("postgresql"):
        return url.rsplit("/", 1)[0]
    return "postgresql+psycopg://postgres@127.0.0.1:5432"


def _admin(sql: str) -> None:
    import psycopg

    base = _pg_base().replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(base + "/postgres", autocommit=True, connect_timeout=3) as conn:
        conn.execute(sql)


def _build(url: str, instance, **config):
    from flask_migrate import upgrade

    from outlet_pos import create_app

    os.environ.setdefault("OUTLET_POS_INSTANCE", str(instance))
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "sync-test",
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            **config,
        }
    )
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        from outlet_pos.core.sync.capture import ensure_capture
        from outlet_pos.extensions import db

        ensure_capture(db.engine)
    return app


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple]:
    """(server app, base URL): a sync server on a fresh PostgreSQL database, shared by a
    module's tests as a district server is shared by its cooperatives."""
    tmp_path = tmp_path_factory.mktemp("server")
    name = f"outlet_pos_sync_{os.getpid()}_{threading.get_ident() % 10000}"
    try:
        _admin(f"DROP DATABASE IF EXISTS {name}")
        _admin(f"CREATE DATABASE {name}")
    except Exception as exc:  # noqa: BLE001 - any failure to reach PostgreSQL
        skip_or_fail(f"PostgreSQL not reachable for the sync server: {exc}")
    app = _build(f"{_pg_base()}/{name}", tmp_path / "server", SYNC_SERVER=True)
    from waitress.server import create_server

    srv = create_server(app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{srv.effective_port}"
    finally:
        srv.close()
        thread.join(timeout=5)
        from outlet_pos.extensions import db

        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def outlet(tmp_path):
    """An outlet installation on its own SQLite file."""
    app = _build(f"sqlite:///{tmp_path / 'outlet.db'}", tmp_path / "outlet")
    yield app
    from outlet_pos.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()
