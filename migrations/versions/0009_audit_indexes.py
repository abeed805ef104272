"""Audit trail search: an index for each filter in the order the trail is paged (by id), so that a page of the
events by one user or of one action is a short walk down an index however long the trail is. (person_id, id) came
with 0008; the plain actor_id index gives way to (actor_id, id), which serves everything it did.

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
    op.create_index('ix_audit_events_actor_id_id', 'audit_events', ['actor_id', 'id'], unique=False)
    op.create_index('ix_audit_events_action_id', 'audit_events', ['action', 'id'], unique=False)
    op.drop_index('ix_audit_events_actor_id', table_name='audit_events')


def downgrade():
    op.create_index('ix_audit_events_actor_id', 'audit_events', ['actor_id'], unique=False)
    op.drop_index('ix_audit_events_action_id', table_name='audit_events')
    op.drop_index('ix_audit_events_actor_id_id', table_name='audit_events')
