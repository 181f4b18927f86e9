"""courier settlements and COD remittances

Revision ID: 0021_parcel_money
Revises: 0020_parcels
Create Date: 2026-12-06 22:05:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0021_parcel_money"
down_revision = "0020_parcels"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('courier_settlement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('courier_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('parcels', sa.Integer(), nullable=False),
    sa.Column('via', sa.String(length=10), nullable=False),
    sa.Column('shift_id', sa.Integer(), nullable=True),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'], name=op.f('fk_courier_settlement_cooperative_id_cooperative')),
    sa.ForeignKeyConstraint(['courier_id'], ['courier.id'], name=op.f('fk_courier_settlement_courier_id_courier')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_courier_settlement_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entry.id'], name=op.f('fk_courier_settlement_entry_id_journal_entry')),
    sa.ForeignKeyConstraint(['shift_id'], ['shift.id'], name=op.f('fk_courier_settlement_shift_id_shift')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_courier_settlement')),
    sa.UniqueConstraint('cooperative_id', 'number', name=op.f('uq_courier_settlement_cooperative_id_number'))
    )
    with op.batch_alter_table('courier_settlement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_courier_settlement_cooperative_id'), ['cooperative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_courier_settlement_courier_id'), ['courier_id'], unique=False)

    op.create_table('parcel_charge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('parcel_id', sa.Integer(), nullable=False),
    sa.Column('courier_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('shift_id', sa.Integer(), nullable=True),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('total_amount', sa.BigInteger(), nullable=False),
    sa.Column('fee_amount', sa.BigInteger(), nullable=False),
    sa.Column('insurance_amount', sa.BigInteger(), nullable=False),
    sa.Column('commission_amount', sa.BigInteger(), nullable=False),
    sa.Column('courier_amount', sa.BigInteger(), nullable=False),
    sa.Column('settlement_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'], name=op.f('fk_parcel_charge_cooperative_id_cooperative')),
    sa.ForeignKeyConstraint(['courier_id'], ['courier.id'], name=op.f('fk_parcel_charge_courier_id_courier')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_parcel_charge_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entry.id'], name=op.f('fk_parcel_charge_entry_id_journal_entry')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_parcel_charge_member_id_member')),
    sa.ForeignKeyConstraint(['parcel_id'], ['parcel.id'], name=op.f('fk_parcel_charge_parcel_id_parcel')),
    sa.ForeignKeyConstraint(['settlement_id'], ['courier_settlement.id'], name=op.f('fk_parcel_charge_settlement_id_courier_settlement')),
    sa.ForeignKeyConstraint(['shift_id'], ['shift.id'], name=op.f('fk_parcel_charge_shift_id_shift')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parcel_charge')),
    sa.UniqueConstraint('cooperative_id', 'parcel_id', name=op.f('uq_parcel_charge_cooperative_id_parcel_id'))
    )
    with op.batch_alter_table('parcel_charge', schema=None) as batch_op:
        batch_op.create_index('ix_parcel_charge_coop_courier', ['cooperative_id', 'courier_id', 'settlement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_parcel_charge_cooperative_id'), ['cooperative_id'], unique=False)

    op.create_table('cod_movement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('parcel_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('via', sa.String(length=10), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('shift_id', sa.Integer(), nullable=True),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('terima', 'serah')", name=op.f('ck_cod_movement_kind')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_cod_movement_amount_positive')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'], name=op.f('fk_cod_movement_cooperative_id_cooperative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_cod_movement_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entry.id'], name=op.f('fk_cod_movement_entry_id_journal_entry')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_cod_movement_member_id_member')),
    sa.ForeignKeyConstraint(['parcel_id'], ['parcel.id'], name=op.f('fk_cod_movement_parcel_id_parcel')),
    sa.ForeignKeyConstraint(['shift_id'], ['shift.id'], name=op.f('fk_cod_movement_shift_id_shift')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cod_movement')),
    sa.UniqueConstraint('cooperative_id', 'parcel_id', 'kind', name=op.f('uq_cod_movement_cooperative_id_parcel_id_kind'))
    )
    with op.batch_alter_table('cod_movement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cod_movement_cooperative_id'), ['cooperative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cod_movement_parcel_id'), ['parcel_id'], unique=False)


def downgrade():
    with op.batch_alter_table('cod_movement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cod_movement_parcel_id'))
        batch_op.drop_index(batch_op.f('ix_cod_movement_cooperative_id'))

    op.drop_table('cod_movement')
    with op.batch_alter_table('parcel_charge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parcel_charge_cooperative_id'))
        batch_op.drop_index('ix_parcel_charge_coop_courier')

    op.drop_table('parcel_charge')
    with op.batch_alter_table('courier_settlement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_courier_settlement_courier_id'))
        batch_op.drop_index(batch_op.f('ix_courier_settlement_cooperative_id'))

    op.drop_table('courier_settlement')
