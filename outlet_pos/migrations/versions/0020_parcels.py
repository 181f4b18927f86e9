"""parcels, tariffs and the status timeline

Revision ID: 0020_parcels
Revises: 0019_local_logistics_chart
Create Date: 2026-12-06 22:05:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0020_parcels"
down_revision = "0019_local_logistics_chart"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "courier",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperative_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("commission_percent", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("rounding_kg", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("insurance_rate", sa.Numeric(precision=9, scale=6), nullable=False),
        sa.Column("insurance_min", sa.BigInteger(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cooperative_id"],
            ["cooperative.id"],
            name=op.f("fk_courier_cooperative_id_cooperative"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courier")),
        sa.UniqueConstraint("cooperative_id", "code", name=op.f("uq_courier_cooperative_id_code")),
    )
    with op.batch_alter_table("courier", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_courier_cooperative_id"), ["cooperative_id"], unique=False
        )

    op.create_table(
        "zone_tariff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperative_id", sa.Integer(), nullable=False),
        sa.Column("courier_id", sa.Integer(), nullable=False),
        sa.Column("service", sa.String(length=10), nullable=False),
        sa.Column("zone", sa.String(length=20), nullable=False),
        sa.Column("first_kg", sa.BigInteger(), nullable=False),
        sa.Column("next_kg", sa.BigInteger(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("eta_days", sa.String(length=20), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cooperative_id"],
            ["cooperative.id"],
            name=op.f("fk_zone_tariff_cooperative_id_cooperative"),
        ),
        sa.ForeignKeyConstraint(
            ["courier_id"], ["courier.id"], name=op.f("fk_zone_tariff_courier_id_courier")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_zone_tariff_created_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone_tariff")),
        sa.UniqueConstraint(
            "cooperative_id",
            "courier_id",
            "service",
            "zone",
            "valid_from",
            name=op.f("uq_zone_tariff_cooperative_id_courier_id_service_zone_valid_from"),
        ),
    )
    with op.batch_alter_table("zone_tariff", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_zone_tariff_cooperative_id"), ["cooperative_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_zone_tariff_courier_id"), ["courier_id"], unique=False)

    op.create_table(
        "parcel",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperative_id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("courier_id", sa.Integer(), nullable=False),
        sa.Column("tariff_id", sa.Integer(), nullable=True),
        sa.Column("service", sa.String(length=10), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("sender_name", sa.String(length=200), nullable=False),
        sa.Column("sender_phone", sa.String(length=20), nullable=False),
        sa.Column("sender_address", sa.String(length=300), nullable=False),
        sa.Column("sender_member_id", sa.Integer(), nullable=True),
        sa.Column("receiver_name", sa.String(length=200), nullable=False),
        sa.Column("receiver_phone", sa.String(length=20), nullable=False),
        sa.Column("receiver_address", sa.String(length=300), nullable=False),
        sa.Column("receiver_desa", sa.String(length=100), nullable=False),
        sa.Column("receiver_kabupaten", sa.String(length=100), nullable=False),
        sa.Column("receiver_provinsi", sa.String(length=100), nullable=False),
        sa.Column("zone", sa.String(length=20), nullable=False),
        sa.Column("contents", sa.String(length=200), nullable=False),
        sa.Column("actual_kg", sa.Numeric(precision=18, scale=3), nullable=False),
        sa.Column("length_cm", sa.Numeric(precision=8, scale=1), nullable=False),
        sa.Column("width_cm", sa.Numeric(precision=8, scale=1), nullable=False),
        sa.Column("height_cm", sa.Numeric(precision=8, scale=1), nullable=False),
        sa.Column("volumetric_kg", sa.Numeric(precision=18, scale=3), nullable=False),
        sa.Column("billable_kg", sa.Numeric(precision=18, scale=3), nullable=False),
        sa.Column("shipping_fee", sa.BigInteger(), nullable=False),
        sa.Column("insurance_value", sa.BigInteger(), nullable=False),
        sa.Column("insurance_fee", sa.BigInteger(), nullable=False),
        sa.Column("cod_amount", sa.BigInteger(), nullable=False),
        sa.Column("total_due", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("paid", sa.Boolean(), nullable=False),
        sa.Column("payment_method", sa.String(length=10), nullable=False),
        sa.Column("shift_id", sa.Integer(), nullable=True),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("sale_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cooperative_id"],
            ["cooperative.id"],
            name=op.f("fk_parcel_cooperative_id_cooperative"),
        ),
        sa.ForeignKeyConstraint(
            ["courier_id"], ["courier.id"], name=op.f("fk_parcel_courier_id_courier")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_parcel_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["journal_entry.id"], name=op.f("fk_parcel_entry_id_journal_entry")
        ),
        sa.ForeignKeyConstraint(["sale_id"], ["sale.id"], name=op.f("fk_parcel_sale_id_sale")),
        sa.ForeignKeyConstraint(
            ["sender_member_id"], ["member.id"], name=op.f("fk_parcel_sender_member_id_member")
        ),
        sa.ForeignKeyConstraint(["shift_id"], ["shift.id"], name=op.f("fk_parcel_shift_id_shift")),
        sa.ForeignKeyConstraint(
            ["tariff_id"], ["zone_tariff.id"], name=op.f("fk_parcel_tariff_id_zone_tariff")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["business_unit.id"], name=op.f("fk_parcel_unit_id_business_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parcel")),
        sa.UniqueConstraint(
            "cooperative_id", "number", name=op.f("uq_parcel_cooperative_id_number")
        ),
        sa.UniqueConstraint(
            "cooperative_id", "public_id", name=op.f("uq_parcel_cooperative_id_public_id")
        ),
    )
    with op.batch_alter_table("parcel", schema=None) as batch_op:
        batch_op.create_index("ix_parcel_coop_status", ["cooperative_id", "status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_parcel_cooperative_id"), ["cooperative_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_parcel_courier_id"), ["courier_id"], unique=False)

    op.create_table(
        "parcel_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cooperative_id", sa.Integer(), nullable=False),
        sa.Column("parcel_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("place", sa.String(length=120), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cooperative_id"],
            ["cooperative.id"],
            name=op.f("fk_parcel_event_cooperative_id_cooperative"),
        ),
        sa.ForeignKeyConstraint(
            ["parcel_id"], ["parcel.id"], name=op.f("fk_parcel_event_parcel_id_parcel")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_parcel_event_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parcel_event")),
    )
    with op.batch_alter_table("parcel_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_parcel_event_cooperative_id"), ["cooperative_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_parcel_event_parcel_id"), ["parcel_id"], unique=False)


def downgrade():
    with op.batch_alter_table("parcel_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_parcel_event_parcel_id"))
        batch_op.drop_index(batch_op.f("ix_parcel_event_cooperative_id"))

    op.drop_table("parcel_event")
    with op.batch_alter_table("parcel", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_parcel_courier_id"))
        batch_op.drop_index(batch_op.f("ix_parcel_cooperative_id"))
        batch_op.drop_index("ix_parcel_coop_status")

    op.drop_table("parcel")
    with op.batch_alter_table("zone_tariff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_zone_tariff_courier_id"))
        batch_op.drop_index(batch_op.f("ix_zone_tariff_cooperative_id"))

    op.drop_table("zone_tariff")
    with op.batch_alter_table("courier", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_courier_cooperative_id"))

    op.drop_table("courier")
