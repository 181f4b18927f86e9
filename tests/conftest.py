"""Shared fixtures (Flask tutorial style): ``app``, ``client``, ``runner``, a logged-in helper.

The database is SQLite by default; set ``OUTLET_POS_TEST_DATABASE_URL`` to a PostgreSQL URL to
run the same suite there (``.ci/run`` does both). The schema is built by the migrations, never
by ``create_all``. With ``OUTLET_POS_REQUIRE_ALL=1`` (set by ``.ci/run``) a test that would
skip for lack of PostgreSQL or chromium fails instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import text

TEST_PASSWORD = "uji-Koperasi-2025!"
REQUIRE_ALL = os.environ.get("OUTLET_POS_REQUIRE_ALL") == "1"


def skip_or_fail(reason: str) -> None:
    """Skip with the reason printed, or fail when CI demands every test to run."""
    if REQUIRE_ALL:
        pytest.fail(f"required but unavailable: {reason}")
    print(f"SKIP: {reason}")
    pytest.skip(reason)


def database_url(tmp_dir) -> str:
    return os.environ.get("OUTLET_POS_TEST_DATABASE_URL") or f"sqlite:///{tmp_dir / 'test.db'}"


def _reset_schema(app) -> None:
    """Empty database, then the migrations: the test suite proves they build the schema."""
    from flask_migrate import upgrade

    from outlet_pos.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade(directory=app.extensions["migrate"].directory)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("instance")
    os.environ["OUTLET_POS_INSTANCE"] = str(tmp)
    from outlet_pos import create_app

    application = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": database_url(tmp),
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    _reset_schema(application)
    yield application
    from outlet_pos.extensions import db

    with application.app_context():
        db.engine.dispose()


def _wipe(app) -> None:
    from outlet_pos.extensions import db

    with app.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # DELETE with foreign-key triggers off, then every sequence back to 1: the
                # same result as TRUNCATE ... RESTART IDENTITY, about ten times cheaper on the
                # small tables a test leaves (TRUNCATE makes new files for every table).
                conn.execute(text("SET LOCAL session_replication_role = replica"))
                for name in tables:
                    conn.execute(text(f'DELETE FROM "{name}"'))
                conn.execute(
                    text(
                        "SELECT setval(c.oid, 1, false) FROM pg_class c "
                        "JOIN pg_namespace n ON n.oid = c.relnamespace "
                        "WHERE c.relkind = 'S' AND n.nspname = current_schema()"
                    )
                )
            else:
                for name in tables:
                    conn.execute(text(f'DELETE FROM "{name}"'))


def _violations(app) -> list[str]:
    from outlet_pos.core.verify import verify_all
    from outlet_pos.extensions import db

    with app.app_context():
        try:
            return [f"{c}: {label}: {v}" for c, label, vs in verify_all() for v in vs]
        finally:
            db.session.rollback()
            db.session.remove()


@pytest.fixture(autouse=True)
def _rate_limits_off() -> Iterator[None]:
    """Flask-Limiter keeps one on/off switch per extension object, shared by every app a test
    makes: a test that builds an app with limits on would leave them on for the tests after
    it (the login limit then answers 429 to their logins). Off again after every test."""
    yield
    from outlet_pos.extensions import limiter

    limiter.enabled = False


@pytest.fixture(autouse=True)
def _clean(request) -> Iterator[None]:
    """Each test starts from empty tables (only for tests that use the app), and every test
    leaves books that ``outlet-pos verify`` passes — unless it tampers on purpose."""
    yield
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        try:
            if request.node.get_closest_marker("tampers") is None:
                bad = _violations(app)
                assert bad == [], "verify after the test:\n" + "\n".join(bad)
        finally:
            _wipe(app)


@pytest.fixture
def ctx(app):
    """An application context, rolled back at the end so a failed test leaves no session."""
    from outlet_pos.extensions import db

    with app.app_context():
        yield
        db.session.rollback()
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def make_coop(name: str = "Koperasi Desa Merah Putih Uji", **values):
    from outlet_pos.core.db import run_transaction
    from outlet_pos.core.onboarding import create_cooperative, save_outlet, save_unit

    def action():
        coop = create_cooperative({"name": name, "timezone": "WITA", **values})
        outlet = save_outlet(coop, "GR01", "Gerai Uji")
        save_unit(coop, "sembako", "Sembako", "sembako", outlet.id)
        save_unit(coop, "simpin", "Simpan Pinjam", "simpan_pinjam", outlet.id)
        return coop

    return run_transaction(action)


def make_user(username: str, role: str | None, coop=None, *, is_admin: bool = False):
    from outlet_pos.core.db import run_transaction
    from outlet_pos.core.onboarding import create_user, grant_role

    def action():
        user = create_user(username, username.title(), TEST_PASSWORD, is_admin=is_admin)
        if role and coop is not None:
            grant_role(user, coop, role)
        return user

    return run_transaction(action)


@pytest.fixture
def coop(ctx):
    """A cooperative as an ORM object, for service-level tests that hold an app context."""
    return make_coop()


@pytest.fixture
def web_coop(app):
    """A cooperative's id for page tests: created in its own app context, because a test
    client request must not share the test's context (it would share the DB session)."""
    with app.app_context():
        return make_coop().id


@pytest.fixture
def web_user(app, web_coop):
    """``web_user(username, role)`` creates a user holding ``role`` in ``web_coop``."""

    def _make(username: str, role: str | None, *, is_admin: bool = False, coop_id=None):
        from outlet_pos.core.tenancy import Cooperative
        from outlet_pos.extensions import db

        with app.app_context():
            c = db.session.get(Cooperative, coop_id or web_coop)
            return make_user(username, role, c, is_admin=is_admin).id

    return _make


@pytest.fixture
def login():
    """``login(client, username)`` signs a user in through the real login form."""

    def _login(client, username: str, password: str = TEST_PASSWORD):
        resp = client.post("/masuk", data={"username": username, "password": password})
        assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
        return resp

    return _login


# Suites that test the application's routes, forms and permissions rather than the engine run
# once, in the SQLite run: repeating them on PostgreSQL doubled their cost and pushed CI near
# its 30 minutes. The engine-level findings they made (NUL bytes, lock order) are pinned by
# tests that run on both (tests/fuzz/test_fuzz_findings.py, tests/soak, tests/fuzz_api).
ONCE_ON_SQLITE = ("tests/security/", "tests/fuzz/test_forms_fuzz.py")


def pytest_collection_modifyitems(config, items):
    if not os.environ.get("OUTLET_POS_TEST_DATABASE_URL", "").startswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="runs once, in the SQLite run (application-level suite)")
    for item in items:
        path = str(item.path).replace(os.sep, "/")
        if any(part in path for part in ONCE_ON_SQLITE):
            item.add_marker(skip)
