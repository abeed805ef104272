"""Human references for cases: CP-2026-00123 (Checkpoint), DV-2026-00456 (DIVERT), DT-2026-00789 (a drug test on
arrest).

Numbers run from 1 each year (the year of the referral date) and never repeat: one atomic
INSERT ... ON CONFLICT DO UPDATE ... RETURNING per reference, so two officers referring at the same moment
get consecutive numbers (on PostgreSQL the second waits for the first's transaction; a rolled-back referral
gives its number back).
"""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from diversion.domain import need_to_know as access
from diversion.extensions import db
from diversion.models import CheckpointReferral, DivertReferral, DrugTest, ReferenceCounter

CHECKPOINT, DIVERT, DRUG_TEST = "CP", "DV", "DT"
MODELS = {CHECKPOINT: CheckpointReferral, DIVERT: DivertReferral, DRUG_TEST: DrugTest}  # what each reference names
KINDS = {CHECKPOINT: access.CHECKPOINT_REFERRAL, DIVERT: access.DIVERT_REFERRAL, DRUG_TEST: access.DRUG_TEST}  # need to know
PATTERN = re.compile(r"^\s*(CP|DV|DT)[-\s/]?(\d{4})[-\s/]?(\d{1,9})\s*$", re.IGNORECASE)


def format_reference(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:05d}"


def next_reference(prefix: str, day: date) -> str:
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (insert(ReferenceCounter).values(prefix=prefix, year=day.year, last=1)
                 .on_conflict_do_update(index_elements=["prefix", "year"],
                                        set_={"last": ReferenceCounter.last + 1})
                 .returning(ReferenceCounter.last))
    number = db.session.execute(statement).scalar_one()
    return format_reference(prefix, day.year, number)


def parse_reference(text: object) -> tuple[str, str] | None:
    """(prefix, canonical reference) when `text` is a reference as people type it ("cp 2026 123"), else None."""
    if not isinstance(text, str):
        return None
    found = PATTERN.match(text)
    if not found:
        return None
    prefix, year, number = found.group(1).upper(), int(found.group(2)), int(found.group(3))
    return prefix, format_reference(prefix, year, number)
