"""`flask --app wsgi reoffending import FILE.csv`: the command-line import of a proven reoffending extract."""
import pytest
import sqlalchemy as sa

from diversion.extensions import db
from diversion.models import AuditEvent, Person, Reoffence, ReoffenceImport


@pytest.fixture
def cli(app):
    return app.test_cli_runner()


@pytest.fixture
def person(app):
    with app.app_context():
        record = Person(given_name="Ann", family_name="Hall", date_of_birth=__import__("datetime").date(1990, 1, 1),
                        pnc_id="2010/0000001A")
        db.session.add(record)
        db.session.commit()
        return record.id


def _write(tmp_path, text, name="extract.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _held(app):
    with app.app_context():
        return sorted((r.pnc_id, r.offence_date.isoformat(), r.person_id) for r in db.session.scalars(sa.select(Reoffence)))


def test_an_extract_is_imported_matched_and_counted(cli, app, person, tmp_path):
    path = _write(tmp_path, "disposal_date,pnc_id,offence_date,court\n2024-10-01,2010/0000001a,2024-09-01,Durham\n"
                            "2024-10-01,1999/7654321Z,2024-09-01,Durham\n\n")
    result = cli.invoke(args=["reoffending", "import", path])
    assert result.exit_code == 0, result.output
    assert "1 matched to people, 1 unmatched; 2 new, 0 already held" in result.output
    assert _held(app) == [("1999/7654321Z", "2024-09-01", None), ("2010/0000001A", "2024-09-01", person)]
    with app.app_context():
        batch = db.session.scalars(sa.select(ReoffenceImport)).one()
        event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "reoffending.import")).one()
    assert (batch.source, batch.file_name, batch.imported_by_id, batch.matched) == ("cli", "extract.csv", None, 1)
    assert event.source == "cli"


def test_importing_the_same_file_twice_adds_nothing_the_second_time(cli, app, person, tmp_path):
    path = _write(tmp_path, "pnc_id,offence_date,disposal_date\n2010/0000001A,2024-09-01,2024-10-01\n")
    cli.invoke(args=["reoffending", "import", path])
    result = cli.invoke(args=["reoffending", "import", path])
    assert result.exit_code == 0 and "0 new, 1 already held" in result.output
    assert len(_held(app)) == 1


def test_a_file_with_bad_rows_imports_nothing_and_names_them_by_line(cli, app, tmp_path):
    path = _write(tmp_path, "pnc_id,offence_date,disposal_date\n2010/0000001A,2024-09-01,2024-10-01\n"
                            "nope,2024-09-01,2024-10-01\n2010/0000001A,2024-09-01,2024-08-01\n2010/0000001A\n")
    result = cli.invoke(args=["reoffending", "import", path])
    assert result.exit_code != 0
    assert "3 problems in the file; nothing was imported" in result.output
    assert "line 3: pnc_id" in result.output and "line 4: disposal_date" in result.output
    assert "line 5: row" in result.output
    assert _held(app) == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ReoffenceImport)) == 0


def test_a_file_without_the_columns_is_refused(cli, app, tmp_path):
    path = _write(tmp_path, "pnc_id,offence\n2010/0000001A,2024-09-01\n")
    result = cli.invoke(args=["reoffending", "import", path])
    assert result.exit_code != 0 and "Missing the columns offence_date, disposal_date" in result.output


def test_a_file_that_is_not_text_is_refused_clearly(cli, app, tmp_path):
    path = tmp_path / "extract.csv"
    path.write_bytes(b"pnc_id,offence_date,disposal_date\n\xff\xfe\x00\x01\n")
    result = cli.invoke(args=["reoffending", "import", str(path)])
    assert result.exit_code != 0 and "Could not read extract.csv" in result.output


def test_the_progress_bar_is_shown(cli, app, person, tmp_path):
    rows = "".join(f"2010/{n:07d}A,2024-09-01,2024-10-01\n" for n in range(25_000))
    path = _write(tmp_path, "pnc_id,offence_date,disposal_date\n" + rows)
    result = cli.invoke(args=["reoffending", "import", path])
    assert result.exit_code == 0, result.output
    assert "Reading extract.csv" in result.output and "25,000 unmatched" not in result.output
    assert "1 matched to people, 24,999 unmatched" in result.output
