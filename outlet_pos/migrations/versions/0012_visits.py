"""mentor visit notes and follow-up actions

Revision ID: 0012_visits
Revises: 0011_health
Create Date: 2026-12-06 21:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0012_visits"
down_revision = "0011_health"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mentor_visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('visit_date', sa.Date(), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('topics', sa.String(length=300), nullable=False),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('recommendations', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("mode IN ('kunjungan', 'daring', 'telepon')", name=op.f('ck_mentor_visit_mode')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'], name=op.f('fk_mentor_visit_cooperative_id_cooperative')),
    sa.ForeignKeyConstraint(['mentor_id'], ['user_account.id'], name=op.f('fk_mentor_visit_mentor_id_user_account')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_mentor_visit_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentor_visit'))
    )
    with op.batch_alter_table('mentor_visit', schema=None) as batch_op:
        batch_op.create_index('ix_mentor_visit_coop_date', ['cooperative_id', 'visit_date'], unique=False)

    op.create_table('visit_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('owner', sa.String(length=120), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('done_note', sa.String(length=300), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('terbuka', 'selesai', 'batal')", name=op.f('ck_visit_action_status')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'], name=op.f('fk_visit_action_cooperative_id_cooperative')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_visit_action_updated_by_id_user_account')),
    sa.ForeignKeyConstraint(['visit_id'], ['mentor_visit.id'], name=op.f('fk_visit_action_visit_id_mentor_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_action'))
    )
    with op.batch_alter_table('visit_action', schema=None) as batch_op:
        batch_op.create_index('ix_visit_action_coop_status_due', ['cooperative_id', 'status', 'due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_action_visit_id'), ['visit_id'], unique=False)


def downgrade():
    with op.batch_alter_table('visit_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_action_visit_id'))
        batch_op.drop_index('ix_visit_action_coop_status_due')

    op.drop_table('visit_action')
    with op.batch_alter_table('mentor_visit', schema=None) as batch_op:
        batch_op.drop_index('ix_mentor_visit_coop_date')

    op.drop_table('mentor_visit')
