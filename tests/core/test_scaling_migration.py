"""Migration 0028_scaling on a database that already holds books, on SQLite and PostgreSQL.

The suite's own schema is migrated from empty, where rebuilding a table costs nothing and
no reference can break. An outlet upgrading its laptop has rows: loan installments that must
get their loan's cooperative, and journal lines, sales and barcodes pointing into the tables
SQLite rebuilds to change their unique constraints.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from tests.conftest import database_url, skip_or_fail

BEFORE, AFTER = "0027_api", "0028_scaling"


def _app(url: sa.URL, instance):
    from outlet_pos import create_app

    os.environ["OUTLET_POS_INSTANCE"] = str(instance)
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url.render_as_string(hide_password=False),
            "SECRET_KEY": "x",
            "TESTING": True,
        }
    )


def _dispose(app) -> None:
    from outlet_pos.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Iterator[tuple[sa.URL, sa.Engine | None]]:
    """A database migrated to 0027, built once and copied for each test: a SQLite file, or
    a second PostgreSQL database named after the test database (used as a template). A
    schema of the test database would not do: Alembic would find public.alembic_version
    through the search path. The suite's shared schema is never touched."""
    from flask_migrate import upgrade

    tmp = tmp_path_factory.mktemp("upgrade")
    url = sa.make_url(database_url(tmp))
    admin = None
    if url.get_backend_name() == "postgresql":
        admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        url = url.set(database=f"{url.database}_0027")
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
                conn.exec_driver_sql(f'CREATE DATABASE "{url.database}"')
        except sa.exc.DBAPIError as exc:
            admin.dispose()
            skip_or_fail(f"cannot create a second PostgreSQL database: {exc.orig}")
    app = _app(url, tmp)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory, revision=BEFORE)
    _dispose(app)
    yield url, admin
    if admin is not None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE "{url.database}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def old_app(template, tmp_path, monkeypatch) -> Iterator:
    """An app on a fresh copy of the 0027 database, inside its app context."""
    monkeypatch.setenv("OUTLET_POS_INSTANCE", str(tmp_path))
    source, admin = template
    if admin is None:
        url = source.set(database=str(tmp_path / "copy.db"))
        shutil.copyfile(source.database, url.database)
    else:
        url = source.set(database=f"{source.database}_copy")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{url.database}" TEMPLATE "{source.database}"')
    app = _app(url, tmp_path)
    with app.app_context():
        yield app
    _dispose(app)
    if admin is not None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE "{url.database}" WITH (FORCE)')


def _insert(conn, table_name: str, /, **values) -> int:
    """Insert one row by plain SQL into the table as it stands in the database, filling
    the required columns the test does not care about."""
    table = sa.Table(table_name, sa.MetaData(), autoload_with=conn)
    row = dict(values)
    for col in table.columns:
        if col.name in row or col.nullable or col.primary_key or col.server_default:
            continue
        assert not col.foreign_keys, f"{table_name}.{col.name} needs a value"
        py = col.type.python_type
        row[col.name] = {
            str: os.urandom(8).hex()[: getattr(col.type, "length", None) or 16],
            int: 0,
            bool: False,
            date: date(2026, 1, 5),
            datetime: datetime(2026, 1, 5, 8, 0),
        }.get(py, 0)
    return conn.execute(table.insert().values(**row).returning(table.c.id)).scalar_one()


def _books(conn, coop_name: str, user: int, shift: str = "open") -> dict:
    coop = _insert(conn, "cooperative", name=coop_name)
    member = _insert(conn, "member", cooperative_id=coop)
    product = _insert(conn, "loan_product", cooperative_id=coop)
    loan = _insert(
        conn,
        "loan",
        cooperative_id=coop,
        member_id=member,
        product_id=product,
        applied_by_id=user,
    )
    for no in (1, 2):
        _insert(conn, "loan_installment", loan_id=loan, no=no, principal=500, interest=10)
    account = _insert(conn, "account", cooperative_id=coop, code="111100", normal_side="D")
    entry = _insert(conn, "journal_entry", cooperative_id=coop, public_id=f"{coop_name}-e")
    _insert(conn, "journal_line", cooperative_id=coop, entry_id=entry, account_id=account, debit=1)
    outlet = _insert(conn, "outlet", cooperative_id=coop)
    _insert(conn, "shift", cooperative_id=coop, outlet_id=outlet, user_id=user, status=shift)
    return {"coop": coop, "loan": loan, "outlet": outlet}


def _migrate(app, revision: str, *, down: bool = False) -> None:
    from flask_migrate import downgrade, upgrade

    directory = app.extensions["migrate"].directory
    (downgrade if down else upgrade)(directory=directory, revision=revision)


def test_the_upgrade_keeps_every_row_and_gives_installments_their_loans_cooperative(old_app):
    from outlet_pos.extensions import db

    with db.engine.begin() as conn:
        user = _insert(conn, "user_account", username="kasir")
        a = _books(conn, "Koperasi A", user)
        b = _books(conn, "Koperasi B", user, "closed")  # 0027: one open shift per user

    _migrate(old_app, AFTER)

    with db.engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT loan_id, cooperative_id FROM loan_installment ORDER BY id")
        ).all()
        assert rows == [(a["loan"], a["coop"])] * 2 + [(b["loan"], b["coop"])] * 2
        assert conn.execute(sa.text("SELECT count(*) FROM journal_line")).scalar() == 2
        if conn.dialect.name == "sqlite":
            # The rebuild ran with foreign keys off: they are back on, and nothing dangles.
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        cols = {c["name"]: c for c in sa.inspect(conn).get_columns("loan_installment")}
        assert cols["cooperative_id"]["nullable"] is False

    # Now the user may open a shift in cooperative B as well, but not a second one in A.
    with db.engine.begin() as conn:
        _insert(
            conn,
            "shift",
            cooperative_id=b["coop"],
            outlet_id=b["outlet"],
            user_id=user,
            status="open",
        )
    with pytest.raises(sa.exc.IntegrityError):
        with db.engine.begin() as conn:
            _insert(
                conn,
                "shift",
                cooperative_id=a["coop"],
                outlet_id=a["outlet"],
                user_id=user,
                status="open",
            )


def test_an_upgrade_stopped_before_its_stamp_finishes_on_the_next_run(old_app):
    """SQLite commits the rebuild just before Alembic stamps the revision; if the process
    dies in between, the next run finds the work done and only stamps."""
    from flask_migrate import stamp

    from outlet_pos.extensions import db

    _migrate(old_app, AFTER)
    stamp(directory=old_app.extensions["migrate"].directory, revision=BEFORE)
    _migrate(old_app, AFTER)
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == AFTER


def test_the_downgrade_restores_the_old_constraints_with_the_data(old_app):
    from outlet_pos.extensions import db

    with db.engine.begin() as conn:
        user = _insert(conn, "user_account", username="kasir")
        _books(conn, "Koperasi A", user)
    _migrate(old_app, AFTER)
    _migrate(old_app, BEFORE, down=True)
    with db.engine.connect() as conn:
        insp = sa.inspect(conn)
        assert "cooperative_id" not in {c["name"] for c in insp.get_columns("loan_installment")}
        uniques = {u["name"] for u in insp.get_unique_constraints("sale")}
        assert "uq_sale_public_id" in uniques
        assert conn.execute(sa.text("SELECT count(*) FROM loan_installment")).scalar() == 2
