"""health assessments

Revision ID: 0011_health
Revises: 0010_closing_shu
Create Date: 2026-12-06 21:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0011_health"
down_revision = "0010_closing_shu"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('health_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('rubric_code', sa.String(length=40), nullable=False),
    sa.Column('answers_json', sa.Text(), nullable=False),
    sa.Column('figures_json', sa.Text(), nullable=False),
    sa.Column('components_json', sa.Text(), nullable=False),
    sa.Column('score', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('assessed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assessed_by_id'], ['user_account.id'], name=op.f('fk_health_assessment_assessed_by_id_user_account')),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'], name=op.f('fk_health_assessment_cooperative_id_cooperative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_health_assessment'))
    )
    with op.batch_alter_table('health_assessment', schema=None) as batch_op:
        batch_op.create_index('ix_health_assessment_coop_as_of', ['cooperative_id', 'as_of'], unique=False)


def downgrade():
    with op.batch_alter_table('health_assessment', schema=None) as batch_op:
        batch_op.drop_index('ix_health_assessment_coop_as_of')

    op.drop_table('health_assessment')
