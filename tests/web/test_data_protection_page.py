"""The data protection page (administrators): reviews due now and within 30 days, retain decisions and erasures this
year, subject access requests answered (median, longest, how many in the statutory month), exports by kind; and the
erasure log, which names no one erased."""
from datetime import UTC, datetime, timedelta

import pytest

from diversion import audit, clock
from diversion.extensions import db
from diversion.models import Erasure, RetentionDecision, SubjectAccessRequest, User
from tests.retention_helpers import divert_ended


def _rows(page, table_id: str) -> dict[str, str]:
    return {row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(" ", strip=True)
            for row in page.select(f"#{table_id} .govuk-summary-list__row")}


@pytest.fixture
def world(app, make_user):
    """Frozen at 15 June 2026: two people due now, one due in 20 days; this year's decisions, erasures, subject
    access answers and exports, and last year's too (not counted)."""
    clock.freeze(datetime(2026, 6, 15, 12, tzinfo=UTC))
    officer, provider, admin = make_user("custody_officer"), make_user("provider"), make_user("admin")
    with app.app_context():
        o, p = db.session.get(User, officer.id), db.session.get(User, provider.id)
        today = clock.today()
        ids = [divert_ended(o, p, day, given_name=name).person_id for name, day in (
            ("Ann", today.replace(year=2019)), ("Bob", today.replace(year=2018)),
            ("Cat", (today + timedelta(days=20)).replace(year=2020)), ("Dan", today.replace(year=2024)))]
        clock.freeze(datetime(2026, 6, 15, 12, tzinfo=UTC))
        this_year, last_year = datetime(2026, 3, 1, 10, tzinfo=UTC), datetime(2025, 12, 31, 10, tzinfo=UTC)
        for when, decision in ((this_year, "retain"), (this_year, "retain"), (last_year, "retain"),
                               (this_year, "erase")):
            db.session.add(RetentionDecision(person_id=ids[3], decision=decision, reason="Reviewed",
                                             decided_by_id=admin.id, decided_at=when))
        db.session.add(Erasure(person_id=ids[3], reason="No policing purpose", erased_by_id=admin.id,
                               erased_at=this_year, counts={"contract_notes": 3, "divert_events": 2}))
        for received, answered in (("2026-01-05", datetime(2026, 1, 15, 9, tzinfo=UTC)),
                                   ("2026-02-01", datetime(2026, 3, 6, 9, tzinfo=UTC)),
                                   ("2026-04-10", datetime(2026, 4, 30, 9, tzinfo=UTC)),
                                   ("2025-11-01", datetime(2025, 11, 20, 9, tzinfo=UTC))):
            db.session.add(SubjectAccessRequest(person_id=ids[3], received_on=datetime.fromisoformat(received).date(),
                                                purpose="The person asked", answered_at=answered,
                                                answered_by_id=admin.id))
        for action in ("report.export", "report.export", "audit.export", "person.subject_access", "contract.view"):
            audit.record(action, actor=admin.id)
        db.session.commit()
    yield
    clock.freeze(None)


def test_the_page_counts_reviews_due_decisions_erasures_answers_and_exports(signed_in, world):
    client, _ = signed_in("admin")
    clock.freeze(datetime(2026, 6, 15, 12, tzinfo=UTC))
    page = client.get_page("/admin/data-protection")
    assert _rows(page, "retention-figures") == {
        "Due for review now": "2", "Due in the next 30 days": "1",
        "Records retained after review this year": "2", "Records erased this year": "1"}
    assert _rows(page, "subject-access-figures") == {
        "Answered": "3", "Answered within the statutory month": "2 of 3",
        "Median days taken": "20 days", "Longest days taken": "33 days"}
    exports = {row.select("td")[1].get_text(strip=True): row.select("td")[2].get_text(strip=True)
               for row in page.select("#export-figures tbody tr")}
    assert exports == {"report.export": "2", "audit.export": "1", "person.subject_access": "1"}
    links = {a.get_text(strip=True): a["href"] for a in page.select("main a.govuk-link")}
    assert links["Retention review list"] == "/admin/retention"
    assert links["Audit trail"] == "/admin/audit" and links["Erasure log"] == "/admin/erasures"


def test_the_erasure_log_shows_when_who_why_and_counts_and_no_name(signed_in, world):
    client, _ = signed_in("admin")
    page = client.get_page("/admin/erasures")
    cells = [td.get_text(" ", strip=True) for td in page.select("#erasures tbody tr td")]
    assert cells[2] == "No policing purpose" and cells[3] == "contract notes: 3 divert events: 2"
    assert "Dan" not in page.select_one("main").get_text()


@pytest.mark.parametrize("role", ["custody_officer", "navigator", "provider", "manager"])
def test_only_admins_see_the_data_protection_pages(signed_in, role):
    client, _ = signed_in(role)
    assert client.get("/admin/data-protection").status_code == 403
    assert client.get("/admin/erasures").status_code == 403


def test_admins_find_the_pages_in_the_navigation(signed_in):
    client, _ = signed_in("admin")
    nav = {a.get_text(strip=True): a["href"] for a in client.get_page("/admin/data-protection")
           .select(".govuk-service-navigation__link, .govuk-header__navigation-item a, nav a")}
    assert nav.get("Data protection") == "/admin/data-protection" and nav.get("Retention review") == "/admin/retention"
