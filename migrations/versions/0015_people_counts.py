"""The distinct-people counters (issue 14, "National scale"): people_event_counts and people_pair_counts, filled
from the cases.

Revision ID: 0015_people_counts
Revises: 0015_section_counters
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa


revision = '0015_people_counts'
down_revision = '0015_section_counters'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('people_event_counts',
    sa.Column('stream', sa.String(length=12), nullable=False),
    sa.Column('series', sa.String(length=5), nullable=False),
    sa.Column('unit', sa.String(length=1), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('n', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('stream', 'series', 'unit', 'day', name=op.f('pk_people_event_counts'))
    )
    op.create_table('people_pair_counts',
    sa.Column('stream', sa.String(length=12), nullable=False),
    sa.Column('series', sa.String(length=5), nullable=False),
    sa.Column('unit', sa.String(length=1), nullable=False),
    sa.Column('next_unit', sa.String(length=1), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('next_day', sa.Date(), nullable=False),
    sa.Column('n', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('stream', 'series', 'unit', 'next_unit', 'day', 'next_day',
                            name=op.f('pk_people_pair_counts'))
    )
    # Filled from the cases already held, by the same statements as `flask --app wsgi reports rebuild`.
    from diversion.services import people_counts

    people_counts.rebuild(op.get_bind())


def downgrade():
    op.drop_table('people_pair_counts')
    op.drop_table('people_event_counts')
