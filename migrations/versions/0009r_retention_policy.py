"""Retention review: the policy value `retention_review_years` (MoPI, DPA 2018 s.39: a record is reviewed about
six years after the person's last case ended). Review dates themselves are computed by the application
(`flask --app wsgi retention recompute` after upgrading a database that already holds cases).

Revision ID: 0009r
Revises: 0009
Create Date: 2026-11-27
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


revision = '0009r'
down_revision = '0009'
branch_labels = None
depends_on = None

KEY = "retention_review_years"
TITLE = "How many years after a person's last case ended their record is reviewed"


def upgrade():
    now = datetime.now(timezone.utc)
    stamp = now.replace(tzinfo=None) if op.get_bind().dialect.name == "sqlite" else now
    policy = sa.table("policy_settings", *(sa.column(c) for c in (
        "key", "value", "title", "created_at", "updated_at", "version")))
    op.bulk_insert(policy, [{"key": KEY, "value": 6, "title": TITLE, "created_at": stamp, "updated_at": stamp,
                             "version": 1}])


def downgrade():
    op.execute(f"DELETE FROM policy_settings WHERE key = '{KEY}'")
