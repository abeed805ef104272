"""Answers on a Checkpoint referral that mean something precise (issue 10, item 7):
  * "no victim" cannot go with "the victim wants a restorative approach": 422 on that field, nothing saved;
  * previous convictions left out (or null) are not known: stored null and sent back as null, never 0;
    0 stays 0;
  * a postcode is written the UK way ("dh13hp" → "DH1 3HP") and anything not shaped like one is a 422.
"""
import pytest

from tests.api.conftest import bearer
from tests.factories import referral_payload


@pytest.fixture
def post(issue_token, client):
    token, _ = issue_token("custody_officer")

    def _post(body):
        response = client.post("/api/v1/checkpoint/referrals", json=body, headers=bearer(token))
        return response.status_code, response.get_json()
    _post.get = lambda rid: client.get(f"/api/v1/checkpoint/referrals/{rid}", headers=bearer(token)).get_json()
    return _post


def test_no_victim_with_a_restorative_approach_is_refused_on_that_field(post):
    status, body = post(referral_payload(has_victim=False, victim_wishes_restorative=True))
    assert status == 422
    assert list(body["error"]["fields"]) == ["victim_wishes_restorative"]


def test_no_victim_and_no_restorative_approach_is_fine(post):
    status, body = post(referral_payload(has_victim=False, victim_wishes_restorative=False))
    assert status == 201 and body["has_victim"] is False


@pytest.mark.parametrize("sent", ["absent", None])
def test_previous_convictions_not_given_are_not_known(post, sent):
    payload = referral_payload()
    if sent == "absent":
        del payload["previous_convictions"]
    else:
        payload["previous_convictions"] = None
    status, body = post(payload)
    assert status == 201
    assert body["previous_convictions"] is None
    assert post.get(body["id"])["previous_convictions"] is None


def test_no_previous_convictions_stays_zero(post):
    status, body = post(referral_payload(previous_convictions=0))
    assert status == 201 and body["previous_convictions"] == 0


def test_a_postcode_is_written_the_uk_way(post):
    status, body = post(referral_payload(**{"person.postcode": "dh13hp"}))
    assert status == 201 and body["person"]["postcode"] == "DH1 3HP"


@pytest.mark.parametrize("postcode", ["12345", "DH1 3H", "DH١ 3HP"])
def test_a_postcode_not_shaped_like_a_uk_one_is_refused(post, postcode):
    status, body = post(referral_payload(**{"person.postcode": postcode}))
    assert status == 422 and "person.postcode" in body["error"]["fields"]
