"""Referral drafts: the custody officer's referral journey, kept server-side between pages.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('referral_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_referral_drafts_owner_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_drafts'))
    )
    with op.batch_alter_table('referral_drafts', schema=None) as batch_op:
        batch_op.create_index('ix_referral_drafts_owner_id', ['owner_id'], unique=False)



def downgrade():
    with op.batch_alter_table('referral_drafts', schema=None) as batch_op:
        batch_op.drop_index('ix_referral_drafts_owner_id')

    op.drop_table('referral_drafts')
