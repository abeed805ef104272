"""People through the API: search (accents and word order ignored, need to know applied), contact details with
their history, merging two records of one human; and need to know on every list."""
import pytest
from sqlalchemy import func, select

from diversion import clock
from diversion.extensions import db
from diversion.models import AuditEvent, PersonMerge
from tests.api.conftest import bearer
from tests.factories import contract_payload, divert_payload, referral_payload

LUKASZ = {"person.given_name": "Łukasz", "person.family_name": "Wiśniewski", "person.date_of_birth": "1990-05-17",
          "person.pnc_id": "2008/0012345Q"}


@pytest.fixture
def api(client, issue_token):
    tokens = {role: issue_token(role) for role in ("custody_officer", "navigator", "provider", "manager", "admin")}
    tokens["navigator2"] = issue_token("navigator")

    class Api:
        user = {name: token[1] for name, token in tokens.items()}

        def call(self, who, method, url, body=None, expected=200):
            response = client.open(url, method=method, json=body, headers=bearer(tokens[who][0]))
            assert response.status_code == expected, response.get_json()
            return response.get_json()

        def refer(self, scheme="checkpoint", **overrides):
            body = referral_payload(**overrides) if scheme == "checkpoint" else divert_payload(**overrides)
            return self.call("custody_officer", "POST", f"/api/v1/{scheme}/referrals", body, 201)

        def contract(self, referral, navigator="navigator"):
            return self.call(navigator, "POST", f"/api/v1/checkpoint/referrals/{referral['id']}/contract",
                             contract_payload(), 201)

        def ids(self, who, url):
            return [item["id"] for item in self.call(who, "GET", url)["items"]]
    return Api()


@pytest.mark.parametrize("q", ["wisniewski lukasz", "Lukasz Wisniewski", "ŁUKASZ", "niewsk", "2008/0012345q"])
def test_search_ignores_accents_case_and_word_order_and_finds_pnc_ids(api, q):
    person = api.refer(**LUKASZ)["person"]
    api.refer(**{"person.given_name": "Lukas", "person.family_name": "Podolski", "person.date_of_birth": "1985-06-04"})
    found = api.call("manager", "GET", f"/api/v1/people?q={q}")["items"]
    assert found == [{"id": person["id"], "given_name": "Łukasz", "family_name": "Wiśniewski",
                      "date_of_birth": "1990-05-17", "pnc_id": "2008/0012345Q"}]


def test_search_finds_a_case_reference(api):
    referral = api.refer(**LUKASZ)
    assert api.ids("manager", f"/api/v1/people?q={referral['reference'].lower()}") == [referral["person"]["id"]]


def test_a_navigator_finds_only_people_their_work_involves(api):
    queued = api.refer(**LUKASZ)
    held = api.refer(**{"person.given_name": "Łukasz", "person.family_name": "Wiśniewski-Nowak"})
    api.contract(held, navigator="navigator2")
    assert api.ids("navigator", "/api/v1/people?q=lukasz") == [queued["person"]["id"]]
    assert sorted(api.ids("navigator2", "/api/v1/people?q=lukasz")) == sorted(
        [queued["person"]["id"], held["person"]["id"]])
    assert api.ids("provider", "/api/v1/people?q=lukasz") == []


def test_a_custody_officer_looks_a_person_up_only_by_full_name_and_date_of_birth(api):
    person = api.refer(**LUKASZ)["person"]
    other = api.refer(**{"person.given_name": "Anna", "person.family_name": "Nowak", "person.date_of_birth": "1990-05-17"})
    refused = api.call("custody_officer", "GET", "/api/v1/people?q=wisniewski", expected=422)
    assert {"date_of_birth", "q"} == set(refused["error"]["fields"])
    found = api.call("custody_officer", "GET", "/api/v1/people?q=lukas wisniewski&date_of_birth=1990-05-17")["items"]
    assert found == [{"id": person["id"], "given_name": "Łukasz", "family_name": "Wiśniewski",
                      "date_of_birth": "1990-05-17", "pnc_id": None}]
    for fishing in ("a b", "2008/0012345Q x", "anna x"):  # a letter at a time, a PNC id, half a name: nobody
        assert api.ids("custody_officer", f"/api/v1/people?q={fishing}&date_of_birth=1990-05-17") == []
    assert api.ids("custody_officer", "/api/v1/people?q=anna nowak&date_of_birth=1990-05-17") == [other["person"]["id"]]


