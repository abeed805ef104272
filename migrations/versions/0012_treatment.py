"""Treatment engagement: the services people are referred on to (a reference list, seeded) and onward referrals
from Checkpoint pathway conditions and DIVERT `onward_referral` events, with whether the person started.
DIVERT onward referrals already recorded become rows here (their need mapped to a service; the start unknown).

Revision ID: 0012_treatment
Revises: 0012_custody_suites
Create Date: 2026-11-27
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


revision = '0012_treatment'
down_revision = '0012_custody_suites'
branch_labels = None
depends_on = None

# As diversion/domain/treatment.py SEEDED_SERVICES and SERVICE_FOR_NEED when this revision was written.
SERVICES = (
    ("community_drug_alcohol", "Community drug and alcohol service", "drugs"),
    ("alcohol_brief_intervention", "Alcohol brief intervention", "alcohol"),
    ("talking_therapies", "Mental health talking therapies", "mental_health"),
    ("liaison_diversion", "Liaison and diversion", "mental_health"),
    ("housing_options", "Housing options", "accommodation"),
    ("employment_support", "Employment support", "employment_education"),
    ("debt_advice", "Debt advice", "finance"),
    ("gambling_support", "Gambling support", "gambling"),
    ("womens_centre", "Women’s centre", "relationships"),
    ("other_support", "Other support", "other"),
)
SERVICE_FOR_NEED = {
    "treatment": "community_drug_alcohol", "alcohol": "alcohol_brief_intervention",
    "mental_health": "talking_therapies", "housing": "housing_options", "employment": "employment_support",
    "education": "employment_support", "gambling": "gambling_support", "other": "other_support",
}


def upgrade():
    op.create_table('treatment_services',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('pathway', sa.String(length=32), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_treatment_services')),
    sa.UniqueConstraint('name', name=op.f('uq_treatment_services_name'))
    )
    now = datetime.now(timezone.utc)
    services = sa.table('treatment_services', *(sa.column(c) for c in (
        'code', 'name', 'pathway', 'active', 'created_at', 'updated_at', 'version')))
    op.bulk_insert(services, [{'code': code, 'name': name, 'pathway': pathway, 'active': True, 'created_at': now,
                               'updated_at': now, 'version': 1} for code, name, pathway in SERVICES])
    op.create_table('onward_referrals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scheme', sa.String(length=16), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('condition_id', sa.Integer(), nullable=True),
    sa.Column('divert_referral_id', sa.Integer(), nullable=True),
    sa.Column('divert_event_id', sa.Integer(), nullable=True),
    sa.Column('service_code', sa.String(length=32), nullable=False),
    sa.Column('pathway', sa.String(length=32), nullable=False),
    sa.Column('referred_on', sa.Date(), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('did_not_start', sa.Boolean(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('start_recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("(scheme = 'checkpoint' AND contract_id IS NOT NULL AND condition_id IS NOT NULL "
                       "AND divert_referral_id IS NULL) OR (scheme = 'divert' AND divert_referral_id IS NOT NULL "
                       "AND contract_id IS NULL AND condition_id IS NULL)", name=op.f('ck_onward_referrals_parent')),
    sa.CheckConstraint('NOT (did_not_start AND started_on IS NOT NULL)', name=op.f('ck_onward_referrals_one_answer')),
    sa.ForeignKeyConstraint(['condition_id'], ['contract_conditions.id'], name=op.f('fk_onward_referrals_condition_id_contract_conditions')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_onward_referrals_contract_id_contracts')),
    sa.ForeignKeyConstraint(['divert_event_id'], ['divert_events.id'], name=op.f('fk_onward_referrals_divert_event_id_divert_events')),
    sa.ForeignKeyConstraint(['divert_referral_id'], ['divert_referrals.id'], name=op.f('fk_onward_referrals_divert_referral_id_divert_referrals')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_onward_referrals_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['service_code'], ['treatment_services.code'], name=op.f('fk_onward_referrals_service_code_treatment_services')),
    sa.ForeignKeyConstraint(['start_recorded_by_id'], ['users.id'], name=op.f('fk_onward_referrals_start_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_onward_referrals'))
    )
    op.create_index('ix_onward_referrals_contract_id', 'onward_referrals', ['contract_id'], unique=False)
    op.create_index('ix_onward_referrals_divert_referral_id', 'onward_referrals', ['divert_referral_id'], unique=False)
    op.create_index('ix_onward_referrals_referred_on', 'onward_referrals', ['referred_on'], unique=False)
    # The DIVERT onward referrals recorded so far (their need counted under its service; whether they started
    # is not known, so they count as not started within three weeks once three weeks have passed).
    cases = " ".join(f"WHEN '{need}' THEN '{code}'" for need, code in SERVICE_FOR_NEED.items())
    pathways = " ".join(f"WHEN '{code}' THEN '{pathway}'" for code, _, pathway in SERVICES)
    op.execute(
        "INSERT INTO onward_referrals (scheme, divert_referral_id, divert_event_id, service_code, pathway, "
        "referred_on, did_not_start, recorded_by_id, created_at, updated_at, version) "
        f"SELECT 'divert', referral_id, id, svc, CASE svc {pathways} END, date, false, recorded_by_id, "
        "created_at, created_at, 1 FROM (SELECT e.referral_id, e.id, e.date, e.recorded_by_id, e.created_at, "
        f"CASE e.onward_to {cases} ELSE 'other_support' END AS svc FROM divert_events e "
        "WHERE e.event = 'onward_referral') AS onward")


def downgrade():
    op.drop_index('ix_onward_referrals_referred_on', table_name='onward_referrals')
    op.drop_index('ix_onward_referrals_divert_referral_id', table_name='onward_referrals')
    op.drop_index('ix_onward_referrals_contract_id', table_name='onward_referrals')
    op.drop_table('onward_referrals')
    op.drop_table('treatment_services')
