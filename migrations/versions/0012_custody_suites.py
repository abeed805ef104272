"""Partnership figures and Checkpoint Cymru: custody suites as a reference list (referrals point at one; the
free text already recorded is matched by name, anything else counts as "Other / not recorded"), and the
language a person wants their letters in.

Revision ID: 0012_custody_suites
Revises: 0012_needs
Create Date: 2026-11-27
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


revision = '0012_custody_suites'
down_revision = '0012_needs'
branch_labels = None
depends_on = None

# The suites referrals come from at first; an administrator adds, renames and retires them afterwards.
SUITES = (("durham", "Durham"), ("darlington", "Darlington"), ("peterlee", "Peterlee"))


def upgrade():
    op.create_table('custody_suites',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_custody_suites')),
    sa.UniqueConstraint('name', name=op.f('uq_custody_suites_name'))
    )
    now = datetime.now(timezone.utc)
    suites = sa.table('custody_suites', *(sa.column(c) for c in (
        'code', 'name', 'active', 'created_at', 'updated_at', 'version')))
    op.bulk_insert(suites, [{'code': code, 'name': name, 'active': True, 'created_at': now, 'updated_at': now,
                             'version': 1} for code, name in SUITES])
    with op.batch_alter_table('checkpoint_referrals') as batch_op:
        batch_op.add_column(sa.Column('custody_suite_code', sa.String(length=32), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_checkpoint_referrals_custody_suite_code_custody_suites'),
                                    'custody_suites', ['custody_suite_code'], ['code'])
        batch_op.create_index('ix_checkpoint_referrals_custody_suite_code_referral_date',
                              ['custody_suite_code', 'referral_date'], unique=False)
    # The free text recorded so far, matched to a suite by its name (case and outer spaces ignored).
    op.execute("UPDATE checkpoint_referrals SET custody_suite_code = (SELECT s.code FROM custody_suites s "
               "WHERE lower(s.name) = lower(trim(checkpoint_referrals.custody_suite))) "
               "WHERE custody_suite IS NOT NULL")
    with op.batch_alter_table('people') as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table('people') as batch_op:
        batch_op.drop_column('language')
    with op.batch_alter_table('checkpoint_referrals') as batch_op:
        batch_op.drop_index('ix_checkpoint_referrals_custody_suite_code_referral_date')
        batch_op.drop_constraint(batch_op.f('fk_checkpoint_referrals_custody_suite_code_custody_suites'),
                                 type_='foreignkey')
        batch_op.drop_column('custody_suite_code')
    op.drop_table('custody_suites')