def test_search_pages_with_a_cursor(api):
    for n in range(3):
        api.refer(**{"person.given_name": "Zoë", "person.family_name": f"Okafor{'ab'[n % 2]}{n}",
                     "person.date_of_birth": f"199{n}-01-01"})
    first = api.call("manager", "GET", "/api/v1/people?q=zoe&limit=2")
    second = api.call("manager", "GET", f"/api/v1/people?q=zoe&limit=2&cursor={first['next']}")
    assert len(first["items"]) == 2 and len(second["items"]) == 1 and second["next"] is None
    assert not {p["id"] for p in first["items"]} & {p["id"] for p in second["items"]}


def test_search_needs_some_text_and_refuses_nul(api):
    assert "q" in api.call("manager", "GET", "/api/v1/people", expected=422)["error"]["fields"]
    assert "q" in api.call("manager", "GET", "/api/v1/people?q=a%00b", expected=422)["error"]["fields"]


def test_contact_details_change_with_their_history_kept(api):
    referral = api.refer(**LUKASZ, **{"person.phone": "07700 900111"})
    api.contract(referral)
    person_id = referral["person"]["id"]
    record = api.call("navigator", "GET", f"/api/v1/people/{person_id}")
    changed = api.call("navigator", "POST", f"/api/v1/people/{person_id}/contact",
                       {"phone": "07700 900222", "address": "1 Market Place, Durham", "version": record["version"]})
    assert changed["phone"] == "07700 900222" and changed["address"] == "1 Market Place, Durham"
    assert [c["phone"] for c in changed["contact_history"]] == ["07700 900222", "07700 900111"]
    stale = api.call("navigator", "POST", f"/api/v1/people/{person_id}/contact",
                     {"phone": "07700 900333", "version": record["version"]}, 409)
    assert stale["error"]["code"] == "conflict"
    bad = api.call("navigator", "POST", f"/api/v1/people/{person_id}/contact",
                   {"phone": "call me", "email": "nobody", "postcode": "XYZ", "address": "a" * 501,
                    "version": changed["version"]}, 422)
    assert set(bad["error"]["fields"]) == {"phone", "email", "postcode", "address"}


def test_only_the_navigator_holding_the_contract_changes_contact_details(api):
    referral = api.refer(**LUKASZ)
    api.contract(referral)
    person_id = referral["person"]["id"]
    api.call("navigator2", "POST", f"/api/v1/people/{person_id}/contact", {"phone": "0", "version": 1}, 404)
    api.call("manager", "POST", f"/api/v1/people/{person_id}/contact", {"phone": "0", "version": 1}, 403)


def test_merging_two_records_moves_everything_and_applies_the_repeat_rule(api, app):
    kept = api.refer("divert", **{"person.given_name": "Kai", "person.pnc_id": "2019/0000077K"})
    other = api.refer("divert", **{"person.given_name": "Kye", "person.family_name": "Brennan"})
    api.call("provider", "POST", f"/api/v1/divert/referrals/{other['id']}/events",
             {"event": "declined", "date": other["referral_date"]}, 201)
    kept_id, other_id = kept["person"]["id"], other["person"]["id"]
    records = {pid: api.call("admin", "GET", f"/api/v1/people/{pid}") for pid in (kept_id, other_id)}
    url = f"/api/v1/people/{kept_id}/merge"
    body = {"other_id": other_id, "version": records[kept_id]["version"],
            "other_version": records[other_id]["version"]}
    assert "reason" in api.call("admin", "POST", url, body, 422)["error"]["fields"]
    api.call("manager", "POST", url, {**body, "reason": "Same custody photograph"}, 403)
    merged = api.call("admin", "POST", url, {**body, "reason": "Same custody photograph"})
    assert merged["moved"]["divert_referrals"] == 1
    assert api.call("admin", "GET", f"/api/v1/divert/referrals/{other['id']}")["person"]["id"] == kept_id
    api.call("admin", "GET", f"/api/v1/people/{other_id}", expected=404)
    assert api.ids("admin", "/api/v1/people?q=kye") == []
    refused = api.call("custody_officer", "POST", "/api/v1/divert/referrals",
                       divert_payload(**{"person.given_name": "Kai", "person.pnc_id": "2019/0000077K"}), 409)
    assert refused["error"]["code"] == "previous_non_engagement"
    as_once_recorded = api.call("custody_officer", "POST", "/api/v1/divert/referrals",
                                divert_payload(**{"person.given_name": "Kye"}), 409)  # the merged record's name
    assert as_once_recorded["error"]["code"] == "previous_non_engagement"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PersonMerge)) == 1
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "person.merge")).details["merged_id"] \
            == other_id


