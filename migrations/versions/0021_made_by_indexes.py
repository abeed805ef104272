"""What a custody officer made, in the order it was recorded (issue 14): need to know lets a custody officer read the
Checkpoint and DIVERT referrals they made, and their lists page through them by id. DIVERT referrals had no index of
who made them, so a list walked every referral in id order keeping one officer's (nationally, about one in two
thousand); the Checkpoint one read all of an officer's referrals and sorted them. An index of (maker, id) on each
lets either list walk just the officer's own, in order, from the cursor.

Revision ID: 0021_made_by_indexes
Revises: 0020_contracts_status_covering
Create Date: 2026-11-27
"""
from alembic import op

from diversion import maintenance_limits


revision = '0021_made_by_indexes'
down_revision = '0020_contracts_status_covering'
branch_labels = None
depends_on = None


def upgrade():
    maintenance_limits.lift(op.get_bind())  # building the indexes at national scale takes longer than a request may
    op.create_index('ix_checkpoint_referrals_created_by_id_id', 'checkpoint_referrals', ['created_by_id', 'id'],
                    unique=False)
    op.create_index('ix_divert_referrals_created_by_id_id', 'divert_referrals', ['created_by_id', 'id'], unique=False)
    # Dropped last: dropping an index locks its table against reads too, until the upgrade commits.
    op.drop_index('ix_checkpoint_referrals_created_by_id', table_name='checkpoint_referrals')


def downgrade():
    op.drop_index('ix_divert_referrals_created_by_id_id', table_name='divert_referrals')
    op.drop_index('ix_checkpoint_referrals_created_by_id_id', table_name='checkpoint_referrals')
    op.create_index('ix_checkpoint_referrals_created_by_id', 'checkpoint_referrals', ['created_by_id'], unique=False)
