"""One person, one record: normalised names for matching and search, contact details with history, merges,
human references on referrals, the person as recorded on each referral, contract alerts, DIVERT's minimum age.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""
from collections import defaultdict
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

from diversion.domain.identity import name_key

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

PERSON_FIELDS = ("given_name", "family_name", "date_of_birth", "gender", "ethnicity", "pnc_id", "custody_number",
                 "postcode", "phone", "email")
REFERENCE_PREFIXES = {"checkpoint_referrals": "CP", "divert_referrals": "DV"}


def _is_postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _people() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("address", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_people_merged_into_id_people"), "people", ["merged_into_id"], ["id"])
    bind = op.get_bind()
    people = sa.table("people", sa.column("id"), sa.column("given_name"), sa.column("family_name"),
                      sa.column("name_key"))
    rows = bind.execute(sa.select(people.c.id, people.c.given_name, people.c.family_name)).all()
    if rows:
        bind.execute(people.update().where(people.c.id == sa.bindparam("pid")).values(name_key=sa.bindparam("key")),
                     [{"pid": row.id, "key": name_key(row.given_name, row.family_name)} for row in rows])
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.alter_column("name_key", existing_type=sa.Text(), nullable=False)
        batch_op.drop_index("ix_people_date_of_birth")
        batch_op.create_index("ix_people_date_of_birth_name_key", ["date_of_birth", "name_key"], unique=False)
        batch_op.create_index("ix_people_merged_into_id", ["merged_into_id"], unique=False)
    op.create_index("ix_people_name_key_id_live", "people", ["name_key", "id"], unique=False,
                    postgresql_where=sa.text("merged_into_id IS NULL"), sqlite_where=sa.text("merged_into_id IS NULL"))
    if _is_postgres():
        # Trigram search over the normalised names: `name_key LIKE '%word%'` uses this index.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_people_name_key_trgm ON people USING gin (name_key gin_trgm_ops)")
    else:
        op.create_index("ix_people_name_key_trgm", "people", ["name_key"], unique=False)


def _referrals(table: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.add_column(sa.Column("reference", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("person_as_recorded", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("identity_match", sa.String(length=16), nullable=True))
    bind = op.get_bind()
    referrals = sa.table(table, sa.column("id"), sa.column("person_id"), sa.column("referral_date"),
                         sa.column("reference"), sa.column("person_as_recorded"), sa.column("identity_match"))
    people = sa.table("people", sa.column("id"), *(sa.column(f) for f in PERSON_FIELDS))
    rows = bind.execute(sa.select(referrals.c.id, referrals.c.referral_date,
                                  *(people.c[f] for f in PERSON_FIELDS))
                        .join(people, people.c.id == referrals.c.person_id)
                        .order_by(referrals.c.referral_date, referrals.c.id)).all()
    numbers: dict[int, int] = defaultdict(int)
    updates = []
    for row in rows:
        year = row.referral_date.year if hasattr(row.referral_date, "year") else int(str(row.referral_date)[:4])
        numbers[year] += 1
        recorded = {f: getattr(row, f) for f in PERSON_FIELDS if getattr(row, f) is not None}
        recorded["date_of_birth"] = str(recorded["date_of_birth"])[:10]
        updates.append({"rid": row.id, "ref": f"{REFERENCE_PREFIXES[table]}-{year}-{numbers[year]:05d}",
                        "recorded": recorded})
    if updates:
        bind.execute(referrals.update().where(referrals.c.id == sa.bindparam("rid")).values(
            reference=sa.bindparam("ref"), person_as_recorded=sa.bindparam("recorded", type_=sa.JSON()),
            identity_match="new"), updates)
    counters = sa.table("reference_counters", sa.column("prefix"), sa.column("year"), sa.column("last"))
    if numbers:
        op.bulk_insert(counters, [{"prefix": REFERENCE_PREFIXES[table], "year": year, "last": last}
                                  for year, last in sorted(numbers.items())])
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.alter_column("reference", existing_type=sa.String(length=20), nullable=False)
        batch_op.alter_column("person_as_recorded", existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column("identity_match", existing_type=sa.String(length=16), nullable=False)
        batch_op.create_unique_constraint(op.f(f"uq_{table}_reference"), ["reference"])


def upgrade():
    op.create_table("reference_counters",
    sa.Column("prefix", sa.String(length=4), nullable=False),
    sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
    sa.Column("last", sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint("prefix", "year", name=op.f("pk_reference_counters"))
    )
    _people()
    op.create_table("person_contacts",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("person_id", sa.Integer(), nullable=False),
    sa.Column("phone", sa.String(length=32), nullable=True),
    sa.Column("email", sa.String(length=254), nullable=True),
    sa.Column("postcode", sa.String(length=10), nullable=True),
    sa.Column("address", sa.String(length=500), nullable=True),
    sa.Column("source", sa.String(length=24), nullable=False),
    sa.Column("recorded_by_id", sa.Integer(), nullable=True),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_person_contacts_person_id_people")),
    sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"], name=op.f("fk_person_contacts_recorded_by_id_users")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_person_contacts"))
    )
    op.create_index("ix_person_contacts_person_id_recorded_at", "person_contacts", ["person_id", "recorded_at"],
                    unique=False)
    # The contact details people already have are the first entry of their history (kept when they change).
    op.execute("INSERT INTO person_contacts (person_id, phone, email, postcode, address, source, recorded_at) "
               "SELECT id, phone, email, postcode, address, 'referral', created_at FROM people "
               "WHERE phone IS NOT NULL OR email IS NOT NULL OR postcode IS NOT NULL")
    op.create_table("person_merges",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("kept_id", sa.Integer(), nullable=False),
    sa.Column("merged_id", sa.Integer(), nullable=False),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("moved", sa.JSON(), nullable=False),
    sa.Column("merged_by_id", sa.Integer(), nullable=False),
    sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["kept_id"], ["people.id"], name=op.f("fk_person_merges_kept_id_people")),
    sa.ForeignKeyConstraint(["merged_id"], ["people.id"], name=op.f("fk_person_merges_merged_id_people")),
    sa.ForeignKeyConstraint(["merged_by_id"], ["users.id"], name=op.f("fk_person_merges_merged_by_id_users")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_person_merges"))
    )
    op.create_index("ix_person_merges_kept_id", "person_merges", ["kept_id"], unique=False)
    op.create_index("ix_person_merges_merged_id", "person_merges", ["merged_id"], unique=False)
    for table in REFERENCE_PREFIXES:
        _referrals(table)
    # Which decision a referral's reason belongs to (its status moves on after an approval).
    with op.batch_alter_table("checkpoint_referrals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decision", sa.String(length=16), nullable=True))
    op.execute("UPDATE checkpoint_referrals SET decision = CASE status WHEN 'not_approved' THEN 'refuse' "
               "WHEN 'declined' THEN 'decline' ELSE 'approve' END WHERE decided_at IS NOT NULL")
    op.create_table("contract_alerts",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("contract_id", sa.Integer(), nullable=False),
    sa.Column("kind", sa.String(length=24), nullable=False),
    sa.Column("scheme", sa.String(length=16), nullable=False),
    sa.Column("checkpoint_referral_id", sa.Integer(), nullable=True),
    sa.Column("divert_referral_id", sa.Integer(), nullable=True),
    sa.Column("date", sa.Date(), nullable=False),
    sa.Column("summary", sa.JSON(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("resolved_by_id", sa.Integer(), nullable=True),
    sa.Column("resolution", sa.String(length=24), nullable=True),
    sa.Column("resolution_reason", sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(["checkpoint_referral_id"], ["checkpoint_referrals.id"],
                            name=op.f("fk_contract_alerts_checkpoint_referral_id_checkpoint_referrals")),
    sa.ForeignKeyConstraint(["contract_id"], ["contracts.id"], name=op.f("fk_contract_alerts_contract_id_contracts")),
    sa.ForeignKeyConstraint(["divert_referral_id"], ["divert_referrals.id"],
                            name=op.f("fk_contract_alerts_divert_referral_id_divert_referrals")),
    sa.ForeignKeyConstraint(["resolved_by_id"], ["users.id"], name=op.f("fk_contract_alerts_resolved_by_id_users")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_alerts"))
    )
    op.create_index("ix_contract_alerts_contract_id", "contract_alerts", ["contract_id"], unique=False)
    op.create_index("ix_contract_alerts_open", "contract_alerts", ["resolved_at", "contract_id"], unique=False)
    now = datetime.now(timezone.utc)
    stamp = now.replace(tzinfo=None) if op.get_bind().dialect.name == "sqlite" else now
    policy = sa.table("policy_settings", *(sa.column(c) for c in (
        "key", "value", "title", "created_at", "updated_at", "version")))
    op.bulk_insert(policy, [{"key": "divert_minimum_age", "value": 18,
                             "title": "The youngest age at which someone can be referred to DIVERT",
                             "created_at": stamp, "updated_at": stamp, "version": 1}])


def downgrade():
    op.execute("DELETE FROM policy_settings WHERE key = 'divert_minimum_age'")
    op.drop_index("ix_contract_alerts_open", table_name="contract_alerts")
    op.drop_index("ix_contract_alerts_contract_id", table_name="contract_alerts")
    op.drop_table("contract_alerts")
    with op.batch_alter_table("checkpoint_referrals", schema=None) as batch_op:
        batch_op.drop_column("decision")
    for table in REFERENCE_PREFIXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"uq_{table}_reference"), type_="unique")
            batch_op.drop_column("identity_match")
            batch_op.drop_column("person_as_recorded")
            batch_op.drop_column("reference")
    op.drop_index("ix_person_merges_merged_id", table_name="person_merges")
    op.drop_index("ix_person_merges_kept_id", table_name="person_merges")
    op.drop_table("person_merges")
    op.drop_index("ix_person_contacts_person_id_recorded_at", table_name="person_contacts")
    op.drop_table("person_contacts")
    op.drop_index("ix_people_name_key_trgm", table_name="people")
    op.drop_index("ix_people_name_key_id_live", table_name="people")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index("ix_people_merged_into_id")
        batch_op.drop_index("ix_people_date_of_birth_name_key")
        batch_op.create_index("ix_people_date_of_birth", ["date_of_birth"], unique=False)
        batch_op.drop_constraint(op.f("fk_people_merged_into_id_people"), type_="foreignkey")
        batch_op.drop_column("merged_into_id")
        batch_op.drop_column("address")
        batch_op.drop_column("name_key")
    op.drop_table("reference_counters")
