"""Exports that cannot be cut off (issue 14, part 2): export jobs and their stored files.

Revision ID: 0014_export_jobs
Revises: 0014_report_rollups
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa


revision = '0014_export_jobs'
down_revision = '0014_report_rollups'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('export_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('parameters', sa.JSON(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('worker', sa.String(length=100), nullable=True),
    sa.Column('rows', sa.Integer(), nullable=True),
    sa.Column('bytes', sa.BigInteger(), nullable=True),
    sa.Column('stored_bytes', sa.BigInteger(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('error', sa.String(length=40), nullable=True),
    sa.Column('expired_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_export_jobs_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_jobs'))
    )
    op.create_index('ix_export_jobs_status_id', 'export_jobs', ['status', 'id'], unique=False)
    op.create_index('ix_export_jobs_requested_by_id_id', 'export_jobs', ['requested_by_id', 'id'], unique=False)
    op.create_table('export_chunks',
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['export_jobs.id'], name=op.f('fk_export_chunks_job_id_export_jobs')),
    sa.PrimaryKeyConstraint('job_id', 'seq', name=op.f('pk_export_chunks'))
    )
    if op.get_bind().dialect.name == 'postgresql':  # already gzip: stored out of line, not compressed again
        op.execute('ALTER TABLE export_chunks ALTER COLUMN data SET STORAGE EXTERNAL')


def downgrade():
    op.drop_table('export_chunks')
    op.drop_index('ix_export_jobs_requested_by_id_id', table_name='export_jobs')
    op.drop_index('ix_export_jobs_status_id', table_name='export_jobs')
    op.drop_table('export_jobs')
