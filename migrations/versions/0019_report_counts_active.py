"""The active contracts' report counters by index (issue 14): the "active now" and "overdue now" figures read the
counters of one measure ("active", by deadline), which the primary key (its measure after the day) could reach only
by reading every measure's counters of every year, month and day before today and keeping the active ones: about
10 of the 35 ms the report by navigator spent reading counters at national scale. A partial index of that measure
alone (a few hundred kB at 1M contracts): an index of every measure led the planner to read the reoffending counters
through it, ten times slower than by the primary key.

Revision ID: 0019_report_counts_active
Revises: 0018_open_alerts_oldest
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa


revision = '0019_report_counts_active'
down_revision = '0018_open_alerts_oldest'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_report_counts_active', 'report_counts', ['scheme', 'grouping', 'unit', 'day'], unique=False,
                    postgresql_where=sa.text("measure = 'active'"), sqlite_where=sa.text("measure = 'active'"))


def downgrade():
    op.drop_index('ix_report_counts_active', table_name='report_counts',
                  postgresql_where=sa.text("measure = 'active'"), sqlite_where=sa.text("measure = 'active'"))
