"""expenses, other income, recurring expenses and fixed assets

Revision ID: 0008_expenses_assets
Revises: 0007_treasurer_chart
Create Date: 2026-12-06 18:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0008_expenses_assets"
down_revision = "0007_treasurer_chart"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('recurring_expense',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('payee', sa.String(length=120), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('paid_account_id', sa.Integer(), nullable=False),
    sa.Column('day_of_month', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('expense', 'income')", name=op.f('ck_recurring_expense_kind')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_recurring_expense_amount_positive')),
    sa.CheckConstraint('day_of_month BETWEEN 1 AND 31', name=op.f('ck_recurring_expense_day_of_month')),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_recurring_expense_account_id_account')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'], name=op.f('fk_recurring_expense_cooperative_id_cooperative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_recurring_expense_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['paid_account_id'], ['account.id'], name=op.f('fk_recurring_expense_paid_account_id_account')),
    sa.ForeignKeyConstraint(['unit_id'], ['business_unit.id'], name=op.f('fk_recurring_expense_unit_id_business_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recurring_expense'))
    )
    with op.batch_alter_table('recurring_expense', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recurring_expense_cooperative_id'), ['cooperative_id'], unique=False)

    op.create_table('expense',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=36), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('paid_account_id', sa.Integer(), nullable=False),
    sa.Column('shift_id', sa.Integer(), nullable=True),
    sa.Column('payee', sa.String(length=120), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('reference', sa.String(length=64), nullable=False),
    sa.Column('attachment_path', sa.String(length=200), nullable=False),
    sa.Column('attachment_name', sa.String(length=120), nullable=False),
    sa.Column('recurring_id', sa.Integer(), nullable=True),
    sa.Column('recurring_period', sa.String(length=7), nullable=True),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('void_reason', sa.String(length=300), nullable=False),
    sa.Column('void_entry_id', sa.Integer(), nullable=True),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('idempotency_key', sa.String(length=64), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('expense', 'income')", name=op.f('ck_expense_kind')),
    sa.CheckConstraint("status IN ('posted', 'void')", name=op.f('ck_expense_status')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_expense_amount_positive')),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_expense_account_id_account')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'], name=op.f('fk_expense_cooperative_id_cooperative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_expense_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entry.id'], name=op.f('fk_expense_entry_id_journal_entry')),
    sa.ForeignKeyConstraint(['paid_account_id'], ['account.id'], name=op.f('fk_expense_paid_account_id_account')),
    sa.ForeignKeyConstraint(['recurring_id'], ['recurring_expense.id'], name=op.f('fk_expense_recurring_id_recurring_expense')),
    sa.ForeignKeyConstraint(['shift_id'], ['shift.id'], name=op.f('fk_expense_shift_id_shift')),
    sa.ForeignKeyConstraint(['unit_id'], ['business_unit.id'], name=op.f('fk_expense_unit_id_business_unit')),
    sa.ForeignKeyConstraint(['void_entry_id'], ['journal_entry.id'], name=op.f('fk_expense_void_entry_id_journal_entry')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['user_account.id'], name=op.f('fk_expense_voided_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expense')),
    sa.UniqueConstraint('cooperative_id', 'idempotency_key', name=op.f('uq_expense_cooperative_id_idempotency_key')),
    sa.UniqueConstraint('cooperative_id', 'number', name=op.f('uq_expense_cooperative_id_number')),
    sa.UniqueConstraint('cooperative_id', 'public_id', name=op.f('uq_expense_cooperative_id_public_id')),
    sa.UniqueConstraint('cooperative_id', 'recurring_id', 'recurring_period', name=op.f('uq_expense_cooperative_id_recurring_id_recurring_period'))
    )
    with op.batch_alter_table('expense', schema=None) as batch_op:
        batch_op.create_index('ix_expense_coop_date', ['cooperative_id', 'date'], unique=False)

    op.create_table('fixed_asset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=36), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('acquired_on', sa.Date(), nullable=False),
    sa.Column('cost', sa.BigInteger(), nullable=False),
    sa.Column('residual_amount', sa.BigInteger(), nullable=False),
    sa.Column('life_months', sa.Integer(), nullable=False),
    sa.Column('location', sa.String(length=120), nullable=False),
    sa.Column('notes', sa.String(length=300), nullable=False),
    sa.Column('funding_account_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('disposed_on', sa.Date(), nullable=True),
    sa.Column('disposal_kind', sa.String(length=10), nullable=False),
    sa.Column('disposal_reason', sa.String(length=300), nullable=False),
    sa.Column('proceeds_amount', sa.BigInteger(), nullable=False),
    sa.Column('proceeds_account_id', sa.Integer(), nullable=True),
    sa.Column('disposal_entry_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('active', 'disposed')", name=op.f('ck_fixed_asset_status')),
    sa.CheckConstraint('cost > 0', name=op.f('ck_fixed_asset_cost_positive')),
    sa.CheckConstraint('life_months BETWEEN 1 AND 600', name=op.f('ck_fixed_asset_life_months')),
    sa.CheckConstraint('proceeds_amount >= 0', name=op.f('ck_fixed_asset_proceeds_non_negative')),
    sa.CheckConstraint('residual_amount >= 0 AND residual_amount < cost', name=op.f('ck_fixed_asset_residual')),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_fixed_asset_account_id_account')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'], name=op.f('fk_fixed_asset_cooperative_id_cooperative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_fixed_asset_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['disposal_entry_id'], ['journal_entry.id'], name=op.f('fk_fixed_asset_disposal_entry_id_journal_entry')),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entry.id'], name=op.f('fk_fixed_asset_entry_id_journal_entry')),
    sa.ForeignKeyConstraint(['funding_account_id'], ['account.id'], name=op.f('fk_fixed_asset_funding_account_id_account')),
    sa.ForeignKeyConstraint(['proceeds_account_id'], ['account.id'], name=op.f('fk_fixed_asset_proceeds_account_id_account')),
    sa.ForeignKeyConstraint(['unit_id'], ['business_unit.id'], name=op.f('fk_fixed_asset_unit_id_business_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fixed_asset')),
    sa.UniqueConstraint('cooperative_id', 'code', name=op.f('uq_fixed_asset_cooperative_id_code')),
    sa.UniqueConstraint('cooperative_id', 'public_id', name=op.f('uq_fixed_asset_cooperative_id_public_id'))
    )
    with op.batch_alter_table('fixed_asset', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fixed_asset_cooperative_id'), ['cooperative_id'], unique=False)

    op.create_table('depreciation_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('total_amount', sa.BigInteger(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('month BETWEEN 1 AND 12', name=op.f('ck_depreciation_run_month')),
    sa.CheckConstraint('total_amount >= 0', name=op.f('ck_depreciation_run_total_non_negative')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'], name=op.f('fk_depreciation_run_cooperative_id_cooperative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_depreciation_run_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entry.id'], name=op.f('fk_depreciation_run_entry_id_journal_entry')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_depreciation_run')),
    sa.UniqueConstraint('cooperative_id', 'year', 'month', name=op.f('uq_depreciation_run_cooperative_id_year_month'))
    )

    op.create_table('depreciation_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('asset_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_depreciation_line_amount_positive')),
    sa.ForeignKeyConstraint(['asset_id'], ['fixed_asset.id'], name=op.f('fk_depreciation_line_asset_id_fixed_asset')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'], name=op.f('fk_depreciation_line_cooperative_id_cooperative')),
    sa.ForeignKeyConstraint(['run_id'], ['depreciation_run.id'], name=op.f('fk_depreciation_line_run_id_depreciation_run')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_depreciation_line')),
    sa.UniqueConstraint('cooperative_id', 'run_id', 'asset_id', name=op.f('uq_depreciation_line_cooperative_id_run_id_asset_id'))
    )
    with op.batch_alter_table('depreciation_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_depreciation_line_asset_id'), ['asset_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_depreciation_line_run_id'), ['run_id'], unique=False)


def downgrade():
    with op.batch_alter_table('depreciation_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_depreciation_line_run_id'))
        batch_op.drop_index(batch_op.f('ix_depreciation_line_asset_id'))

    op.drop_table('depreciation_line')
    op.drop_table('depreciation_run')
    with op.batch_alter_table('fixed_asset', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fixed_asset_cooperative_id'))

    op.drop_table('fixed_asset')
    with op.batch_alter_table('expense', schema=None) as batch_op:
        batch_op.drop_index('ix_expense_coop_date')

    op.drop_table('expense')
    with op.batch_alter_table('recurring_expense', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recurring_expense_cooperative_id'))

    op.drop_table('recurring_expense')
