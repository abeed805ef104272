"""A manager imports a proven reoffending extract from the reports pages: the counts on the dashboard afterwards,
every problem listed and nothing saved for a bad file, the audit record with counts only, and who may use it."""
import io

import pytest
import sqlalchemy as sa

from diversion.extensions import db
from diversion.models import AuditEvent, Reoffence, ReoffenceImport
from tests import factories

PAGE = "/reports/reoffending/import"


@pytest.fixture
def known(app):
    """One person here with a PNC ID (the extract's other record names nobody here)."""
    with app.app_context():
        officer = factories.user("custody_officer")
        factories.referral(officer, referral_date="2024-03-01", **{"offence.offence_date": "2024-02-20",
                                                                   "person.pnc_id": "2010/0000001A"})
        db.session.commit()


def _upload(client, text: str, name: str = "extract.csv", **kwargs):
    return client.post_form(PAGE, {"extract": (io.BytesIO(text.encode()), name)},
                            content_type="multipart/form-data", **kwargs)


def test_a_manager_imports_an_extract_and_reads_the_counts(signed_in, known, app):
    client, manager = signed_in("manager")
    page = client.get_page("/reports/")
    assert page.select_one(f"#reoffending ~ p a[href='{PAGE}']")
    response = _upload(client, "pnc_id,offence_date,disposal_date\n2010/0000001A,2024-09-01,2025-01-10\n"
                               "2011/0000009Z,2024-10-01,2025-02-10\n")
    assert response.status_code == 302 and response.location.endswith("/reports/#reoffending")
    banner = client.get_page("/reports/").select_one(".govuk-notification-banner--success").get_text(" ", strip=True)
    assert "1 records matched to people here, 1 not matched; 2 new, 0 already held" in banner
    with app.app_context():
        batch = db.session.scalars(sa.select(ReoffenceImport)).one()
        assert (batch.source, batch.file_name, batch.imported_by_id, batch.added) == ("upload", "extract.csv",
                                                                                       manager.id, 2)
        event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "reoffending.import")).one()
        assert event.actor_id == manager.id and "2010/0000001A" not in str(event.details)
    again = _upload(client, "pnc_id,offence_date,disposal_date\n2010/0000001A,2024-09-01,2025-01-10\n")
    assert again.status_code == 302
    assert "0 new, 1 already held" in client.get_page("/reports/").select_one(
        ".govuk-notification-banner--success").get_text(" ", strip=True)


def test_a_bad_file_lists_its_problems_and_saves_nothing(signed_in, known, app):
    client, _ = signed_in("manager")
    response = _upload(client, "pnc_id,offence_date,disposal_date\n2010/0000001A,2024-02-30,2025-01-10\n"
                               "not a pnc,2024-09-01,2025-01-10\n", expected_status=422)
    from bs4 import BeautifulSoup
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert page.title.get_text().startswith("Error:")
    assert page.select_one(".govuk-error-summary a")["href"] == "#extract"
    assert "nothing was imported" in page.select_one("#extract-error").get_text()
    listed = [li.get_text(" ", strip=True) for li in page.select("#problems li")]
    assert len(listed) == 2 and listed[0].startswith("line 2") and listed[1].startswith("line 3")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Reoffence)) == 0


@pytest.mark.parametrize("name, text, problem", [
    ("", "", "Choose the extract to import"),
    ("extract.xlsx", "pnc_id\n", "must be a CSV file"),
    ("extract.csv", "name,date\nx,y\n", "first line must name its columns"),
])
def test_no_file_another_kind_of_file_or_no_header_is_explained(signed_in, name, text, problem):
    client, _ = signed_in("manager")
    if name:
        response = _upload(client, text, name, expected_status=422)
    else:
        response = client.post_form(PAGE, {}, content_type="multipart/form-data", expected_status=422)
    assert problem in response.get_data(as_text=True)


def test_an_upload_over_the_limit_is_refused_with_a_page(signed_in, app):
    client, _ = signed_in("manager")
    big = "pnc_id,offence_date,disposal_date\n" + "2010/0000001A,2024-09-01,2025-01-10\n" * 250_000
    assert _upload(client, big).status_code == 413


@pytest.mark.parametrize("role", ["custody_officer", "navigator", "provider"])
def test_only_managers_and_administrators_import(signed_in, role):
    client, _ = signed_in(role)
    assert client.get(PAGE).status_code == 403


def test_an_extract_over_the_sites_usual_1_mb_limit_is_imported(signed_in, known, app):
    client, _ = signed_in("manager")
    rows = "".join(f"2012/{n:07d}B,2024-09-01,2025-01-10\n" for n in range(60_000))  # about 2 MB
    response = _upload(client, "pnc_id,offence_date,disposal_date\n" + rows)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Reoffence)) == 60_000


def test_the_upload_still_needs_the_forms_csrf_token(signed_in):
    client, _ = signed_in("manager")
    response = client.post(PAGE, data={"extract": (io.BytesIO(b"pnc_id,offence_date,disposal_date\n"), "x.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400


def test_the_files_name_is_kept_without_its_path_or_unprintable_characters(signed_in, known, app):
    client, _ = signed_in("manager")
    response = _upload(client, "pnc_id,offence_date,disposal_date\n2010/0000001A,2024-09-01,2025-01-10\n",
                       name="exports/pnc/pnc\x00 extract.csv")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(sa.select(ReoffenceImport.file_name)).one() == "pnc extract.csv"
