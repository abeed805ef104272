"""Every list by an index (issue 14, part 3). Each list that filters by a status and pages by key reads a short
walk down an index ending in the id, whatever the history holds:
- (status, id): the API's lists in the order recorded, filtered by status (referrals awaiting a navigator,
  active contracts, DIVERT referrals referred), which otherwise walk the primary key discarding other statuses;
- (status, referral_date, id) on both kinds of referral, replacing (status, referral_date): the referral queue
  and the provider's worklist, sorted by referral date, in key order without a sort;
- contracts (status, deadline, id), replacing (status, deadline), and (deadline, id): the caseload sorted by
  deadline, open or of any status, without sorting a million rows;
- divert_events (referral_id, date), replacing (referral_id): a referral's last event is the end of its range.
The name search's trigram index (people.name_key, PostgreSQL only) is 0005's.

Revision ID: 0014_list_indexes
Revises: 0013_dtoa
Create Date: 2026-11-27
"""
from alembic import op


revision = '0014_list_indexes'
down_revision = '0013_dtoa'
branch_labels = None
depends_on = None

NEW = [
    ('ix_checkpoint_referrals_status_id', 'checkpoint_referrals', ['status', 'id']),
    ('ix_checkpoint_referrals_status_referral_date_id', 'checkpoint_referrals', ['status', 'referral_date', 'id']),
    ('ix_contracts_status_id', 'contracts', ['status', 'id']),
    ('ix_contracts_status_deadline_id', 'contracts', ['status', 'deadline', 'id']),
    ('ix_contracts_deadline_id', 'contracts', ['deadline', 'id']),
    ('ix_divert_referrals_status_id', 'divert_referrals', ['status', 'id']),
    ('ix_divert_referrals_status_referral_date_id', 'divert_referrals', ['status', 'referral_date', 'id']),
    ('ix_divert_events_referral_id_date', 'divert_events', ['referral_id', 'date']),
]
REPLACED = [
    ('ix_checkpoint_referrals_status_referral_date', 'checkpoint_referrals', ['status', 'referral_date']),
    ('ix_contracts_status_deadline', 'contracts', ['status', 'deadline']),
    ('ix_divert_referrals_status_referral_date', 'divert_referrals', ['status', 'referral_date']),
    ('ix_divert_events_referral_id', 'divert_events', ['referral_id']),
]


def upgrade():
    for name, table, columns in NEW:
        op.create_index(name, table, columns, unique=False)
    for name, table, _columns in REPLACED:
        op.drop_index(name, table_name=table)


def downgrade():
    for name, table, columns in REPLACED:
        op.create_index(name, table, columns, unique=False)
    for name, table, _columns in NEW:
        op.drop_index(name, table_name=table)
