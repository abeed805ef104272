"""DIVERT: drug-possession referrals and the provider's events (append-only).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

APPEND_ONLY = {
    "sqlite": [
        "CREATE TRIGGER divert_events_no_update BEFORE UPDATE ON divert_events "
        "BEGIN SELECT RAISE(ABORT, 'divert_events is append-only'); END",
        "CREATE TRIGGER divert_events_no_delete BEFORE DELETE ON divert_events "
        "BEGIN SELECT RAISE(ABORT, 'divert_events is append-only'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION divert_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'divert_events is append-only'; END $$",
        "CREATE TRIGGER divert_events_no_change BEFORE UPDATE OR DELETE ON divert_events "
        "FOR EACH ROW EXECUTE FUNCTION divert_events_append_only()",
    ],
}
DROP_APPEND_ONLY = {
    "sqlite": ["DROP TRIGGER divert_events_no_update", "DROP TRIGGER divert_events_no_delete"],
    "postgresql": ["DROP TRIGGER divert_events_no_change ON divert_events",
                   "DROP FUNCTION divert_events_append_only()"],
}


def upgrade():
    op.create_table('divert_referrals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('referral_date', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('substance', sa.String(length=24), nullable=False),
    sa.Column('suspected_supply', sa.Boolean(), nullable=False),
    sa.Column('referring_officer', sa.String(length=120), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.Column('referral_number', sa.Integer(), nullable=False),
    sa.Column('ever_assessed', sa.Boolean(), nullable=False),
    sa.Column('possible_duplicates', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_divert_referrals_created_by_id_users')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_divert_referrals_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_divert_referrals'))
    )
    with op.batch_alter_table('divert_referrals', schema=None) as batch_op:
        batch_op.create_index('ix_divert_referrals_person_id', ['person_id'], unique=False)
        batch_op.create_index('ix_divert_referrals_referral_date', ['referral_date'], unique=False)
        batch_op.create_index('ix_divert_referrals_status_referral_date', ['status', 'referral_date'], unique=False)

    op.create_table('divert_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(length=24), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('onward_to', sa.String(length=32), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_divert_events_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['referral_id'], ['divert_referrals.id'], name=op.f('fk_divert_events_referral_id_divert_referrals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_divert_events'))
    )
    with op.batch_alter_table('divert_events', schema=None) as batch_op:
        batch_op.create_index('ix_divert_events_referral_id', ['referral_id'], unique=False)

    for statement in APPEND_ONLY.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade():
    for statement in DROP_APPEND_ONLY.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    with op.batch_alter_table('divert_events', schema=None) as batch_op:
        batch_op.drop_index('ix_divert_events_referral_id')

    op.drop_table('divert_events')
    with op.batch_alter_table('divert_referrals', schema=None) as batch_op:
        batch_op.drop_index('ix_divert_referrals_status_referral_date')
        batch_op.drop_index('ix_divert_referrals_referral_date')
        batch_op.drop_index('ix_divert_referrals_person_id')

    op.drop_table('divert_referrals')
