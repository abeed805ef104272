"""Breach hand-off: breach evidence packs (signed, fixed, one row per version), the outcomes of each referral for
the officer who made it (filled from the outcomes already recorded), and how far each officer has looked.

Revision ID: 0012_breach_packs
Revises: 0009r
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa


revision = '0012_breach_packs'
down_revision = '0009r'
branch_labels = None
depends_on = None


def _day(column: str, dialect: str) -> str:
    return f"date({column})" if dialect == "sqlite" else f"CAST({column} AS DATE)"


def _backfill_outcomes(dialect: str) -> None:
    """The outcomes recorded before this revision, as the services record them from now on."""
    insert = ("INSERT INTO referral_outcomes (officer_id, person_id, scheme, checkpoint_referral_id, "
              "divert_referral_id, outcome, reason, outcome_date, recorded_at) ")
    op.execute(insert + "SELECT r.created_by_id, c.person_id, 'checkpoint', r.id, NULL, c.status, "
               "CASE WHEN c.status = 'breached' THEN c.outcome_reason END, c.outcome_date, "
               "COALESCE(c.outcome_recorded_at, c.updated_at) FROM contracts c "
               "JOIN checkpoint_referrals r ON r.id = c.referral_id "
               "WHERE c.status IN ('completed', 'breached', 'discontinued') AND c.outcome_date IS NOT NULL "
               "AND r.created_by_id IS NOT NULL")
    op.execute(insert + f"SELECT created_by_id, person_id, 'checkpoint', id, NULL, status, NULL, "
               f"COALESCE({_day('decided_at', dialect)}, referral_date), COALESCE(decided_at, updated_at) "
               "FROM checkpoint_referrals WHERE status IN ('declined', 'not_approved') AND created_by_id IS NOT NULL")
    op.execute(insert + "SELECT created_by_id, person_id, 'checkpoint', id, NULL, status, NULL, referral_date, "
               "created_at FROM checkpoint_referrals WHERE status = 'ineligible' AND created_by_id IS NOT NULL")
    op.execute(insert + "SELECT created_by_id, person_id, 'divert', NULL, id, status, NULL, "
               "COALESCE(status_since, referral_date), updated_at FROM divert_referrals "
               "WHERE status IN ('assessed', 'completed', 'declined', 'disengaged') AND created_by_id IS NOT NULL")


def upgrade():
    dialect = op.get_bind().dialect.name
    op.create_table('breach_packs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('note_ids', sa.JSON(), nullable=False),
    sa.Column('disclosed_to', sa.Text(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('signed_by_id', sa.Integer(), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_breach_packs_contract_id_contracts')),
    sa.ForeignKeyConstraint(['signed_by_id'], ['users.id'], name=op.f('fk_breach_packs_signed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_breach_packs')),
    sa.UniqueConstraint('contract_id', 'version', name=op.f('uq_breach_packs_contract_id_version'))
    )
    op.create_index('ix_breach_packs_signed_at', 'breach_packs', ['signed_at'], unique=False)
    op.create_table('referral_outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('scheme', sa.String(length=16), nullable=False),
    sa.Column('checkpoint_referral_id', sa.Integer(), nullable=True),
    sa.Column('divert_referral_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=24), nullable=False),
    sa.Column('reason', sa.String(length=64), nullable=True),
    sa.Column('outcome_date', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['checkpoint_referral_id'], ['checkpoint_referrals.id'],
                            name=op.f('fk_referral_outcomes_checkpoint_referral_id_checkpoint_referrals')),
    sa.ForeignKeyConstraint(['divert_referral_id'], ['divert_referrals.id'],
                            name=op.f('fk_referral_outcomes_divert_referral_id_divert_referrals')),
    sa.ForeignKeyConstraint(['officer_id'], ['users.id'], name=op.f('fk_referral_outcomes_officer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_outcomes'))
    )
    op.create_index('ix_referral_outcomes_officer_id_recorded_at', 'referral_outcomes',
                    ['officer_id', 'recorded_at', 'id'], unique=False)
    op.create_table('outcomes_seen',
    sa.Column('user_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('seen_up_to', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_outcomes_seen_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_outcomes_seen'))
    )
    _backfill_outcomes(dialect)


def downgrade():
    op.drop_table('outcomes_seen')
    op.drop_index('ix_referral_outcomes_officer_id_recorded_at', table_name='referral_outcomes')
    op.drop_table('referral_outcomes')
    op.drop_index('ix_breach_packs_signed_at', table_name='breach_packs')
    op.drop_table('breach_packs')
