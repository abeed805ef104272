"""Casework: appointments on contracts, navigator changes (append-only), referrals reserved for a navigator, when
a condition was marked met or failed, the day progress was made, DIVERT assessment appointments and how long a
DIVERT referral has waited at its status.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

APPEND_ONLY = {
    "sqlite": [
        "CREATE TRIGGER contract_navigator_changes_no_update BEFORE UPDATE ON contract_navigator_changes "
        "BEGIN SELECT RAISE(ABORT, 'contract_navigator_changes is append-only'); END",
        "CREATE TRIGGER contract_navigator_changes_no_delete BEFORE DELETE ON contract_navigator_changes "
        "BEGIN SELECT RAISE(ABORT, 'contract_navigator_changes is append-only'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION contract_navigator_changes_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'contract_navigator_changes is append-only'; END $$",
        "CREATE TRIGGER contract_navigator_changes_no_change BEFORE UPDATE OR DELETE ON contract_navigator_changes "
        "FOR EACH ROW EXECUTE FUNCTION contract_navigator_changes_append_only()",
    ],
}
DROP_APPEND_ONLY = {
    "sqlite": ["DROP TRIGGER contract_navigator_changes_no_update",
               "DROP TRIGGER contract_navigator_changes_no_delete"],
    "postgresql": ["DROP TRIGGER contract_navigator_changes_no_change ON contract_navigator_changes",
                   "DROP FUNCTION contract_navigator_changes_append_only()"],
}
# Events that record something without moving a DIVERT referral along (domain/divert.py).
NOT_MOVING = ("contact_failed", "did_not_attend", "onward_referral")


def upgrade():
    op.create_table('contract_navigator_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('from_navigator_id', sa.Integer(), nullable=False),
    sa.Column('to_navigator_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_contract_navigator_changes_changed_by_id_users')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_contract_navigator_changes_contract_id_contracts')),
    sa.ForeignKeyConstraint(['from_navigator_id'], ['users.id'], name=op.f('fk_contract_navigator_changes_from_navigator_id_users')),
    sa.ForeignKeyConstraint(['to_navigator_id'], ['users.id'], name=op.f('fk_contract_navigator_changes_to_navigator_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_navigator_changes'))
    )
    with op.batch_alter_table('contract_navigator_changes', schema=None) as batch_op:
        batch_op.create_index('ix_contract_navigator_changes_contract_id', ['contract_id'], unique=False)

    op.create_table('appointments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('condition_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.Column('booked_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['booked_by_id'], ['users.id'], name=op.f('fk_appointments_booked_by_id_users')),
    sa.ForeignKeyConstraint(['condition_id'], ['contract_conditions.id'], name=op.f('fk_appointments_condition_id_contract_conditions')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_appointments_contract_id_contracts')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_appointments_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointments'))
    )
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.create_index('ix_appointments_contract_id_starts_at', ['contract_id', 'starts_at'], unique=False)
        batch_op.create_index('ix_appointments_starts_at', ['starts_at'], unique=False)

    with op.batch_alter_table('checkpoint_referrals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('allocated_navigator_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('allocated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('allocated_by_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_checkpoint_referrals_allocated_navigator_id', ['allocated_navigator_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_checkpoint_referrals_allocated_by_id_users'), 'users', ['allocated_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_checkpoint_referrals_allocated_navigator_id_users'), 'users', ['allocated_navigator_id'], ['id'])
        # A blank answer is "not known", not none (earlier rows keep the 0 they were given).
        batch_op.alter_column('previous_convictions', existing_type=sa.Integer(), nullable=True)

    with op.batch_alter_table('condition_progress', schema=None) as batch_op:
        batch_op.add_column(sa.Column('occurred_on', sa.Date(), nullable=True))

    with op.batch_alter_table('contract_conditions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('status_changed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_contract_conditions_status_changed_by_id_users'), 'users', ['status_changed_by_id'], ['id'])

    with op.batch_alter_table('divert_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('appointment_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('divert_referrals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_appointment_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('status_since', sa.Date(), nullable=True))
        batch_op.create_index('ix_divert_referrals_next_appointment_at', ['next_appointment_at'], unique=False)

    for statement in APPEND_ONLY.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    # What was there before: progress happened the day it was written down; a referral has been at its status
    # since its last moving event (or its referral date).
    op.execute("UPDATE condition_progress SET occurred_on = date(created_at)")
    op.execute("UPDATE divert_referrals SET status_since = COALESCE((SELECT max(e.date) FROM divert_events e "
               "WHERE e.referral_id = divert_referrals.id AND e.event NOT IN "
               f"({', '.join(repr(event) for event in NOT_MOVING)})), referral_date)")


def downgrade():
    for statement in DROP_APPEND_ONLY.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    with op.batch_alter_table('divert_referrals', schema=None) as batch_op:
        batch_op.drop_index('ix_divert_referrals_next_appointment_at')
        batch_op.drop_column('status_since')
        batch_op.drop_column('next_appointment_at')

    # Not a batch: on SQLite a batch rebuilds the table and would lose 0004's append-only triggers.
    op.execute("ALTER TABLE divert_events DROP COLUMN appointment_at")

    with op.batch_alter_table('contract_conditions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_contract_conditions_status_changed_by_id_users'), type_='foreignkey')
        batch_op.drop_column('status_changed_by_id')
        batch_op.drop_column('status_changed_at')

    with op.batch_alter_table('condition_progress', schema=None) as batch_op:
        batch_op.drop_column('occurred_on')

    op.execute("UPDATE checkpoint_referrals SET previous_convictions = 0 WHERE previous_convictions IS NULL")
    with op.batch_alter_table('checkpoint_referrals', schema=None) as batch_op:
        batch_op.alter_column('previous_convictions', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(batch_op.f('fk_checkpoint_referrals_allocated_navigator_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_checkpoint_referrals_allocated_by_id_users'), type_='foreignkey')
        batch_op.drop_index('ix_checkpoint_referrals_allocated_navigator_id')
        batch_op.drop_column('allocated_by_id')
        batch_op.drop_column('allocated_at')
        batch_op.drop_column('allocated_navigator_id')

    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_index('ix_appointments_starts_at')
        batch_op.drop_index('ix_appointments_contract_id_starts_at')

    op.drop_table('appointments')
    with op.batch_alter_table('contract_navigator_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_contract_navigator_changes_contract_id')

    op.drop_table('contract_navigator_changes')
