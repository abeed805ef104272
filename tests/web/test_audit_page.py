"""The audit trail page answers "who looked at this person" in one filter, tells each event in plain English,
exports what it shows as a CSV with a stated purpose (itself recorded), and a person's page shows managers and
administrators who has looked at the record."""
import csv
import io
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from diversion import audit, clock
from diversion.extensions import db
from diversion.models import AuditEvent, Contract, Person, User
from tests.web.test_intake_support import counting_statements


def _descriptions(page) -> list[str]:
    return [cell.get_text(strip=True) for cell in page.select("td.app-audit-description")]


def _contract_of(app, contract_id):
    with app.app_context():
        contract = db.session.get(Contract, contract_id)
        return contract.person_id, contract.person.full_name, contract.referral.reference, contract.navigator_id


def test_viewing_a_contract_is_recorded_about_its_person_and_told_in_plain_english(signed_in, app, make_contract):
    contract_id = make_contract()
    person_id, name, reference, navigator_id = _contract_of(app, contract_id)
    client, navigator = signed_in("manager", name="Tomasz Nowak")
    client.get_page(f"/contracts/{contract_id}")
    admin_client, _ = signed_in("admin")
    page = admin_client.get_page(f"/admin/audit?person={person_id}")
    assert f"Tomasz Nowak viewed contract {reference} of {name}" in _descriptions(page)
    with app.app_context():
        about = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.person_id == person_id)).all()
    # made, agreed and viewed: every event about the case names its person
    assert {"checkpoint_referral.create", "contract.create", "contract.view"} <= set(about)


def test_who_looked_at_this_person_last_month_is_one_filter(signed_in, app, make_contract):
    watched, other = make_contract(), make_contract()
    person_id, name, reference, _ = _contract_of(app, watched)
    other_person, *_ = _contract_of(app, other)
    viewer = signed_in("manager", name="Priya Shah")[1]
    with app.app_context():
        manager = db.session.get(User, viewer.id)
        for days_ago, about in ((40, person_id), (20, person_id), (20, other_person), (1, person_id)):
            clock.freeze(datetime.now(timezone.utc) - timedelta(days=days_ago))
            audit.record("person.view", actor=manager, object_type="person", object_id=about, person_id=about)
            db.session.flush()  # the time is taken as the event is written
        clock.freeze(None)
        db.session.commit()
    client, _ = signed_in("admin")
    start, end = clock.today() - timedelta(days=30), clock.today() - timedelta(days=10)
    page = client.get_page("/admin/audit", query_string={
        "person": person_id, "from-day": start.day, "from-month": start.month, "from-year": start.year,
        "to-day": end.day, "to-month": end.month, "to-year": end.year})
    assert _descriptions(page) == [f"Priya Shah viewed the record of {name}"]
    tags = {tag.get_text(" ", strip=True) for tag in page.select(".moj-filter__tag")}
    assert f"Remove this filter: {name}" in tags  # the person by name in the selected filters


def test_a_person_can_be_chosen_by_a_case_reference(signed_in, app, make_contract):
    person_id, name, reference, _ = _contract_of(app, make_contract())
    client, _ = signed_in("admin")
    page = client.get_page("/admin/audit", query_string={"person": reference.lower().replace("-", " ")})
    assert _descriptions(page) and all(name in text for text in _descriptions(page))
    assert page.select_one("#person")["value"] == str(person_id)


def test_an_unknown_person_or_user_is_explained_not_ignored(signed_in):
    client, _ = signed_in("admin")
    page = client.get_page("/admin/audit?person=99999999&who=nobody%40nowhere.example")
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == ["#person", "#who"]


def test_a_user_is_chosen_by_name_or_email(signed_in, app, make_contract):
    contract_id = make_contract()
    client, manager = signed_in("manager", name="Amara Okafor")
    client.get_page(f"/contracts/{contract_id}")
    admin_client, _ = signed_in("admin")
    for typed in ("amara okafor", manager.email.upper()):
        page = admin_client.get_page("/admin/audit", query_string={"who": typed, "action": "contract.view"})
        assert len(_descriptions(page)) == 1 and _descriptions(page)[0].startswith("Amara Okafor viewed contract")


def test_an_erased_person_is_described_as_erased_never_by_name(signed_in, app, make_contract):
    contract_id = make_contract()
    person_id, name, reference, _ = _contract_of(app, contract_id)
    client, _ = signed_in("manager", name="Tomasz Nowak")
    client.get_page(f"/contracts/{contract_id}")
    with app.app_context():
        db.session.execute(sa.update(Person).where(Person.id == person_id).values(erased_at=clock.now()))
        db.session.commit()
    admin_client, _ = signed_in("admin")
    page = admin_client.get_page(f"/admin/audit?person={person_id}")
    assert f"Tomasz Nowak viewed contract {reference} of an erased person" in _descriptions(page)
    assert name not in page.get_text()


