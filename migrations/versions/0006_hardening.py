"""Hardening: tokens that expire and say what they are for, audit rows that name the token used, two-step
sign-in (TOTP secrets and recovery codes), passwords an administrator chose must be changed, late entries give
a reason, and idempotent API writes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TOKEN_LIFETIME_DAYS = 90


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("must_change_password", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("totp_confirmed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("must_change_password", server_default=None)

    op.create_table("user_recovery_codes",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("user_id", sa.Integer(), nullable=False),
    sa.Column("code_hash", sa.String(length=255), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_user_recovery_codes_user_id_users")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_user_recovery_codes"))
    )
    op.create_index("ix_user_recovery_codes_user_id", "user_recovery_codes", ["user_id"], unique=False)

    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revoked_reason", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("purpose", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"UPDATE api_tokens SET expires_at = created_at + interval '{TOKEN_LIFETIME_DAYS} days'")
    else:
        op.execute(f"UPDATE api_tokens SET expires_at = datetime(created_at, '+{TOKEN_LIFETIME_DAYS} days')")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.alter_column("expires_at", existing_type=sa.DateTime(timezone=True), nullable=False)
    # A token an administrator issued to act as someone else ends now: a token belongs to whoever asked for it.
    op.execute("UPDATE api_tokens SET revoked_at = CURRENT_TIMESTAMP, revoked_reason = 'issued_for_another' "
               "WHERE revoked_at IS NULL AND created_by_id IS NOT NULL AND created_by_id <> user_id")

    # Not in batch mode: on SQLite that rebuilds the table and would drop its append-only triggers.
    op.add_column("audit_events", sa.Column("token_id", sa.Integer(), nullable=True))

    with op.batch_alter_table("checkpoint_referrals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("late_entry_reason", sa.Text(), nullable=True))

    # A draft sent twice at once (a double click) makes one referral: the second finds it already sent.
    with op.batch_alter_table("referral_drafts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submitted_referral_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_referral_drafts_submitted_referral_id_checkpoint_referrals"),
                                    "checkpoint_referrals", ["submitted_referral_id"], ["id"])

    op.create_table("idempotent_responses",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("user_id", sa.Integer(), nullable=False),
    sa.Column("key", sa.String(length=100), nullable=False),
    sa.Column("request_hash", sa.String(length=64), nullable=False),
    sa.Column("status", sa.Integer(), nullable=False),
    sa.Column("body", sa.JSON(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_idempotent_responses_user_id_users")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotent_responses")),
    sa.UniqueConstraint("user_id", "key", name="uq_idempotent_responses_user_id_key")
    )
    op.create_index("ix_idempotent_responses_created_at", "idempotent_responses", ["created_at"], unique=False)


def downgrade():
    op.drop_index("ix_idempotent_responses_created_at", table_name="idempotent_responses")
    op.drop_table("idempotent_responses")
    with op.batch_alter_table("referral_drafts", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_referral_drafts_submitted_referral_id_checkpoint_referrals"),
                                 type_="foreignkey")
        batch_op.drop_column("submitted_referral_id")
    with op.batch_alter_table("checkpoint_referrals", schema=None) as batch_op:
        batch_op.drop_column("late_entry_reason")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_column("audit_events", "token_id")
    else:  # SQLite 3.35+ drops a column in place (no rebuild, so the triggers stay)
        op.execute("ALTER TABLE audit_events DROP COLUMN token_id")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
        batch_op.drop_column("purpose")
        batch_op.drop_column("revoked_reason")
    op.drop_index("ix_user_recovery_codes_user_id", table_name="user_recovery_codes")
    op.drop_table("user_recovery_codes")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("totp_last_step")
        batch_op.drop_column("totp_confirmed_at")
        batch_op.drop_column("totp_secret")
        batch_op.drop_column("must_change_password")
