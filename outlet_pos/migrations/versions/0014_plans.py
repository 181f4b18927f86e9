"""business plan targets

Revision ID: 0014_plans
Revises: 0013_mentor_settings
Create Date: 2026-12-06 21:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0014_plans"
down_revision = "0013_mentor_settings"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('plan_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('scope_key', sa.Integer(), nullable=False),
    sa.Column('metric', sa.String(length=12), nullable=False),
    sa.Column('month_index', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('month_index BETWEEN 1 AND 12', name=op.f('ck_plan_target_month_index')),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_plan_target_amount_not_negative')),
    sa.CheckConstraint('scope_key = COALESCE(unit_id, 0)', name=op.f('ck_plan_target_scope_key')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'], name=op.f('fk_plan_target_cooperative_id_cooperative')),
    sa.ForeignKeyConstraint(['unit_id'], ['business_unit.id'], name=op.f('fk_plan_target_unit_id_business_unit')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_plan_target_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_target')),
    sa.UniqueConstraint('cooperative_id', 'year', 'scope_key', 'metric', 'month_index', name=op.f('uq_plan_target_cooperative_id_year_scope_key_metric_month_index'))
    )
    with op.batch_alter_table('plan_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_target_cooperative_id'), ['cooperative_id'], unique=False)


def downgrade():
    with op.batch_alter_table('plan_target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_target_cooperative_id'))

    op.drop_table('plan_target')
