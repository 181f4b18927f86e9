"""chart for the parcel desk and local units: courier payable, agent float, rental and fee income

Cooperatives created before this revision get the accounts the standard chart gained for the
parcel desk (what is owed to the courier partner), agent banking/PPOB (customers' money held
until it is passed on) and local units (rental and service income, agent fees).
The list is frozen here on purpose: later changes to the chart get their own revision.

Revision ID: 0019_local_logistics_chart
Revises: 0018_drug_register
Create Date: 2026-12-06 22:05:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0019_local_logistics_chart"
down_revision = "0018_drug_register"
branch_labels = None
depends_on = None

# (code, name, parent header code, type, normal side)
NEW_ACCOUNTS = [
    ("211900", "Utang mitra kurir", "210000", "liability", "C"),
    ("212100", "Titipan dana agen (PPOB/bank)", "210000", "liability", "C"),
    ("415100", "Pendapatan sewa & jasa unit lokal", "400000", "revenue", "C"),
    ("416100", "Pendapatan fee agen (PPOB/bank)", "400000", "revenue", "C"),
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
