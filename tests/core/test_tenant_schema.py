"""Tenancy in the schema (DESIGN §2.4, §2.8; docs/scaling.md): every tenant table carries
``cooperative_id`` and every unique constraint or index on it includes it, so the same schema
can be distributed by Citus with ``cooperative_id`` as the distribution column.

The checks walk every table in the metadata at test time, so a table added tomorrow is
covered without touching this file; a table that is truly global must be listed below with
its reason.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import inspect

from outlet_pos.core.errors import DomainError
from outlet_pos.extensions import db
from tests.conftest import make_coop, make_user

# Tables without cooperative_id, each for a reason. Under Citus these become reference
# tables (copied to every node) or stay on the coordinator; see docs/scaling.md.
GLOBAL_TABLES = {
    # The tenant itself: every other row points at it.
    "cooperative": "the tenant",
    # A person signs in once and may serve several cooperatives (a mentor coaches about
    # ten, and is a member of none); Membership rows, which are tenant rows, bind them.
    "user_account": "a login across cooperatives",
    # One row per mentor (primary key user_id): the alert thresholds and digest day apply
    # to all of the mentor's cooperatives at once.
    "mentor_settings": "a mentor's own settings, across cooperatives",
    # Versions of the reference data the server publishes to every outlet (HET, the health
    # rubric, price caps): one version serves all cooperatives (core/sync/models.py).
    "master_data": "reference data published to every cooperative",
}

# Tenant tables whose cooperative_id may be NULL. A distribution column cannot be NULL, so
# each entry is a known change for the Citus move (docs/scaling.md).
NULLABLE_COOPERATIVE = {
    # Installation-level events (an admin creating a user, a failed login) have no
    # cooperative. Under Citus they move to a coordinator-only table.
    "audit_event": "installation events have no cooperative",
}


def _tenant_tables() -> list[sa.Table]:
    return [t for t in db.metadata.sorted_tables if t.name not in GLOBAL_TABLES]


def _uniques(table: sa.Table) -> list[tuple[str, list[str]]]:
    """Every unique constraint and unique index of a model table, primary key aside (the
    primary keys' Citus change is a separate, mechanical step: see the test below)."""
    found = [
        (c.name, [col.name for col in c.columns])
        for c in table.constraints
        if isinstance(c, sa.UniqueConstraint)
    ]
    found += [(i.name, [col.name for col in i.columns]) for i in table.indexes if i.unique]
    return found


def test_every_table_but_the_listed_global_ones_has_a_cooperative_id(app):
    with app.app_context():
        missing = [t.name for t in _tenant_tables() if "cooperative_id" not in t.c]
        assert missing == [], (
            f"tenant tables without cooperative_id: {missing}. Add the column, or (only for "
            "a table truly shared by all cooperatives) list it in GLOBAL_TABLES with why."
        )


def test_the_global_list_names_only_tables_that_exist_without_a_cooperative_id(app):
    """A stale entry would let a future tenant table of that name slip through."""
    with app.app_context():
        tables = db.metadata.tables
        assert [n for n in GLOBAL_TABLES if n not in tables] == []
        assert [n for n in GLOBAL_TABLES if "cooperative_id" in tables[n].c] == []


def test_every_cooperative_id_is_a_not_null_key_of_a_cooperative(app):
    with app.app_context():
        wrong, nullable = [], []
        for table in _tenant_tables():
            col = table.c.cooperative_id
            if [fk.target_fullname for fk in col.foreign_keys] != ["cooperative.id"]:
                wrong.append(table.name)
            if col.nullable:
                nullable.append(table.name)
        assert wrong == []
        assert sorted(nullable) == sorted(NULLABLE_COOPERATIVE)


def test_every_unique_constraint_of_a_tenant_table_includes_cooperative_id(app):
    with app.app_context():
        bad = [
            f"{table.name}.{name} {cols}"
            for table in _tenant_tables()
            for name, cols in _uniques(table)
            if "cooperative_id" not in cols
        ]
        assert bad == [], "unique without cooperative_id (Citus refuses them): " + str(bad)


def test_every_tenant_primary_key_is_one_column_or_includes_cooperative_id(app):
    """Citus needs (cooperative_id, id) primary keys; with one-column keys everywhere that
    move is the same mechanical rewrite for every table (docs/scaling.md)."""
    with app.app_context():
        bad = [
            t.name
            for t in _tenant_tables()
            if len(t.primary_key.columns) != 1 and "cooperative_id" not in t.primary_key.columns
        ]
        assert bad == []


def test_the_migrated_database_has_the_same_tenant_unique_keys(app):
    """The models are the rule; this reads the database the migrations built (partial
    indexes included, which the models-vs-migrations comparison does not look inside)."""
    with app.app_context():
        with db.engine.connect() as conn:
            insp = inspect(conn)
            bad = []
            for table in _tenant_tables():
                keys = [
                    (u["name"], u["column_names"]) for u in insp.get_unique_constraints(table.name)
                ]
                keys += [
                    (i["name"], i["column_names"])
                    for i in insp.get_indexes(table.name)
                    if i["unique"]
                ]
                bad += [f"{table.name}.{n} {c}" for n, c in keys if "cooperative_id" not in c]
        assert bad == []


# --- the shift rule the unique index backs ------------------------------------------------


def _open(coop, user, float_amount=100_000):
    from sqlalchemy import select

    from outlet_pos.core.db import run_transaction
    from outlet_pos.core.sales.shifts import open_shift
    from outlet_pos.core.tenancy import Outlet

    outlet = db.session.scalar(select(Outlet).where(Outlet.cooperative_id == coop.id))
    return run_transaction(open_shift, coop, user, outlet, float_amount)


def test_a_cashier_has_one_open_shift_per_cooperative_not_one_in_all(ctx):
    from outlet_pos.core.sales.shifts import open_shift_for

    a = make_coop("Koperasi Desa A")
    b = make_coop("Koperasi Desa B")
    kasir = make_user("kasirdua", "kasir", a)
    from outlet_pos.core.db import run_transaction
    from outlet_pos.core.onboarding import grant_role

    run_transaction(grant_role, kasir, b, "kasir")

    in_a = _open(a, kasir)
    in_b = _open(b, kasir)  # a second cooperative: its own drawer

    assert open_shift_for(kasir, coop=a).id == in_a.id
    assert open_shift_for(kasir, coop=b).id == in_b.id
    assert open_shift_for(kasir, in_b.outlet).id == in_b.id
    # No cooperative named and two drawers open: no guess at which one.
    assert open_shift_for(kasir) is None
    with pytest.raises(DomainError, match="masih memiliki shift"):
        _open(a, kasir)


def test_the_database_refuses_a_second_open_shift_in_one_cooperative(ctx):
    from outlet_pos.core.sales.models import Shift

    coop = make_coop()
    kasir = make_user("kasirsatu", "kasir", coop)
    first = _open(coop, kasir)
    twin = Shift(
        cooperative_id=coop.id,
        outlet_id=first.outlet_id,
        user_id=kasir.id,
        business_date=first.business_date,
        float_amount=0,
        status="open",
    )
    db.session.add(twin)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_disbursed_loans_schedule_carries_the_loans_cooperative(ctx):
    from outlet_pos.core.db import run_transaction
    from outlet_pos.units.simpan_pinjam import loan_products, loans
    from outlet_pos.units.simpan_pinjam.models import LoanInstallment
    from tests.units.simpin_world import build_world

    build_world(name="Koperasi Lain")  # a second cooperative, so ids differ from 1
    w = build_world()
    product = next(p for p in loan_products.ensure_products(w.coop) if p.code == "PRODUKTIF")
    loan = run_transaction(
        loans.apply, w.coop, w.member, product, 6_000_000, 6, w.pengurus_a, purpose="Modal"
    )
    run_transaction(loans.decide, w.coop, loan, True, w.pengurus_b)
    run_transaction(loans.disburse, w.coop, loan, w.kasir, via="tunai", shift=w.shift)

    coops = db.session.scalars(
        sa.select(LoanInstallment.cooperative_id).where(LoanInstallment.loan_id == loan.id)
    ).all()
    assert len(coops) == 6
    assert set(coops) == {w.coop.id} != {1}
