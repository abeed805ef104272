"""The alerts still waiting for a decision, oldest first, by index (issue 14): a manager's home page listed the oldest
fifty after joining every open alert in the country to its contract and person and sorting them all.

Revision ID: 0018_open_alerts_oldest
Revises: 0017_appointments_day_index
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa


revision = '0018_open_alerts_oldest'
down_revision = '0017_appointments_day_index'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_contract_alerts_open_oldest', 'contract_alerts', ['created_at', 'id'], unique=False,
                    postgresql_where=sa.text('resolved_at IS NULL'), sqlite_where=sa.text('resolved_at IS NULL'))


def downgrade():
    op.drop_index('ix_contract_alerts_open_oldest', table_name='contract_alerts',
                  postgresql_where=sa.text('resolved_at IS NULL'), sqlite_where=sa.text('resolved_at IS NULL'))
