"""Audit trail search: the trail is read newest (or oldest) first by when things happened, so each filter has an
index ending in (occurred_at, id) and a page of it is a short walk down that index however long the trail is and
whatever the date range: by user (actor_id, occurred_at, id), by action (action, occurred_at, id), by date or with
no filter (occurred_at, id). They replace the plain actor_id and occurred_at indexes, whose work they do. By person,
0008's (person_id, id) finds a person's events, few enough to sort.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27
"""
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_audit_events_actor_id_occurred_at', 'audit_events', ['actor_id', 'occurred_at', 'id'],
                    unique=False)
    op.create_index('ix_audit_events_action_occurred_at', 'audit_events', ['action', 'occurred_at', 'id'],
                    unique=False)
    op.create_index('ix_audit_events_occurred_at_id', 'audit_events', ['occurred_at', 'id'], unique=False)
    op.drop_index('ix_audit_events_actor_id', table_name='audit_events')
    op.drop_index('ix_audit_events_occurred_at', table_name='audit_events')


def downgrade():
    op.create_index('ix_audit_events_occurred_at', 'audit_events', ['occurred_at'], unique=False)
    op.create_index('ix_audit_events_actor_id', 'audit_events', ['actor_id'], unique=False)
    op.drop_index('ix_audit_events_occurred_at_id', table_name='audit_events')
    op.drop_index('ix_audit_events_action_occurred_at', table_name='audit_events')
    op.drop_index('ix_audit_events_actor_id_occurred_at', table_name='audit_events')
