"""Suitability and needs: the officer's suitability decision on a Checkpoint referral, and the navigator's needs
assessment of a contract (one per contract, a score per pathway, reviewed at the end).

Revision ID: 0012_needs
Revises: 0012_reoffending
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa


revision = '0012_needs'
down_revision = '0012_reoffending'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('checkpoint_referrals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('suitability', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('suitability_reasons', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('suitability_note', sa.Text(), nullable=True))
    op.create_table('needs_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('assessed_by_id', sa.Integer(), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_needs_assessments_contract_id_contracts')),
    sa.ForeignKeyConstraint(['assessed_by_id'], ['users.id'], name=op.f('fk_needs_assessments_assessed_by_id_users')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_needs_assessments_reviewed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_needs_assessments')),
    sa.UniqueConstraint('contract_id', name=op.f('uq_needs_assessments_contract_id'))
    )
    op.create_index('ix_needs_assessments_assessed_on', 'needs_assessments', ['assessed_on'], unique=False)
    op.create_table('need_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('pathway', sa.String(length=32), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('review_result', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['assessment_id'], ['needs_assessments.id'], name=op.f('fk_need_scores_assessment_id_needs_assessments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_need_scores')),
    sa.UniqueConstraint('assessment_id', 'pathway', name=op.f('uq_need_scores_assessment_id_pathway'))
    )


def downgrade():
    op.drop_table('need_scores')
    op.drop_index('ix_needs_assessments_assessed_on', table_name='needs_assessments')
    op.drop_table('needs_assessments')
    with op.batch_alter_table('checkpoint_referrals', schema=None) as batch_op:
        batch_op.drop_column('suitability_note')
        batch_op.drop_column('suitability_reasons')
        batch_op.drop_column('suitability')
