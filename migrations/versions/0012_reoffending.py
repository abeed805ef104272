"""Reoffending follow-up: proven reoffences imported from a police national computer extract, and the imports.

Revision ID: 0012_reoffending
Revises: 0012_breach_packs
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = '0012_reoffending'
down_revision = '0012_breach_packs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reoffence_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=True),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received', sa.Integer(), nullable=False),
    sa.Column('matched', sa.Integer(), nullable=False),
    sa.Column('unmatched', sa.Integer(), nullable=False),
    sa.Column('added', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['imported_by_id'], ['users.id'], name=op.f('fk_reoffence_imports_imported_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reoffence_imports'))
    )
    op.create_index('ix_reoffence_imports_imported_at', 'reoffence_imports', ['imported_at'], unique=False)
    # A bulk table (see diversion/models/reoffending.py for why it has no foreign-key constraints).
    op.create_table('reoffences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pnc_id', sa.String(length=20).with_variant(postgresql.VARCHAR(length=20, collation='C'), 'postgresql'),
              nullable=True),
    sa.Column('offence_date', sa.Date(), nullable=False),
    sa.Column('disposal_date', sa.Date(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reoffences')),
    sa.UniqueConstraint('pnc_id', 'offence_date', 'disposal_date', name='uq_reoffences_pnc_id_dates')
    )
    op.create_index('ix_reoffences_person_id_offence_date', 'reoffences', ['person_id', 'offence_date'], unique=False,
                    postgresql_where=sa.text('person_id IS NOT NULL'), sqlite_where=sa.text('person_id IS NOT NULL'))


def downgrade():
    op.drop_index('ix_reoffences_person_id_offence_date', table_name='reoffences',
                  postgresql_where=sa.text('person_id IS NOT NULL'), sqlite_where=sa.text('person_id IS NOT NULL'))
    op.drop_table('reoffences')
    op.drop_index('ix_reoffence_imports_imported_at', table_name='reoffence_imports')
    op.drop_table('reoffence_imports')
