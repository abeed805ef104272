"""Checkpoint: people, offence categories and policy values (seeded), referrals, contracts,
conditions, notes (append-only) and progress.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Close to Durham Constabulary's published Checkpoint list; "specific terms" need a manager's approval.
# Administrators change these on the reference-data pages: the list is policy, not code.
OFFENCE_CATEGORIES = [
    ("theft", "Theft (including shoplifting)", "eligible"),
    ("burglary_commercial", "Burglary (commercial)", "eligible"),
    ("burglary_residential", "Burglary (residential)", "specific_terms"),
    ("criminal_damage", "Criminal damage", "eligible"),
    ("drugs_possession", "Possession of a controlled drug", "eligible"),
    ("drugs_supply_low_level", "Low-level offences linked to the supply of controlled drugs", "specific_terms"),
    ("fraud", "Fraud", "eligible"),
    ("public_order", "Public order", "eligible"),
    ("child_neglect", "Child neglect", "specific_terms"),
    ("domestic_standard_risk", "Domestic-related crime graded standard or medium risk", "specific_terms"),
    ("common_assault", "Common assault", "eligible"),
    ("assault_abh", "Assault occasioning actual bodily harm", "eligible"),
    ("assault_emergency_worker", "Assault on a police officer or emergency worker", "eligible"),
    ("offensive_weapon", "Possession of an offensive weapon or bladed article", "eligible"),
    ("harassment", "Harassment", "eligible"),
    ("malicious_communications", "Malicious communications", "eligible"),
    ("cyber_crime", "Cyber crime (computer misuse)", "eligible"),
    ("domestic_abuse_high_risk", "Domestic abuse graded high risk", "excluded"),
    ("driving", "Driving offences", "excluded"),
    ("robbery", "Robbery", "excluded"),
    ("sexual", "Sexual offences", "excluded"),
    ("serious_violence", "Serious violence (GBH, wounding, homicide)", "excluded"),
]
POLICY = [("offence_age_limit_months", 3, "How many months old an offence may be, at the referral date")]

APPEND_ONLY = {
    "sqlite": [
        "CREATE TRIGGER contract_notes_no_update BEFORE UPDATE ON contract_notes "
        "BEGIN SELECT RAISE(ABORT, 'contract_notes is append-only'); END",
        "CREATE TRIGGER contract_notes_no_delete BEFORE DELETE ON contract_notes "
        "BEGIN SELECT RAISE(ABORT, 'contract_notes is append-only'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION contract_notes_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'contract_notes is append-only'; END $$",
        "CREATE TRIGGER contract_notes_no_change BEFORE UPDATE OR DELETE ON contract_notes "
        "FOR EACH ROW EXECUTE FUNCTION contract_notes_append_only()",
    ],
}
DROP_APPEND_ONLY = {
    "sqlite": ["DROP TRIGGER contract_notes_no_update", "DROP TRIGGER contract_notes_no_delete"],
    "postgresql": ["DROP TRIGGER contract_notes_no_change ON contract_notes",
                   "DROP FUNCTION contract_notes_append_only()"],
}


def _seed() -> None:
    now = datetime.now(timezone.utc)
    stamp = now.replace(tzinfo=None) if op.get_bind().dialect.name == "sqlite" else now
    categories = sa.table("offence_categories", *(sa.column(c) for c in (
        "code", "title", "eligibility", "active", "position", "created_at", "updated_at", "version")))
    op.bulk_insert(categories, [
        {"code": code, "title": title, "eligibility": eligibility, "active": True, "position": i,
         "created_at": stamp, "updated_at": stamp, "version": 1}
        for i, (code, title, eligibility) in enumerate(OFFENCE_CATEGORIES)])
    policy = sa.table("policy_settings", *(sa.column(c) for c in (
        "key", "value", "title", "created_at", "updated_at", "version")))
    op.bulk_insert(policy, [{"key": k, "value": v, "title": t, "created_at": stamp, "updated_at": stamp,
                             "version": 1} for k, v, t in POLICY])


def upgrade():
    op.create_table('offence_categories',
    sa.Column('code', sa.String(length=48), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('eligibility', sa.String(length=16), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_offence_categories'))
    )
    op.create_table('people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('given_name', sa.String(length=100), nullable=False),
    sa.Column('family_name', sa.String(length=100), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=False),
    sa.Column('gender', sa.String(length=16), nullable=True),
    sa.Column('ethnicity', sa.String(length=48), nullable=True),
    sa.Column('pnc_id', sa.String(length=20), nullable=True),
    sa.Column('custody_number', sa.String(length=40), nullable=True),
    sa.Column('postcode', sa.String(length=10), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people')),
    sa.UniqueConstraint('pnc_id', name=op.f('uq_people_pnc_id'))
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index('ix_people_date_of_birth', ['date_of_birth'], unique=False)
        batch_op.create_index('ix_people_family_name', ['family_name'], unique=False)

    op.create_table('policy_settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_policy_settings'))
    )
    op.create_table('checkpoint_referrals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('referral_date', sa.Date(), nullable=False),
    sa.Column('offence_category', sa.String(length=48), nullable=False),
    sa.Column('offence_description', sa.Text(), nullable=False),
    sa.Column('offence_date', sa.Date(), nullable=False),
    sa.Column('arrest_date', sa.Date(), nullable=True),
    sa.Column('hate_crime', sa.Boolean(), nullable=False),
    sa.Column('interview', sa.String(length=16), nullable=False),
    sa.Column('evidential_test_met', sa.Boolean(), nullable=False),
    sa.Column('court_order', sa.Boolean(), nullable=False),
    sa.Column('on_bail', sa.Boolean(), nullable=False),
    sa.Column('co_accused', sa.Boolean(), nullable=False),
    sa.Column('detained_mental_health', sa.Boolean(), nullable=False),
    sa.Column('has_victim', sa.Boolean(), nullable=False),
    sa.Column('victim_wishes_restorative', sa.Boolean(), nullable=False),
    sa.Column('previous_convictions', sa.Integer(), nullable=False),
    sa.Column('custody_suite', sa.String(length=120), nullable=True),
    sa.Column('referring_officer', sa.String(length=120), nullable=True),
    sa.Column('eligible', sa.Boolean(), nullable=False),
    sa.Column('offence_age_limit_months', sa.Integer(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('possible_duplicates', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_checkpoint_referrals_created_by_id_users')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_checkpoint_referrals_decided_by_id_users')),
    sa.ForeignKeyConstraint(['offence_category'], ['offence_categories.code'], name=op.f('fk_checkpoint_referrals_offence_category_offence_categories')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_checkpoint_referrals_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkpoint_referrals'))
    )
    with op.batch_alter_table('checkpoint_referrals', schema=None) as batch_op:
        batch_op.create_index('ix_checkpoint_referrals_created_by_id', ['created_by_id'], unique=False)
        batch_op.create_index('ix_checkpoint_referrals_person_id', ['person_id'], unique=False)
        batch_op.create_index('ix_checkpoint_referrals_referral_date', ['referral_date'], unique=False)
        batch_op.create_index('ix_checkpoint_referrals_status_referral_date', ['status', 'referral_date'], unique=False)

    op.create_table('contracts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('navigator_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('participant_consent', sa.Boolean(), nullable=False),
    sa.Column('warning_given', sa.Boolean(), nullable=False),
    sa.Column('outcome_date', sa.Date(), nullable=True),
    sa.Column('outcome_reason', sa.String(length=64), nullable=True),
    sa.Column('outcome_details', sa.Text(), nullable=True),
    sa.Column('outcome_recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('outcome_recorded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('prosecution_referred', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['navigator_id'], ['users.id'], name=op.f('fk_contracts_navigator_id_users')),
    sa.ForeignKeyConstraint(['outcome_recorded_by_id'], ['users.id'], name=op.f('fk_contracts_outcome_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_contracts_person_id_people')),
    sa.ForeignKeyConstraint(['referral_id'], ['checkpoint_referrals.id'], name=op.f('fk_contracts_referral_id_checkpoint_referrals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contracts')),
    sa.UniqueConstraint('referral_id', name=op.f('uq_contracts_referral_id'))
    )
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.create_index('ix_contracts_navigator_status_deadline', ['navigator_id', 'status', 'deadline'], unique=False)
        batch_op.create_index('ix_contracts_outcome_date', ['outcome_date'], unique=False)
        batch_op.create_index('ix_contracts_person_id', ['person_id'], unique=False)
        batch_op.create_index('ix_contracts_start_date', ['start_date'], unique=False)
        batch_op.create_index('ix_contracts_status_deadline', ['status', 'deadline'], unique=False)

    op.create_table('contract_conditions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('pathway', sa.String(length=32), nullable=True),
    sa.Column('community_kind', sa.String(length=16), nullable=True),
    sa.Column('target_hours', sa.Integer(), nullable=True),
    sa.Column('hours_done', sa.Float(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_contract_conditions_contract_id_contracts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_conditions'))
    )
    with op.batch_alter_table('contract_conditions', schema=None) as batch_op:
        batch_op.create_index('ix_contract_conditions_contract_id', ['contract_id'], unique=False)

    op.create_table('contract_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_contract_notes_author_id_users')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_contract_notes_contract_id_contracts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_notes'))
    )
    with op.batch_alter_table('contract_notes', schema=None) as batch_op:
        batch_op.create_index('ix_contract_notes_contract_id_occurred_at', ['contract_id', 'occurred_at'], unique=False)

    op.create_table('condition_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('condition_id', sa.Integer(), nullable=False),
    sa.Column('hours', sa.Float(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_condition_progress_author_id_users')),
    sa.ForeignKeyConstraint(['condition_id'], ['contract_conditions.id'], name=op.f('fk_condition_progress_condition_id_contract_conditions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_condition_progress'))
    )
    with op.batch_alter_table('condition_progress', schema=None) as batch_op:
        batch_op.create_index('ix_condition_progress_condition_id', ['condition_id'], unique=False)

    for statement in APPEND_ONLY.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    _seed()


def downgrade():
    for statement in DROP_APPEND_ONLY.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    with op.batch_alter_table('condition_progress', schema=None) as batch_op:
        batch_op.drop_index('ix_condition_progress_condition_id')

    op.drop_table('condition_progress')
    with op.batch_alter_table('contract_notes', schema=None) as batch_op:
        batch_op.drop_index('ix_contract_notes_contract_id_occurred_at')

    op.drop_table('contract_notes')
    with op.batch_alter_table('contract_conditions', schema=None) as batch_op:
        batch_op.drop_index('ix_contract_conditions_contract_id')

    op.drop_table('contract_conditions')
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.drop_index('ix_contracts_status_deadline')
        batch_op.drop_index('ix_contracts_start_date')
        batch_op.drop_index('ix_contracts_person_id')
        batch_op.drop_index('ix_contracts_outcome_date')
        batch_op.drop_index('ix_contracts_navigator_status_deadline')

    op.drop_table('contracts')
    with op.batch_alter_table('checkpoint_referrals', schema=None) as batch_op:
        batch_op.drop_index('ix_checkpoint_referrals_status_referral_date')
        batch_op.drop_index('ix_checkpoint_referrals_referral_date')
        batch_op.drop_index('ix_checkpoint_referrals_person_id')
        batch_op.drop_index('ix_checkpoint_referrals_created_by_id')

    op.drop_table('checkpoint_referrals')
    op.drop_table('policy_settings')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index('ix_people_family_name')
        batch_op.drop_index('ix_people_date_of_birth')

    op.drop_table('people')
    op.drop_table('offence_categories')
