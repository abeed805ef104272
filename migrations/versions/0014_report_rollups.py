"""The report counters (issue 14, "figures that do not scan history"): report_counts, filled from the cases.

Revision ID: 0014_report_rollups
Revises: 0014_list_indexes
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


revision = '0014_report_rollups'
down_revision = '0014_list_indexes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_counts',
    sa.Column('scheme', sa.String(length=12), nullable=False),
    sa.Column('grouping', sa.String(length=20), nullable=False),
    sa.Column('unit', sa.String(length=1), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('measure', sa.String(length=80), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('n', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('scheme', 'grouping', 'unit', 'day', 'measure', 'key', 'days', name=op.f('pk_report_counts'))
    )
    # Filled from the cases already held, by the same statements as `flask --app wsgi reports rebuild` (the rule of
    # what a case counts for lives once, in diversion/services/rollup_facts.py, as this release has it).
    from diversion.services import rollups

    rollups.rebuild(op.get_bind(), people=False)  # the people counters' tables come with 0015_people_counts


def downgrade():
    op.drop_table('report_counts')
