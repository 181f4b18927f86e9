"""local units made from a form, LPG log, cold storage, agent transactions

Revision ID: 0022_local_units
Revises: 0021_parcel_money
Create Date: 2026-12-06 22:05:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0022_local_units"
down_revision = "0021_parcel_money"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "local_unit_profile",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("cooperative_id", sa.Integer(), nullable=False),
        sa.Column("template", sa.String(length=20), nullable=False),
        sa.Column("flows_json", sa.Text(), nullable=False),
        sa.Column("settings_json", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cooperative_id"],
            ["cooperative.id"],
            name=op.f("fk_local_unit_profile_cooperative_id_cooperative"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_local_unit_profile_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["business_unit.id"],
            name=op.f("fk_local_unit_profile_unit_id_business_unit"),
        ),
        sa.PrimaryKeyConstraint("unit_id", name=op.f("pk_local_unit_profile")),
    )
    op.create_index(
        op.f("ix_local_unit_profile_cooperative_id"),
        "local_unit_profile",
        ["cooperative_id"],
        unique=False,
    )
    op.create_table(
        "agent_settlement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperative_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("account_code", sa.String(length=20), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cooperative_id"],
            ["cooperative.id"],
            name=op.f("fk_agent_settlement_cooperative_id_cooperative"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_agent_settlement_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entry.id"],
            name=op.f("fk_agent_settlement_entry_id_journal_entry"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["business_unit.id"],
            name=op.f("fk_agent_settlement_unit_id_business_unit"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_settlement")),
    )
    op.create_index(
        op.f("ix_agent_settlement_cooperative_id"),
        "agent_settlement",
        ["cooperative_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_agent_settlement_unit_id"), "agent_settlement", ["unit_id"], unique=False
    )
    op.create_table(
        "cold_storage_lot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperative_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("owner_name", sa.String(length=200), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("crates", sa.Integer(), nullable=False),
        sa.Column("checked_in", sa.Date(), nullable=False),
        sa.Column("rate", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("checked_out", sa.Date(), nullable=True),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("payment", sa.String(length=10), nullable=False),
        sa.Column("shift_id", sa.Integer(), nullable=True),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("checked_out_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["checked_out_by_id"],
            ["user_account.id"],
            name=op.f("fk_cold_storage_lot_checked_out_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["cooperative_id"],
            ["cooperative.id"],
            name=op.f("fk_cold_storage_lot_cooperative_id_cooperative"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_cold_storage_lot_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entry.id"],
            name=op.f("fk_cold_storage_lot_entry_id_journal_entry"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_cold_storage_lot_member_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["shift_id"], ["shift.id"], name=op.f("fk_cold_storage_lot_shift_id_shift")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["business_unit.id"],
            name=op.f("fk_cold_storage_lot_unit_id_business_unit"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cold_storage_lot")),
        sa.UniqueConstraint(
            "cooperative_id", "number", name=op.f("uq_cold_storage_lot_cooperative_id_number")
        ),
    )
    op.create_index(
        op.f("ix_cold_storage_lot_cooperative_id"),
        "cold_storage_lot",
        ["cooperative_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_cold_storage_lot_unit_id"), "cold_storage_lot", ["unit_id"], unique=False
    )
    op.create_table(
        "agent_txn",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperative_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("txn_type", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("fee", sa.BigInteger(), nullable=False),
        sa.Column("customer", sa.String(length=200), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("shift_id", sa.Integer(), nullable=True),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("settlement_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cooperative_id"],
            ["cooperative.id"],
            name=op.f("fk_agent_txn_cooperative_id_cooperative"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_agent_txn_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["journal_entry.id"], name=op.f("fk_agent_txn_entry_id_journal_entry")
        ),
        sa.ForeignKeyConstraint(
            ["settlement_id"],
            ["agent_settlement.id"],
            name=op.f("fk_agent_txn_settlement_id_agent_settlement"),
        ),
        sa.ForeignKeyConstraint(
            ["shift_id"], ["shift.id"], name=op.f("fk_agent_txn_shift_id_shift")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["business_unit.id"], name=op.f("fk_agent_txn_unit_id_business_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_txn")),
    )
    op.create_index(
        "ix_agent_txn_coop_unit_day",
        "agent_txn",
        ["cooperative_id", "unit_id", "day"],
        unique=False,
    )
    op.create_index(
        op.f("ix_agent_txn_cooperative_id"), "agent_txn", ["cooperative_id"], unique=False
    )
    op.create_table(
        "lpg_sale",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperative_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("nik", sa.String(length=16), nullable=False),
        sa.Column("buyer_name", sa.String(length=200), nullable=False),
        sa.Column("qty", sa.Numeric(precision=14, scale=3), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("sale_id", sa.Integer(), nullable=False),
        sa.Column("sale_line_id", sa.Integer(), nullable=True),
        sa.Column("cashier_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cashier_id"], ["user_account.id"], name=op.f("fk_lpg_sale_cashier_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["cooperative_id"],
            ["cooperative.id"],
            name=op.f("fk_lpg_sale_cooperative_id_cooperative"),
        ),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_lpg_sale_item_id_item")),
        sa.ForeignKeyConstraint(["sale_id"], ["sale.id"], name=op.f("fk_lpg_sale_sale_id_sale")),
        sa.ForeignKeyConstraint(
            ["sale_line_id"], ["sale_line.id"], name=op.f("fk_lpg_sale_sale_line_id_sale_line")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["business_unit.id"], name=op.f("fk_lpg_sale_unit_id_business_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lpg_sale")),
    )
    op.create_index(
        "ix_lpg_sale_coop_unit_day_nik",
        "lpg_sale",
        ["cooperative_id", "unit_id", "day", "nik"],
        unique=False,
    )
    op.create_index(
        op.f("ix_lpg_sale_cooperative_id"), "lpg_sale", ["cooperative_id"], unique=False
    )
    op.create_index(op.f("ix_lpg_sale_sale_id"), "lpg_sale", ["sale_id"], unique=False)
    op.create_index(op.f("ix_lpg_sale_sale_line_id"), "lpg_sale", ["sale_line_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_lpg_sale_sale_line_id"), table_name="lpg_sale")
    op.drop_index(op.f("ix_lpg_sale_sale_id"), table_name="lpg_sale")
    op.drop_index(op.f("ix_lpg_sale_cooperative_id"), table_name="lpg_sale")
    op.drop_index("ix_lpg_sale_coop_unit_day_nik", table_name="lpg_sale")
    op.drop_table("lpg_sale")
    op.drop_index(op.f("ix_agent_txn_cooperative_id"), table_name="agent_txn")
    op.drop_index("ix_agent_txn_coop_unit_day", table_name="agent_txn")
    op.drop_table("agent_txn")
    op.drop_index(op.f("ix_cold_storage_lot_unit_id"), table_name="cold_storage_lot")
    op.drop_index(op.f("ix_cold_storage_lot_cooperative_id"), table_name="cold_storage_lot")
    op.drop_table("cold_storage_lot")
    op.drop_index(op.f("ix_agent_settlement_unit_id"), table_name="agent_settlement")
    op.drop_index(op.f("ix_agent_settlement_cooperative_id"), table_name="agent_settlement")
    op.drop_table("agent_settlement")
    op.drop_index(op.f("ix_local_unit_profile_cooperative_id"), table_name="local_unit_profile")
    op.drop_table("local_unit_profile")
