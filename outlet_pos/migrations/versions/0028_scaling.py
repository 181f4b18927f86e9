"""every tenant table and unique constraint carries cooperative_id

loan_installment gets cooperative_id (copied from its loan); each unique constraint or index
of a tenant table that did not name the cooperative is replaced by one that leads with it
(DESIGN §2.8: under Citus a unique index must include the distribution column; see
docs/scaling.md). stock_level and batch_level keep a plain index on their old key, which the
counter's stock lookups use without naming the cooperative.

Revision ID: 0028_scaling
Revises: 0027_api
Create Date: 2026-12-07 00:00:00

"""

from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = "0028_scaling"
down_revision = "0027_api"
branch_labels = None
depends_on = None

# table -> the columns of its old unique constraint; the new one is cooperative_id + these.
UNIQUES = {
    "journal_entry": ["public_id"],
    "sale": ["public_id"],
    "goods_receipt": ["public_id"],
    "item_unit": ["item_id", "name"],
    "stock_level": ["item_id", "location_id"],
    "batch_level": ["batch_id", "location_id"],
    "stock_count_line": ["count_id", "item_id", "batch_id"],
    "fertilizer_allocation": ["farmer_id", "fertilizer_type", "season"],
    "loan_installment": ["loan_id", "version", "no"],
}
# The old key stays as a plain index where the counter looks rows up by it.
LOOKUPS = {"stock_level", "batch_level"}
OPEN = sa.text("status = 'open'")


def _uq(table: str, columns: list[str]) -> str:
    return f"uq_{table}_{'_'.join(columns)}"


@contextmanager
def _sqlite_foreign_keys_off():
    """On SQLite a changed unique constraint means rebuilding the table (batch mode: copy,
    drop, rename). Dropping a table that other rows reference fails while foreign keys are
    enforced, and ``PRAGMA foreign_keys`` is ignored inside a transaction. So: commit what
    the run has done so far (complete up to 0027 and stamped), rebuild in a transaction of
    our own with foreign keys off, prove every reference still holds with
    ``foreign_key_check``, then turn them back on before Alembic stamps this revision.
    PostgreSQL alters constraints in place and needs none of this."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        yield
        return
    raw = bind.connection.driver_connection

    def switch(state: str) -> None:
        raw.execute("COMMIT")
        raw.execute(f"PRAGMA foreign_keys={state}")
        raw.execute("BEGIN IMMEDIATE")

    switch("OFF")
    try:
        yield
        broken = raw.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"0028_scaling: broken references after the rebuild: {broken[:5]}")
    except BaseException:
        raw.execute("ROLLBACK")
        raw.execute("PRAGMA foreign_keys=ON")
        raw.execute("BEGIN IMMEDIATE")
        raise
    switch("ON")


def _already_applied() -> bool:
    """True when an earlier run committed this migration's rebuild (SQLite commits it just
    before Alembic stamps the revision) but stopped before the stamp: nothing left to do."""
    columns = sa.inspect(op.get_bind()).get_columns("loan_installment")
    return any(c["name"] == "cooperative_id" for c in columns)


def upgrade():
    if _already_applied():
        return
    with _sqlite_foreign_keys_off():
        with op.batch_alter_table("loan_installment", schema=None) as batch_op:
            batch_op.add_column(sa.Column("cooperative_id", sa.Integer(), nullable=True))
        op.execute(
            "UPDATE loan_installment SET cooperative_id = "
            "(SELECT loan.cooperative_id FROM loan WHERE loan.id = loan_installment.loan_id)"
        )
        for table, columns in UNIQUES.items():
            with op.batch_alter_table(table, schema=None) as batch_op:
                if table == "loan_installment":
                    batch_op.alter_column(
                        "cooperative_id", existing_type=sa.Integer(), nullable=False
                    )
                    batch_op.create_foreign_key(
                        batch_op.f("fk_loan_installment_cooperative_id_cooperative"),
                        "cooperative",
                        ["cooperative_id"],
                        ["id"],
                    )
                    batch_op.create_index(
                        batch_op.f("ix_loan_installment_cooperative_id"),
                        ["cooperative_id"],
                        unique=False,
                    )
                batch_op.drop_constraint(batch_op.f(_uq(table, columns)), type_="unique")
                batch_op.create_unique_constraint(
                    batch_op.f(_uq(table, ["cooperative_id", *columns])),
                    ["cooperative_id", *columns],
                )
                if table in LOOKUPS:
                    batch_op.create_index(f"ix_{table}_{'_'.join(columns)}", columns, unique=False)

        with op.batch_alter_table("shift", schema=None) as batch_op:
            batch_op.drop_index("uq_shift_open_per_user", sqlite_where=OPEN, postgresql_where=OPEN)
            batch_op.create_index(
                "uq_shift_cooperative_id_user_id",
                ["cooperative_id", "user_id"],
                unique=True,
                sqlite_where=OPEN,
                postgresql_where=OPEN,
            )


def downgrade():
    # Fails, as it should, when a user has open shifts in two cooperatives or a public_id
    # repeats across cooperatives: the old constraints cannot hold such data.
    with _sqlite_foreign_keys_off():
        with op.batch_alter_table("shift", schema=None) as batch_op:
            batch_op.drop_index(
                "uq_shift_cooperative_id_user_id", sqlite_where=OPEN, postgresql_where=OPEN
            )
            batch_op.create_index(
                "uq_shift_open_per_user",
                ["user_id"],
                unique=True,
                sqlite_where=OPEN,
                postgresql_where=OPEN,
            )

        for table, columns in reversed(UNIQUES.items()):
            with op.batch_alter_table(table, schema=None) as batch_op:
                if table in LOOKUPS:
                    batch_op.drop_index(f"ix_{table}_{'_'.join(columns)}")
                batch_op.drop_constraint(
                    batch_op.f(_uq(table, ["cooperative_id", *columns])), type_="unique"
                )
                batch_op.create_unique_constraint(batch_op.f(_uq(table, columns)), columns)

        with op.batch_alter_table("loan_installment", schema=None) as batch_op:
            batch_op.drop_index(batch_op.f("ix_loan_installment_cooperative_id"))
            batch_op.drop_constraint(
                batch_op.f("fk_loan_installment_cooperative_id_cooperative"), type_="foreignkey"
            )
            batch_op.drop_column("cooperative_id")