def test_merging_into_a_person_with_an_open_contract_alerts_its_navigator(api):
    held = api.refer(**LUKASZ)
    contract = api.contract(held)
    other = api.refer("divert", **{"person.given_name": "Lukasz", "person.family_name": "Wisniewsky",
                                   "person.date_of_birth": "1990-05-17"})
    kept_id, other_id = held["person"]["id"], other["person"]["id"]
    versions = [api.call("admin", "GET", f"/api/v1/people/{pid}")["version"] for pid in (kept_id, other_id)]
    api.call("admin", "POST", f"/api/v1/people/{kept_id}/merge",
             {"other_id": other_id, "reason": "Same person", "version": versions[0], "other_version": versions[1]})
    alerts = api.call("navigator", "GET", f"/api/v1/contracts/{contract['id']}")["alerts"]
    assert [(a["scheme"], a["referral_id"]) for a in alerts] == [("divert", other["id"])]


def test_two_records_with_different_pnc_ids_are_not_merged(api):
    first = api.refer(**LUKASZ)["person"]["id"]
    second = api.refer(**{**LUKASZ, "person.pnc_id": "2009/0054321Z", "person.new_person": True})["person"]["id"]
    versions = [api.call("admin", "GET", f"/api/v1/people/{pid}")["version"] for pid in (first, second)]
    refused = api.call("admin", "POST", f"/api/v1/people/{first}/merge",
                       {"other_id": second, "reason": "x", "version": versions[0], "other_version": versions[1]}, 409)
    assert "PNC" in refused["error"]["message"]


def test_navigators_read_checkpoint_referrals_only_in_the_queue_or_on_their_contracts(api):
    queued = api.refer(**LUKASZ)
    ineligible = api.refer(**{"person.given_name": "Mia", "person.date_of_birth": "2010-01-01"})
    approval = api.refer(**{"person.given_name": "Noor", "offence.category": "burglary_residential"})
    theirs = api.refer(**{"person.given_name": "Olu"})
    api.contract(theirs, navigator="navigator2")
    assert api.ids("navigator", "/api/v1/checkpoint/referrals") == [queued["id"]]
    for hidden in (ineligible, approval, theirs):
        api.call("navigator", "GET", f"/api/v1/checkpoint/referrals/{hidden['id']}", expected=404)
    assert api.ids("navigator2", "/api/v1/checkpoint/referrals") == [queued["id"], theirs["id"]]
    assert len(api.ids("manager", "/api/v1/checkpoint/referrals")) == 4


def test_navigators_read_no_divert_referral_and_providers_no_checkpoint_one(api):
    made = api.refer("divert")
    api.call("navigator", "GET", "/api/v1/divert/referrals", expected=403)
    api.call("navigator", "GET", f"/api/v1/divert/referrals/{made['id']}", expected=404)
    checkpoint = api.refer(**LUKASZ)
    api.call("provider", "GET", f"/api/v1/checkpoint/referrals/{checkpoint['id']}", expected=403)
    assert api.ids("provider", "/api/v1/divert/referrals") == [made["id"]]


def test_divert_serves_adults_by_default_and_never_below_ten(api, app):
    today = clock.today()
    four = today.replace(year=today.year - 4).isoformat()
    refused = api.call("custody_officer", "POST", "/api/v1/divert/referrals",
                       divert_payload(**{"person.date_of_birth": four}), 422)
    assert list(refused["error"]["fields"]) == ["person.date_of_birth"] and "18" in str(refused)
    from diversion.services import reference

    with app.app_context():
        for too_young in (9, 0, 26):
            with pytest.raises(Exception) as failure:
                reference.set_policy("divert_minimum_age", too_young, version=None, actor=None)
            assert getattr(failure.value, "fields", {}).get("value")


