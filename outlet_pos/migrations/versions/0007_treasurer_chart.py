"""treasurer's chart: accounts for bank interest and charges, other income and expenses

Cooperatives created before this revision get the accounts the standard chart gained for the
treasurer's desk (expense categories, bank interest and charges, final tax on bank interest).
The list is frozen here on purpose: later changes to the chart get their own revision.

Revision ID: 0007_treasurer_chart
Revises: 0006_pupuk
Create Date: 2026-12-06 18:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0007_treasurer_chart"
down_revision = "0006_pupuk"
branch_labels = None
depends_on = None

# (code, name, parent header code, type, normal side)
NEW_ACCOUNTS = [
    ("418100", "Pendapatan bunga bank", "400000", "revenue", "C"),
    ("419200", "Pendapatan lain-lain", "400000", "revenue", "C"),
    ("612200", "Beban telepon & internet", "600000", "expense", "D"),
    ("612300", "Beban alat tulis & perlengkapan", "600000", "expense", "D"),
    ("612400", "Beban transportasi", "600000", "expense", "D"),
    ("612500", "Beban pemeliharaan & perbaikan", "600000", "expense", "D"),
    ("618100", "Beban administrasi bank", "600000", "expense", "D"),
    ("619100", "Beban lain-lain", "600000", "expense", "D"),
    ("711200", "Pajak final bunga bank", "700000", "expense", "D"),
]


def upgrade():
    conn = op.get_bind()
    coops = conn.execute(sa.text("SELECT id FROM cooperative")).scalars().all()
    for coop_id in coops:
        for code, name, parent, kind, side in NEW_ACCOUNTS:
            exists = conn.execute(
                sa.text("SELECT 1 FROM account WHERE cooperative_id = :c AND code = :code"),
                {"c": coop_id, "code": code},
            ).scalar()
            if exists:
                continue
            parent_id = conn.execute(
                sa.text("SELECT id FROM account WHERE cooperative_id = :c AND code = :code"),
                {"c": coop_id, "code": parent},
            ).scalar()
            conn.execute(
                sa.text(
                    "INSERT INTO account (cooperative_id, code, name, type, normal_side,"
                    " parent_id, is_header, active)"
                    " VALUES (:c, :code, :name, :type, :side, :parent, :f, :t)"
                ),
                {
                    "c": coop_id,
                    "code": code,
                    "name": name,
                    "type": kind,
                    "side": side,
                    "parent": parent_id,
                    "f": False,
                    "t": True,
                },
            )


def downgrade():
    conn = op.get_bind()
    for code, *_ in NEW_ACCOUNTS:
        conn.execute(
            sa.text(
                "DELETE FROM account WHERE code = :code AND NOT EXISTS"
                " (SELECT 1 FROM journal_line WHERE journal_line.account_id = account.id)"
            ),
            {"code": code},
        )