def test_the_page_is_the_same_number_of_statements_for_few_and_many_people(signed_in, app, make_user):
    client, admin = signed_in("admin")
    officer = make_user("custody_officer")

    def refer(count):
        from tests import factories
        with app.app_context():
            for _ in range(count):
                referral = factories.referral(db.session.get(User, officer.id))
                audit.record("checkpoint_referral.view", actor=db.session.get(User, officer.id),
                             object_type="checkpoint_referral", object_id=referral.id, person_id=referral.person_id)
            db.session.commit()

    refer(2)
    with counting_statements(app) as few:
        client.get_page("/admin/audit")
    refer(30)
    with counting_statements(app) as many:
        assert len(_descriptions(client.get_page("/admin/audit"))) == 50
    assert len(few) == len(many)


# --- The CSV export -----------------------------------------------------------------------------------------------

def test_the_export_asks_for_a_purpose_first(signed_in, app, make_contract):
    person_id, *_ = _contract_of(app, make_contract())
    client, _ = signed_in("admin")
    page = client.post_page(f"/admin/audit/export?person={person_id}", {"person": person_id, "purpose": " "},
                            expected_status=422, form_page=f"/admin/audit/export?person={person_id}")
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == ["#purpose"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "audit.export")) == 0


def test_the_export_is_the_filtered_trail_in_words_and_is_itself_recorded(signed_in, app, make_contract):
    contract_id = make_contract()
    person_id, name, reference, _ = _contract_of(app, contract_id)
    viewer, _ = signed_in("manager", name="Tomasz Nowak")
    viewer.get_page(f"/contracts/{contract_id}")
    client, admin = signed_in("admin", name="Dana Admin")
    form = f"/admin/audit/export?person={person_id}"
    assert name in client.get_page(form).get_text()  # the filter is shown before downloading
    response = client.post_form(form, {"person": person_id, "purpose": "=HYPERLINK(\"x\") for PSD case 14"},
                                form_page=form)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:4] == ["When (UK time)", "Who", "What happened", "Person"]
    described = [row[2] for row in rows[1:]]
    assert f"Tomasz Nowak viewed contract {reference} of {name}" in described
    assert all(row[3] == name for row in rows[1:])  # only events about this person
    with app.app_context():
        export = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "audit.export")).one()
    assert export.actor_id == admin.id and export.justification == "=HYPERLINK(\"x\") for PSD case 14"
    assert export.details["filters"]["person_id"] == person_id


def test_an_exported_cell_never_runs_as_a_formula(signed_in, app):
    client, admin = signed_in("admin")
    with app.app_context():
        audit.record("report.export", actor=db.session.get(User, admin.id), object_type="report",
                     object_id="checkpoint-summary", justification="=cmd|' /C calc'!A0")
        db.session.commit()
    response = client.post_form("/admin/audit/export?action=report", {"action": "report", "purpose": "Audit check"},
                                form_page="/admin/audit/export?action=report")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[1][5] == "'=cmd|' /C calc'!A0"


def test_the_export_reads_the_trail_in_batches(app, make_user):
    from diversion.services import audit_trail

    actor = make_user("admin")
    with app.app_context():
        for n in range(7):
            audit.record("test.event", actor=db.session.get(User, actor.id), details={"n": n})
        db.session.commit()
        lines = list(audit_trail.export_lines(audit_trail.Filters(action="test"), batch=3))
    assert [line.event.details["n"] for line in lines] == [6, 5, 4, 3, 2, 1, 0]


# --- "Who has looked at this record" on the person's page --------------------------------------------------------

def test_managers_and_admins_see_who_has_looked_at_the_record(signed_in, app, make_contract):
    contract_id = make_contract()
    person_id, name, reference, _ = _contract_of(app, contract_id)
    viewer, _ = signed_in("manager", name="Tomasz Nowak")
    viewer.get_page(f"/contracts/{contract_id}")
    for role in ("manager", "admin"):
        client, _ = signed_in(role)
        page = client.get_page(f"/people/{person_id}")
        panel = page.find("h2", id="disclosure-log")
        assert panel is not None
        rows = [r.get_text(" ", strip=True) for r in page.select("table.app-disclosure-log tbody tr")]
        assert any(f"Tomasz Nowak viewed contract {reference} of {name}" in row for row in rows)
        assert len(rows) <= 10
        link = page.find("a", href=f"/admin/audit?person={person_id}")
        assert link is not None


def test_other_roles_are_not_shown_who_has_looked_at_the_record(signed_in, app, make_contract, make_user):
    navigator = make_user("navigator")
    contract_id = make_contract(navigator=navigator)
    person_id, *_ = _contract_of(app, contract_id)
    client, _ = signed_in("navigator")
    client.sign_in_as(navigator)
    page = client.get_page(f"/people/{person_id}")
    assert page.find("h1") is not None and page.find(id="disclosure-log") is None
    assert "Who has looked at this record" not in page.get_text()


def test_only_administrators_download_the_trail(signed_in):
    client, _ = signed_in("manager")
    page = client.get_page("/admin/audit")
    assert page.find("a", string=lambda s: s and "Download these events" in s) is None
    assert client.get("/admin/audit/export").status_code == 403
