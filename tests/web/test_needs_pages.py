"""The needs assessment pages and the suitability question in the referral journey (issue 12)."""
import sqlalchemy as sa

from diversion.extensions import db
from diversion.models import CheckpointReferral, NeedScore
from tests.web.test_intake_support import answer_every_page, eligible_answers, start_draft


def _scores(app):
    with app.app_context():
        return dict(db.session.execute(sa.select(NeedScore.pathway, NeedScore.score)).all())


def test_the_officer_records_suitability_and_the_navigator_reads_it_on_the_referral(signed_in, app):
    client, _ = signed_in("custody_officer")
    draft_id = start_draft(client)
    answers = eligible_answers(suitability={"suitability-decision": "suitable",
                                            "suitability-note": "First offence; keen to make amends"})
    answers["suitability"]["suitability-reasons"] = ["low_seriousness", "motivated"]
    assert answer_every_page(client, draft_id, answers) == f"/referrals/new/{draft_id}/check"
    check = client.get_page(f"/referrals/new/{draft_id}/check").get_text()
    assert "The offence is not too serious to divert; Motivated to engage" in check
    response = client.post_form(f"/referrals/new/{draft_id}/check")
    with app.app_context():
        referral = db.session.scalars(sa.select(CheckpointReferral)).one()
        assert (referral.suitability, referral.suitability_reasons, referral.suitability_note) == (
            "suitable", ["low_seriousness", "motivated"], "First offence; keen to make amends")
    assert "Motivated to engage" in client.get_page(response.location).get_text()


def test_the_suitability_page_may_be_left_blank_but_a_reason_for_the_other_decision_is_refused(signed_in, app):
    client, _ = signed_in("custody_officer")
    draft_id = start_draft(client)
    answers = eligible_answers()
    answers["suitability"] = {"suitability-decision": "not_suitable", "suitability-reasons": "motivated"}
    answers_before = {k: v for k, v in answers.items() if k != "suitability"}
    assert answer_every_page(client, draft_id, answers_before) == f"/referrals/new/{draft_id}/suitability"
    page = client.post_page(f"/referrals/new/{draft_id}/suitability", answers["suitability"], expected_status=422)
    summary = page.select_one(".govuk-error-summary")
    assert summary.select_one("a")["href"] == "#suitability-reasons"
    assert page.select_one("#suitability-decision-2").has_attr("checked")  # what was chosen is kept
    response = client.post_form(f"/referrals/new/{draft_id}/suitability", {"suitability-note": ""})
    assert response.location == f"/referrals/new/{draft_id}/check"


def test_the_navigator_assesses_needs_and_sees_the_pathways_they_suggest(signed_in, make_contract, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)  # its pathway condition is alcohol
    page = client.get_page(f"/contracts/{contract_id}")
    assert page.select_one("#assess-needs") is not None
    response = client.post_form(f"/contracts/{contract_id}/needs", {
        "score-alcohol": "3", "note-alcohol": "Daily drinking", "score-accommodation": "2", "score-finance": "0"})
    assert response.status_code == 302
    assert _scores(app) == {"alcohol": 3, "accommodation": 2, "finance": 0}
    page = client.get_page(f"/contracts/{contract_id}")
    table = page.select_one("#needs ~ .app-table-scroll table").get_text()
    assert "Daily drinking" in table and "3 – High" in table
    assert "Accommodation" in page.select_one("#needs-suggested").get_text()
    assert "Alcohol" not in page.select_one("#needs-suggested").get_text()  # it has its condition already


def test_a_note_without_a_score_is_refused_on_the_page_naming_the_pathway(signed_in, make_contract, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    page = client.post_page(f"/contracts/{contract_id}/needs", {"note-drugs": "Cannabis at weekends",
                                                               "score-gambling": "7"}, expected_status=422)
    links = [a["href"] for a in page.select(".govuk-error-summary a")]
    assert links == ["#score-drugs", "#score-gambling"]
    assert page.select_one("#note-drugs").get_text() == "Cannabis at weekends"
    assert _scores(app) == {}


def test_the_review_records_each_need_met_reduced_or_unchanged(signed_in, make_contract, app):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    client.post_form(f"/contracts/{contract_id}/needs", {"score-alcohol": "3", "score-accommodation": "2"})
    form_page = client.get_page(f"/contracts/{contract_id}/needs/review")
    version = form_page.select_one("input[name=version]")["value"]
    response = client.post_form(f"/contracts/{contract_id}/needs/review",
                                {"version": version, "review-alcohol": "reduced", "review-accommodation": "met"})
    assert response.status_code == 302
    table = client.get_page(f"/contracts/{contract_id}").select_one("#needs ~ .app-table-scroll table").get_text()
    assert "Need reduced" in table and "Need met" in table
    stale = client.post_page(f"/contracts/{contract_id}/needs/review", {"version": version, "review-alcohol": "met"},
                             expected_status=409)
    assert "Someone else changed" in stale.select_one(".govuk-error-summary").get_text()


def test_another_navigator_may_not_see_or_assess_the_needs(signed_in, make_contract, make_user):
    contract_id = make_contract(navigator=make_user("navigator"))
    client, _ = signed_in("navigator")
    client.get_page(f"/contracts/{contract_id}/needs", expected_status=404)
    client.get_page(f"/contracts/{contract_id}/needs/review", expected_status=404)


def test_the_needs_pages_are_accessible_forms(signed_in, make_contract):
    client, navigator = signed_in("navigator")
    contract_id = make_contract(navigator=navigator)
    page = client.get_page(f"/contracts/{contract_id}/needs")
    assert len(page.find_all("h1")) == 1
    for field in page.select("input:not([type=hidden]), textarea"):
        assert page.select_one(f"label[for='{field['id']}']") is not None, field["id"]


def test_the_reports_dashboard_counts_needs_and_reviews_by_pathway_erased_people_included(
        signed_in, make_contract, make_user, app):
    from diversion.models import Contract, User
    from diversion.services import erasure, needs

    navigator = make_user("navigator")
    contract_id = make_contract(navigator=navigator)
    with app.app_context():
        contract = db.session.get(Contract, contract_id)
        assessed = needs.record(contract, {"needs": [{"pathway": "drugs", "score": 3, "note": "Daily use"}]},
                                actor=db.session.get(User, navigator.id))
        needs.review(contract, {"reviews": [{"pathway": "drugs", "result": "reduced"}], "version": assessed.version},
                     actor=db.session.get(User, navigator.id))
        db.session.commit()
        contract.status = "completed"  # an ended case may be erased
        db.session.commit()
        erasure.erase(contract.person, actor=db.session.get(User, make_user("admin").id), reason="No purpose")
        db.session.commit()
    client, _ = signed_in("manager")
    row = client.get_page("/reports/").select_one("#needs-table tr[data-pathway=drugs]")
    cells = [td.get_text(strip=True) for td in row.select("td")]
    assert cells == ["0", "0", "0", "1", "0", "1", "0", "0"]  # high need, reduced: counted though erased
