"""One person, one record through the API (api-contract "People"): a referral joins the person it is about,
a PNC clash is stopped without disclosing anyone, and nothing typed is dropped."""
import pytest
from sqlalchemy import func, select

from diversion.extensions import db
from diversion.models import CheckpointReferral, Person
from tests.api.conftest import bearer
from tests.factories import divert_payload, referral_payload

STORED = {"person.given_name": "Łukasz", "person.family_name": "Wiśniewski", "person.date_of_birth": "1990-05-17",
          "person.pnc_id": "2008/0012345Q", "person.postcode": "DH1 3HP", "person.phone": "07700 900111"}


@pytest.fixture
def post(client, issue_token):
    tokens = {role: issue_token(role)[0] for role in ("custody_officer", "provider", "admin")}

    def _post(url, body, expected=201, who="custody_officer"):
        response = client.post(url, json=body, headers=bearer(tokens[who]))
        assert response.status_code == expected, response.get_json()
        return response.get_json()
    return _post


def checkpoint(post, expected=201, **overrides):
    return post("/api/v1/checkpoint/referrals", referral_payload(**overrides), expected)


def divert(post, expected=201, **overrides):
    return post("/api/v1/divert/referrals", divert_payload(**overrides), expected)


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(Person)),
                db.session.scalar(select(func.count()).select_from(CheckpointReferral)))


def test_a_pnc_id_held_by_someone_with_other_details_is_409_and_nothing_is_saved(post, app):
    checkpoint(post, **STORED)
    before = counts(app)
    clash = checkpoint(post, 409, **{"person.given_name": "John", "person.family_name": "Smith",
                                     "person.date_of_birth": "1980-01-01", "person.pnc_id": "2008/0012345Q"})
    assert clash["error"]["code"] == "identity_mismatch" and list(clash["error"]["fields"]) == ["person.pnc_id"]
    assert counts(app) == before
    said = str(clash)
    assert not any(secret in said for secret in ("Łukasz", "Wiśniewski", "1990", "DH1", "07700"))


def test_a_referral_echoes_what_was_typed_never_the_stored_persons_details(post):
    first = checkpoint(post, **STORED)
    again = checkpoint(post, **{"person.given_name": "lukasz", "person.family_name": "WISNIEWSKI",
                                "person.date_of_birth": "1990-05-17", "person.pnc_id": "2008/0012345Q"})
    assert again["person"]["id"] == first["person"]["id"] and again["identity_match"] == "pnc_match"
    assert again["person"]["given_name"] == "lukasz" and again["person"]["postcode"] is None


@pytest.mark.parametrize("given, family", [("Lukasz", "Wisniewski"), ("ŁUKASZ", "wiśniewski"), ("lukasz", "Wis-niewski")])
def test_the_same_name_and_birthday_without_a_pnc_id_is_the_same_person(post, given, family):
    first = checkpoint(post, **STORED)
    again = checkpoint(post, **{"person.given_name": given, "person.family_name": family,
                                "person.date_of_birth": "1990-05-17"})
    assert again["person"]["id"] == first["person"]["id"] and again["identity_match"] == "name_match"


def test_a_different_birthday_is_a_different_person(post):
    first = checkpoint(post, **STORED)
    other = checkpoint(post, **{**{k: v for k, v in STORED.items() if k != "person.pnc_id"},
                                "person.date_of_birth": "1990-05-18"})
    assert other["person"]["id"] != first["person"]["id"]


def test_someone_who_declined_divert_cannot_be_referred_again_by_leaving_out_the_pnc_id(post):
    first = divert(post, **{"person.pnc_id": "2019/0000077K"})
    post(f"/api/v1/divert/referrals/{first['id']}/events", {"event": "declined", "date": first["referral_date"]},
         who="provider")
    refused = divert(post, 409, **{"person.given_name": "KAI", "person.family_name": "brennan"})
    assert refused["error"]["code"] == "previous_non_engagement"


def test_a_known_person_can_be_chosen_by_id_and_what_was_typed_is_kept(post, app):
    first = checkpoint(post, **STORED)
    chosen = checkpoint(post, **{"person.id": first["person"]["id"], "person.given_name": "Lucas",
                                 "person.family_name": "Wisniewski", "person.date_of_birth": "1990-05-17",
                                 "person.postcode": "SR8 1AA"})
    assert chosen["person"]["id"] == first["person"]["id"] and chosen["identity_match"] == "chosen"
    assert chosen["person"]["given_name"] == "Lucas"
    with app.app_context():
        assert db.session.get(Person, first["person"]["id"]).postcode == "SR8 1AA"  # the newest contact details


