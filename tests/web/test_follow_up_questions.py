"""Questions asked only when they apply (issue 10, item 7), the GOV.UK "one thing per page" way, without a
script: the hours of unpaid work are asked on the next page only when unpaid work is the community condition
(the reasons for a breach or a discontinuation: tests/web/test_confirmations.py)."""
from tests.web.test_contract_pages import _agree_form


def _post(client, url, form, status=200):
    return client.post_page(url, form, expected_status=status)


def _carried(page) -> dict:
    form = page.select_one("main form")
    return {i["name"]: i["value"] for i in form.select("input[type=hidden]") if i["name"] != "csrf_token"}


def test_the_agree_page_does_not_ask_the_hours(signed_in, make_referral):
    referral_id = make_referral()
    client, _ = signed_in("navigator")
    page = client.get_page(f"/referrals/{referral_id}/contract")
    assert page.select_one("#community-target_hours") is None
    assert page.select_one("input[name=community-community_kind][value=unpaid_work]") is not None


def test_unpaid_work_asks_the_hours_next_then_the_contract_is_checked(signed_in, make_referral):
    referral_id = make_referral()
    client, _ = signed_in("navigator")
    url = f"/referrals/{referral_id}/contract"
    form = _agree_form()
    del form["asked"], form["community-target_hours"]
    hours = _post(client, url, form)
    assert hours.select_one("label[for=community-target_hours]").get_text(strip=True) == "How many hours of unpaid work?"
    assert hours.select_one("h1 label[for=community-target_hours]") is not None  # the question is the heading
    carried = _carried(hours)
    assert carried["pathway1-description"] == "Attend the alcohol service" and carried["asked"] == "hours"
    too_many = _post(client, url, {**carried, "community-target_hours": "40", "action": "check"}, status=422)
    assert [a["href"] for a in too_many.select(".govuk-error-summary a")] == ["#community-target_hours"]
    assert too_many.select_one(".govuk-form-group--error #community-target_hours")["value"] == "40"
    check = _post(client, url, {**carried, "community-target_hours": "24", "action": "check"})
    assert check.h1.get_text(strip=True) == "Check the contract before you agree it"
    assert "Unpaid work, 24 hours" in check.select_one(".govuk-summary-list").get_text()


def test_a_gps_tag_asks_no_hours(signed_in, make_referral):
    referral_id = make_referral()
    client, _ = signed_in("navigator")
    form = _agree_form(**{"community-community_kind": "gps_tag"})
    del form["asked"], form["community-target_hours"]
    page = _post(client, f"/referrals/{referral_id}/contract", form)
    assert page.h1.get_text(strip=True) == "Check the contract before you agree it"
