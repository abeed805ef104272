"""Reoffending follow-up: proven reoffences imported from a police national computer extract, and the imports.

Revision ID: 0012_reoffending
Revises: 0008
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa


revision = '0012_reoffending'
down_revision = '0008'
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
    op.create_table('reoffences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pnc_id', sa.String(length=20), nullable=True),
    sa.Column('offence_date', sa.Date(), nullable=False),
    sa.Column('disposal_date', sa.Date(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['import_id'], ['reoffence_imports.id'], name=op.f('fk_reoffences_import_id_reoffence_imports')),
    sa.ForeignKeyConstraint(['imported_by_id'], ['users.id'], name=op.f('fk_reoffences_imported_by_id_users')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_reoffences_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reoffences')),
    sa.UniqueConstraint('pnc_id', 'offence_date', 'disposal_date', name='uq_reoffences_pnc_id_dates')
    )
    op.create_index('ix_reoffences_person_id_offence_date', 'reoffences', ['person_id', 'offence_date'], unique=False)
    op.create_index('ix_reoffences_unmatched_pnc_id', 'reoffences', ['pnc_id'], unique=False,
                    postgresql_where=sa.text('person_id IS NULL'), sqlite_where=sa.text('person_id IS NULL'))
    op.create_index('ix_reoffences_import_id', 'reoffences', ['import_id'], unique=False)


def downgrade():
    op.drop_index('ix_reoffences_import_id', table_name='reoffences')
    op.drop_index('ix_reoffences_unmatched_pnc_id', table_name='reoffences',
                  postgresql_where=sa.text('person_id IS NULL'), sqlite_where=sa.text('person_id IS NULL'))
    op.drop_index('ix_reoffences_person_id_offence_date', table_name='reoffences')
    op.drop_table('reoffences')
    op.drop_index('ix_reoffence_imports_imported_at', table_name='reoffence_imports')
    op.drop_table('reoffence_imports')