def test_an_officer_may_choose_only_a_person_offered_for_the_name_and_birthday_they_typed(post):
    """An id alone would let an officer attach a referral to anyone, and learn about them."""
    first = checkpoint(post, **STORED)
    body = referral_payload()
    body["person"] = {"id": first["person"]["id"]}
    missing = post("/api/v1/checkpoint/referrals", body, 422)
    assert {"person.given_name", "person.family_name", "person.date_of_birth"} <= set(missing["error"]["fields"])
    stranger = checkpoint(post, 409, **{"person.id": first["person"]["id"]})  # "Chloé O'Sullivan-Nkemelu"
    assert stranger["error"]["code"] == "identity_mismatch" and list(stranger["error"]["fields"]) == ["person.id"]
    assert "Wiśniewski" not in str(stranger) and "1990" not in str(stranger)


def test_an_administrator_may_choose_a_known_person_by_id_alone(post):
    first = checkpoint(post, **STORED)
    body = referral_payload()
    body["person"] = {"id": first["person"]["id"]}
    made = post("/api/v1/checkpoint/referrals", body, who="admin")
    assert made["person"] == {**{k: None for k in made["person"] if k != "id"}, "id": first["person"]["id"]}


def test_a_chosen_person_with_another_birthday_is_409(post):
    first = checkpoint(post, **STORED)
    clash = post("/api/v1/checkpoint/referrals", referral_payload(**{
        "person.id": first["person"]["id"], "person.date_of_birth": "1991-05-17"}), 409, who="admin")
    assert clash["error"]["code"] == "identity_mismatch" and "person.date_of_birth" in clash["error"]["fields"]


def test_a_chosen_person_that_does_not_exist_is_a_field_error(post):
    missing = checkpoint(post, 422, **{"person.id": 99999})
    assert "person.id" in missing["error"]["fields"]


def test_new_person_makes_a_second_record_for_someone_sharing_a_name_and_birthday(post):
    first = checkpoint(post, **{k: v for k, v in STORED.items() if k != "person.pnc_id"})
    second = checkpoint(post, **{k: v for k, v in STORED.items() if k != "person.pnc_id"}, **{"person.new_person": True})
    assert second["person"]["id"] != first["person"]["id"] and second["identity_match"] == "new_person"
    assert second["possible_duplicates"] == [first["person"]["id"]]
    ambiguous = checkpoint(post, 409, **{k: v for k, v in STORED.items() if k != "person.pnc_id"})
    assert ambiguous["error"]["code"] == "identity_ambiguous"


def test_new_person_is_refused_when_the_pnc_id_says_it_is_the_known_person(post):
    checkpoint(post, **STORED)
    refused = checkpoint(post, 422, **STORED, **{"person.new_person": True})
    assert "person.new_person" in refused["error"]["fields"]


def test_references_are_human_and_count_up_within_the_year(post):
    first, second = checkpoint(post), checkpoint(post, **{"person.new_person": True})
    year = first["referral_date"][:4]
    assert first["reference"] == f"CP-{year}-00001" and second["reference"] == f"CP-{year}-00002"
    assert divert(post)["reference"] == f"DV-{year}-00001"


@pytest.mark.parametrize("field, value", [("person.given_name", "Ka\x00i"), ("person.family_name", "x" * 101),
                                          ("person.postcode", "DH1\x003HP"), ("location", "Market\x00Place"),
                                          ("referring_officer", "PC\x00 1")])
def test_nul_characters_and_over_long_text_are_field_errors_never_a_5xx(post, field, value):
    refused = divert(post, 422, **{field: value})
    assert field in refused["error"]["fields"]


def test_a_name_with_no_letters_is_refused(post):
    refused = checkpoint(post, 422, **{"person.given_name": "-", "person.family_name": "'"})
    assert {"person.given_name", "person.family_name"} <= set(refused["error"]["fields"])


def test_a_retry_with_the_same_idempotency_key_gets_the_first_answer_not_a_second_referral(client, issue_token, app):
    token, _ = issue_token("custody_officer")
    headers = {**bearer(token), "Idempotency-Key": "0b5f3c1e-retry-1"}
    first = client.post("/api/v1/checkpoint/referrals", json=referral_payload(), headers=headers)
    again = client.post("/api/v1/checkpoint/referrals", json=referral_payload(), headers=headers)
    assert (first.status_code, again.status_code) == (201, 201) and again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert counts(app)[1] == 1
    other = client.post("/api/v1/checkpoint/referrals", json=referral_payload(**{"person.given_name": "Ann"}),
                        headers=headers)
    assert other.status_code == 422 and "Idempotency-Key" in other.get_json()["error"]["fields"]
    bad = client.post("/api/v1/checkpoint/referrals", json=referral_payload(), headers={**bearer(token),
                                                                                        "Idempotency-Key": "a b"})
    assert bad.status_code == 422
