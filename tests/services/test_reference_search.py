"""A case reference typed in a search box finds its person only for those who may read the record it names:
a navigator searching a drug test's reference (DT-) of a person not on their caseload finds nobody, though they
may see the person (in the queue); CP- and DV- references the same."""
from datetime import date

from diversion.extensions import db
from diversion.services import divert, people
from tests import dtoa_rows, factories


def _world():
    officer, navigator, holder = (factories.user(role=r) for r in ("custody_officer", "navigator", "navigator"))
    queued = factories.referral(officer)                      # in the queue: every navigator sees the person
    on_caseload = factories.contract(factories.referral(officer), holder).person
    tests = {}
    for n, who in enumerate((queued.person, on_caseload), start=1):
        test = dtoa_rows.test(who, date(2026, 3, 1), "cocaine", recorded_by=dtoa_rows.recorder())
        test.reference = f"DT-2026-{n:05d}"
        tests[who.id] = test.reference
    dv = divert.create(factories.divert_payload(**{"person.new_person": True}), actor=officer)
    dv.person_id = queued.person_id  # the queued person is in DIVERT too
    db.session.flush()
    return {"queued": queued, "on_caseload": on_caseload, "navigator": navigator, "holder": holder,
            "tests": tests, "dv": dv.reference, "cp": queued.reference}


def test_a_drug_test_reference_finds_its_person_only_for_those_who_may_read_the_test(app_context):
    w = _world()
    person = w["queued"].person
    assert people.search(w["tests"][person.id], w["navigator"]) == []   # may see the person, not the test
    assert people.search(w["tests"][w["on_caseload"].id], w["holder"]) == [w["on_caseload"]]
    assert people.search(w["tests"][w["on_caseload"].id], w["navigator"]) == []
    for role in ("manager", "admin"):
        assert people.search(w["tests"][person.id], factories.user(role=role)) == [person]
    provider = factories.user(role="provider")  # reads every test, and people in DIVERT
    assert people.search(w["tests"][person.id], provider) == [person]


def test_checkpoint_and_divert_references_need_their_records_too(app_context):
    w = _world()
    person = w["queued"].person
    provider = factories.user(role="provider")
    assert people.search(w["dv"], provider) == [person]
    assert people.search(w["cp"], provider) == []            # a person in DIVERT, but their Checkpoint case is not theirs
    assert people.search(w["dv"], w["navigator"]) == []      # the queued person, but not their DIVERT referral
    assert people.search(w["cp"], w["navigator"]) == [person]
    assert people.search(w["cp"], factories.user(role="manager")) == [person]