def test_a_word_of_one_or_two_letters_starts_a_first_or_last_name(api):
    li = api.refer(**{"person.given_name": "Wei", "person.family_name": "Li", "person.date_of_birth": "1991-01-01"})
    api.refer(**{"person.given_name": "Alice", "person.family_name": "Smith", "person.date_of_birth": "1992-01-01"})
    siobhan = api.refer(**{"person.given_name": "Siobhán", "person.family_name": "Ó Súilleabháin",
                           "person.date_of_birth": "1993-01-01"})
    assert api.ids("manager", "/api/v1/people?q=Li") == [li["person"]["id"]]
    assert api.ids("manager", "/api/v1/people?q=siobhan o") == [siobhan["person"]["id"]]


@pytest.mark.parametrize("other_id", [[], {}, True, "2", None, 2**40])
def test_a_merge_names_the_other_record_by_a_whole_number_id(api, other_id):
    kept = api.refer(**LUKASZ)["person"]["id"]
    refused = api.call("admin", "POST", f"/api/v1/people/{kept}/merge",
                       {"other_id": other_id, "reason": "x", "version": 1, "other_version": 1}, 422)
    assert "other_id" in refused["error"]["fields"]


def test_merging_into_a_record_that_does_not_exist_is_404(api):
    other = api.refer(**LUKASZ)["person"]["id"]
    api.call("admin", "POST", "/api/v1/people/99999/merge",
             {"other_id": other, "reason": "x", "version": 1, "other_version": 1}, 404)


def test_a_merged_records_name_with_a_pnc_id_that_contradicts_the_record_kept_is_not_linked(api):
    kept = api.refer(**LUKASZ)["person"]["id"]
    merged = api.refer(**{"person.given_name": "Lucas", "person.family_name": "Wisnewski",
                          "person.date_of_birth": "1990-05-17"})["person"]["id"]
    versions = [api.call("admin", "GET", f"/api/v1/people/{pid}")["version"] for pid in (kept, merged)]
    api.call("admin", "POST", f"/api/v1/people/{kept}/merge",
             {"other_id": merged, "reason": "Same man", "version": versions[0], "other_version": versions[1]})
    other = api.refer(**{"person.given_name": "Lucas", "person.family_name": "Wisnewski",
                         "person.date_of_birth": "1990-05-17", "person.pnc_id": "2015/0000001Z"})
    assert other["person"]["id"] not in (kept, merged) and other["identity_match"] == "new"
    assert kept in other["possible_duplicates"]


def test_a_name_that_unfolds_past_any_sensible_length_is_a_field_error_never_a_5xx(api):
    api.call("custody_officer", "POST", "/api/v1/checkpoint/referrals",
             referral_payload(**{"person.given_name": "ß" * 100}), 201)  # ss a hundred times: still a name
    refused = api.call("custody_officer", "POST", "/api/v1/checkpoint/referrals",
                       referral_payload(**{"person.family_name": "ﷺ" * 100}), 422)  # each unfolds into 18 letters
    assert list(refused["error"]["fields"]) == ["person.family_name"]


def test_a_contact_postcode_is_written_the_uk_way_and_checked_by_the_same_rule(api):
    """Issue 10, item 7: one rule (domain/people.uk_postcode) for every place a postcode is entered."""
    referral = api.refer(**LUKASZ)
    api.contract(referral)
    person_id = referral["person"]["id"]
    record = api.call("navigator", "GET", f"/api/v1/people/{person_id}")
    changed = api.call("navigator", "POST", f"/api/v1/people/{person_id}/contact",
                       {"postcode": "dh13hp", "version": record["version"]})
    assert changed["postcode"] == "DH1 3HP"
    bad = api.call("navigator", "POST", f"/api/v1/people/{person_id}/contact",
                   {"postcode": "DH١ 3HP", "version": changed["version"]}, 422)
    assert list(bad["error"]["fields"]) == ["postcode"]
    divert = api.refer("divert", **{"person.postcode": "sw1a1aa"})
    assert divert["person"]["postcode"] == "SW1A 1AA"
