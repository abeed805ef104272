"""The command line's fast path (services/reoffending_copy.py): on PostgreSQL a plainly sound extract is staged by
COPY; anything else is read row by row. Either way the outcome is the same: each file here is imported both ways
(the fast path allowed, and refused) and the answers, the records held and the problems named must agree; and the
fast path must be taken exactly when every line is plain."""
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from diversion import clock
from diversion.errors import ValidationFailed
from diversion.extensions import db
from diversion.models import Person, Reoffence
from diversion.services import reoffending_copy, reoffending_import, reoffending_staging

HEADER = "pnc_id,offence_date,disposal_date\n"
PLAIN = HEADER + "2010/0000001A,2024-09-01,2024-10-01\n1999/7654321Z,2024-09-01,2024-10-01\n"

# (name, file text, plain: staged by COPY on PostgreSQL?)
FILES = [
    ("plain", PLAIN, True),
    ("plain, a repeat and a record of a person", PLAIN + "2010/0000001A,2024-09-01,2024-10-01\n"
                                                     "10/1B,1900-01-01,2026-06-30\n", True),
    ("columns in another order", "disposal_date,pnc_id,offence_date\n2024-10-01,2010/0000001A,2024-09-01\n", True),
    ("Windows line ends and a byte order mark", "\ufeff" + PLAIN.replace("\n", "\r\n"), True),
    ("no line end after the last line", PLAIN.rstrip("\n"), True),
    ("a header only", HEADER, True),
    ("a PNC id to normalise", PLAIN + " 2010/0000002a ,2024-09-01,2024-10-01\n", False),
    ("a blank line", PLAIN + "\n2010/0000003A,2024-09-01,2024-10-01\n", False),
    ("a column more", "pnc_id,offence_date,disposal_date,court\n2010/0000001A,2024-09-01,2024-10-01,Durham\n", False),
    ("quoted", HEADER + '"2010/0000001A","2024-09-01","2024-10-01"\n', False),
    ("a date that is not real", PLAIN + "2010/0000004A,2024-02-30,2024-10-01\n", False),
    ("a month that is not real", PLAIN + "2010/0000004A,2024-13-01,2024-10-01\n", False),
    ("a year nought", PLAIN + "2010/0000004A,0000-01-01,2024-10-01\n", False),
    ("a date before 1900", PLAIN + "2010/0000004A,1899-12-31,2024-10-01\n", False),
    ("a date in the future", PLAIN + "2010/0000004A,2024-09-01,2026-07-01\n", False),
    ("the disposal before the offence", PLAIN + "2010/0000004A,2024-09-01,2024-08-31\n", False),
    ("a PNC id of the wrong shape", PLAIN + "2010/12345678A,2024-09-01,2024-10-01\n", False),
    ("a short row", PLAIN + "2010/0000001A\n", False),
    ("digits of another script", PLAIN + "2010/\u0661\u0662A,2024-09-01,2024-10-01\n", False),
    ("mixed line ends", PLAIN + "2010/0000005A,2024-09-01,2024-10-01\r\n", False),
    ("a missing column", "pnc_id,offence_date\n2010/0000001A,2024-09-01\n", False),
]


@pytest.fixture
def held_by(app_context):
    clock.freeze(datetime(2026, 6, 30, 12, tzinfo=timezone.utc))
    person = Person(given_name="Ann", family_name="Hall", date_of_birth=date(1990, 1, 1), pnc_id="2010/0000001A")
    db.session.add(person)
    db.session.commit()
    return person.id


def _outcome(path, monkeypatch, *, fast: bool):
    taken = []
    real = reoffending_copy.copy_extract

    def spy(*args, **kwargs):
        taken.append(real(*args, **kwargs) if fast else False)
        return taken[-1]
    monkeypatch.setattr(reoffending_copy, "copy_extract", spy)
    try:
        answer = reoffending_import.import_file(path)
        answer.pop("import_id")
        held = sorted((r.pnc_id, r.offence_date, r.disposal_date, r.person_id)
                      for r in db.session.scalars(sa.select(Reoffence)))
        outcome = ("imported", answer, held)
    except ValidationFailed as failure:
        outcome = ("refused", failure.message, failure.fields)
    finally:
        db.session.rollback()
    return outcome, taken == [True]


@pytest.mark.parametrize("name, text, plain", FILES, ids=[f[0] for f in FILES])
def test_the_fast_path_and_the_row_by_row_reading_agree(held_by, monkeypatch, tmp_path, name, text, plain):
    path = tmp_path / "extract.csv"
    path.write_bytes(text.encode("utf-8"))
    fast, took_fast_path = _outcome(path, monkeypatch, fast=True)
    slow, _ = _outcome(path, monkeypatch, fast=False)
    assert fast == slow
    assert took_fast_path == (plain and reoffending_staging.is_postgresql())


def test_a_file_that_is_not_text_is_read_row_by_row_and_refused(held_by, tmp_path):
    path = tmp_path / "extract.csv"
    path.write_bytes(b"pnc_id,offence_date,disposal_date\n\xff\xfe\x00\x01\n")
    with pytest.raises(UnicodeDecodeError):
        reoffending_import.import_file(path)
    db.session.rollback()


def test_progress_is_told_of_every_line_and_wound_back_when_the_file_is_read_again(held_by, tmp_path):
    rows = "".join(f"2010/{n:07d}A,2024-09-01,2024-10-01\n" for n in range(1, 40_000))  # more than a chunk
    path = tmp_path / "extract.csv"
    for text in (HEADER + rows, HEADER + rows + "2010/0000001a,2024-09-01,2024-10-01\n"):
        path.write_text(text, encoding="utf-8")
        steps = []
        reoffending_import.import_file(path, progress=steps.append)
        db.session.rollback()
        assert sum(steps) == len(text.splitlines()) - 1 or sum(steps) == len(text.splitlines())
        if reoffending_staging.is_postgresql() and text.endswith("a,2024-09-01,2024-10-01\n"):
            assert any(step < 0 for step in steps)  # the fast path's lines, wound back


def test_while_an_import_is_adding_records_readers_read_and_other_writers_wait(held_by):
    if not reoffending_staging.is_postgresql():
        pytest.skip("the lock is PostgreSQL's (SQLite has one writer at a time)")
    reoffending_import.import_records({"records": [{"pnc_id": "2010/0000001A", "offence_date": "2024-09-01",
                                                    "disposal_date": "2024-10-01"}]}, actor=None)
    # Not committed yet: this import holds its lock until it is.
    with db.engine.connect() as other:
        other.execute(sa.text("SET lock_timeout = '200ms'"))
        assert other.execute(sa.text("SELECT count(*) FROM reoffences")).scalar_one() == 0
        with pytest.raises(sa.exc.OperationalError):
            other.execute(sa.text("UPDATE reoffences SET pnc_id = NULL WHERE person_id = 0"))
        other.rollback()
    db.session.rollback()
