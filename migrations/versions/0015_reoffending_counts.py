"""The proven reoffending counters (issue 14, "national scale"): rows of report_counts (scheme "reoffending")
filled from the cases and reoffences already held; no change to the schema.

Revision ID: 0015_reoffending_counts
Revises: 0015_people_counts
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa


revision = '0015_reoffending_counts'
down_revision = '0015_people_counts'
branch_labels = None
depends_on = None


def upgrade():
    # By the same statements as `flask --app wsgi reports rebuild` (what a case counts for lives once, in
    # diversion/services/reoffending_facts.py, as this release has it).
    from diversion.services import reoffending_counts

    reoffending_counts.rebuild(op.get_bind())


def downgrade():
    op.execute(sa.text("DELETE FROM report_counts WHERE scheme = 'reoffending'"))
