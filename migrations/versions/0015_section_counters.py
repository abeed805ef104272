"""The report counters of the dashboard's other sections (issue 14): Checkpoint referrals by custody suite,
declined offers and offers, DIVERT declined, needs by pathway and onward referrals. The counters are recomputed
from the cases by the same statements as `flask --app wsgi reports rebuild` (the table is unchanged: new groupings,
measures and kinds of case only).

Revision ID: 0015_section_counters
Revises: 0015_dtoa_waiting_for
Create Date: 2026-11-27
"""
from alembic import op


revision = '0015_section_counters'
down_revision = '0015_dtoa_waiting_for'
branch_labels = None
depends_on = None


def upgrade():
    from diversion.services import rollups

    rollups.rebuild(op.get_bind(), people=False)  # the people counters come with 0015_people_counts


def downgrade():
    # The older release reads only the counters it knows; the extra rows are harmless to it, but a rebuild keeps
    # the table exactly what that release would have written (its own `flask reports rebuild` does the same).
    pass
