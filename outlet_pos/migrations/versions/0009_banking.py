"""bank accounts, statement imports and reconciliation

Revision ID: 0009_banking
Revises: 0008_expenses_assets
Create Date: 2026-12-06 18:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0009_banking"
down_revision = "0008_expenses_assets"
branch_labels = None
depends_on = None


def _fk(table, cols, ref, ref_cols):
    name = f"fk_{table}_{cols[0]}_{ref}"
    return sa.ForeignKeyConstraint(cols, [f"{ref}.{c}" for c in ref_cols], name=op.f(name))


def upgrade():
    op.create_table(
        "bank_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperative_id", sa.Integer(), nullable=False),
        sa.Column("bank_name", sa.String(length=60), nullable=False),
        sa.Column("account_number", sa.String(length=40), nullable=False),
        sa.Column("holder_name", sa.String(length=200), nullable=False),
        sa.Column("ledger_account_id", sa.Integer(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("bank_account", ["cooperative_id"], "cooperative", ["id"]),
        _fk("bank_account", ["ledger_account_id"], "account", ["id"]),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_account")),
        sa.UniqueConstraint(
            "cooperative_id",
            "account_number",
            name=op.f("uq_bank_account_cooperative_id_account_number"),
        ),
        sa.UniqueConstraint(
            "cooperative_id",
            "ledger_account_id",
            name=op.f("uq_bank_account_cooperative_id_ledger_account_id"),
        ),
    )
    with op.batch_alter_table("bank_account", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bank_account_cooperative_id"), ["cooperative_id"], unique=False
        )

    op.create_table(
        "bank_csv_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperative_id", sa.Integer(), nullable=False),
        sa.Column("bank_account_id", sa.Integer(), nullable=False),
        sa.Column("delimiter", sa.String(length=2), nullable=False),
        sa.Column("skip_rows", sa.Integer(), nullable=False),
        sa.Column("date_column", sa.String(length=60), nullable=False),
        sa.Column("date_format", sa.String(length=20), nullable=False),
        sa.Column("description_column", sa.String(length=60), nullable=False),
        sa.Column("reference_column", sa.String(length=60), nullable=False),
        sa.Column("amount_column", sa.String(length=60), nullable=False),
        sa.Column("debit_column", sa.String(length=60), nullable=False),
        sa.Column("credit_column", sa.String(length=60), nullable=False),
        sa.Column("balance_column", sa.String(length=60), nullable=False),
        sa.Column("number_style", sa.String(length=2), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _fk("bank_csv_mapping", ["bank_account_id"], "bank_account", ["id"]),
        _fk("bank_csv_mapping", ["cooperative_id"], "cooperative", ["id"]),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_csv_mapping")),
        sa.UniqueConstraint(
            "cooperative_id",
            "bank_account_id",
            name=op.f("uq_bank_csv_mapping_cooperative_id_bank_account_id"),
        ),
    )
    with op.batch_alter_table("bank_csv_mapping", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bank_csv_mapping_cooperative_id"), ["cooperative_id"], unique=False
        )

    op.create_table(
        "bank_statement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperative_id", sa.Integer(), nullable=False),
        sa.Column("bank_account_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("skipped_count", sa.Integer(), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        _fk("bank_statement", ["bank_account_id"], "bank_account", ["id"]),
        _fk("bank_statement", ["cooperative_id"], "cooperative", ["id"]),
        _fk("bank_statement", ["imported_by_id"], "user_account", ["id"]),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_statement")),
    )
    with op.batch_alter_table("bank_statement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bank_statement_bank_account_id"), ["bank_account_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_bank_statement_cooperative_id"), ["cooperative_id"], unique=False
        )

    op.create_table(
        "bank_statement_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperative_id", sa.Integer(), nullable=False),
        sa.Column("bank_account_id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("posted_entry_id", sa.Integer(), nullable=True),
        sa.Column("matched_by_id", sa.Integer(), nullable=True),
        sa.Column("matched_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('unmatched', 'matched', 'posted')",
            name=op.f("ck_bank_statement_line_status"),
        ),
        sa.CheckConstraint("amount <> 0", name=op.f("ck_bank_statement_line_amount_nonzero")),
        _fk("bank_statement_line", ["bank_account_id"], "bank_account", ["id"]),
        _fk("bank_statement_line", ["cooperative_id"], "cooperative", ["id"]),
        _fk("bank_statement_line", ["matched_by_id"], "user_account", ["id"]),
        _fk("bank_statement_line", ["posted_entry_id"], "journal_entry", ["id"]),
        _fk("bank_statement_line", ["statement_id"], "bank_statement", ["id"]),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_statement_line")),
        sa.UniqueConstraint(
            "cooperative_id",
            "bank_account_id",
            "fingerprint",
            name=op.f("uq_bank_statement_line_cooperative_id_bank_account_id_fingerprint"),
        ),
    )
    with op.batch_alter_table("bank_statement_line", schema=None) as batch_op:
        batch_op.create_index(
            "ix_bank_statement_line_account_date",
            ["cooperative_id", "bank_account_id", "date"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_bank_statement_line_statement_id"), ["statement_id"], unique=False
        )

    op.create_table(
        "bank_match",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperative_id", sa.Integer(), nullable=False),
        sa.Column("statement_line_id", sa.Integer(), nullable=False),
        sa.Column("journal_line_id", sa.Integer(), nullable=False),
        _fk("bank_match", ["cooperative_id"], "cooperative", ["id"]),
        _fk("bank_match", ["journal_line_id"], "journal_line", ["id"]),
        _fk("bank_match", ["statement_line_id"], "bank_statement_line", ["id"]),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_match")),
        sa.UniqueConstraint(
            "cooperative_id",
            "journal_line_id",
            name=op.f("uq_bank_match_cooperative_id_journal_line_id"),
        ),
    )
    with op.batch_alter_table("bank_match", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bank_match_statement_line_id"), ["statement_line_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("bank_match", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bank_match_statement_line_id"))
    op.drop_table("bank_match")
    with op.batch_alter_table("bank_statement_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bank_statement_line_statement_id"))
        batch_op.drop_index("ix_bank_statement_line_account_date")
    op.drop_table("bank_statement_line")
    with op.batch_alter_table("bank_statement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bank_statement_cooperative_id"))
        batch_op.drop_index(batch_op.f("ix_bank_statement_bank_account_id"))
    op.drop_table("bank_statement")
    with op.batch_alter_table("bank_csv_mapping", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bank_csv_mapping_cooperative_id"))
    op.drop_table("bank_csv_mapping")
    with op.batch_alter_table("bank_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bank_account_cooperative_id"))
    op.drop_table("bank_account")
