"""A navigator's appointments on a day found without reading the whole country's (issue 14): the day's range of
appointments (starts_at, contract_id, id) read from the index alone and matched to the navigator's contracts, then
only theirs read from the table. It takes the place of the index on starts_at alone, which it begins with.

Revision ID: 0017_appointments_day_index
Revises: 0016_navigator_list_indexes
Create Date: 2026-11-27
"""
from alembic import op


revision = '0017_appointments_day_index'
down_revision = '0016_navigator_list_indexes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_appointments_starts_at_contract_id_id', 'appointments', ['starts_at', 'contract_id', 'id'],
                    unique=False)
    op.drop_index('ix_appointments_starts_at', table_name='appointments')


def downgrade():
    op.create_index('ix_appointments_starts_at', 'appointments', ['starts_at'], unique=False)
    op.drop_index('ix_appointments_starts_at_contract_id_id', table_name='appointments')
