"""The referring officer's home page: what became of each referral they made (completed, breached and why,
discontinued, declined, not approved, ineligible, DIVERT outcomes), with a count of what is new since they last
looked. Need to know: only their own referrals, the reason's label only, never notes or conditions."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from diversion import clock
from diversion.extensions import db
from diversion.models import CheckpointReferral, User
from diversion.services import contracts, divert, referrals
from tests import factories
from tests.breach_pack_world import SECRET_NOTE, breached_contract


def _officer_world(app, officer):
    """One of each outcome for `officer`'s referrals."""
    breached_contract(app, officer=officer)
    with app.app_context():
        me = db.session.get(User, officer.id)
        navigator, manager = factories.user(role="navigator"), factories.user(role="manager")
        queued = factories.referral(me, **{"person.given_name": "Dai"})
        referrals.decline(queued, reason="Did not want to take part", version=queued.version, actor=navigator)
        approval = factories.referral(me, **{"person.given_name": "Eli", "offence.category": "burglary_residential"})
        referrals.refuse(approval, reason="Too serious", version=approval.version, actor=manager)
        factories.referral(me, **{"person.given_name": "Flo", "person.date_of_birth": "2012-01-01"})  # under 18
        ended = factories.contract(factories.referral(me, **{"person.given_name": "Gil"}), navigator)
        contracts.record_outcome(ended, {"outcome": "discontinued", "date": clock.today().isoformat(),
                                         "reason": "not_in_public_interest", "details": "CPS review",
                                         "version": ended.version}, actor=manager)
        street = divert.create(factories.divert_payload(**{"person.given_name": "Hal"}), actor=me)
        divert.record_event(street, {"event": "declined", "date": clock.today().isoformat(),
                                     "note": "Not interested in the session"}, actor=factories.user(role="provider"))
        db.session.commit()


def _outcomes(page) -> list[str]:
    return [row.select("td")[1].get_text(" ", strip=True) for row in page.select("#outcomes tbody tr")]


def test_the_officer_sees_each_kind_of_outcome_of_their_referrals(app, client, make_user):
    officer = make_user("custody_officer")
    _officer_world(app, officer)
    client.sign_in_as(officer)
    shown = " | ".join(_outcomes(client.get_page("/")))
    for words in ("Breached: referred for prosecution Why: Failed a condition", "Discontinued",
                  "Declined by the person", "Not approved by a manager", "Not eligible", "Declined"):
        assert words in shown, (words, shown)


def test_the_officer_never_sees_notes_conditions_or_free_text(app, client, make_user):
    officer = make_user("custody_officer")
    _officer_world(app, officer)
    client.sign_in_as(officer)
    text = client.get_page("/").get_text() + client.get_page("/outcomes").get_text()
    for secret in (SECRET_NOTE, "Stopped attending", "Volunteer at the food bank", "Too serious", "CPS review",
                   "Did not want to take part", "Not interested in the session"):
        assert secret not in text, secret


def test_only_the_officers_own_referrals_are_listed(app, client, make_user):
    mine, theirs = make_user("custody_officer"), make_user("custody_officer")
    breached_contract(app, officer=theirs)
    client.sign_in_as(mine)
    page = client.get_page("/")
    assert page.select("#outcomes tbody tr") == [] and "No new outcomes" in page.select_one("#new-outcomes").get_text()


def test_the_count_of_new_outcomes_falls_to_nought_once_seen_and_rises_with_the_next(app, client, make_user):
    officer = make_user("custody_officer")
    _officer_world(app, officer)
    client.sign_in_as(officer)
    first = client.get_page("/")
    assert first.select_one("#new-outcomes").get_text(strip=True).startswith("6 new outcomes")
    assert len(first.select("#outcomes .govuk-tag")) == 6
    clock.freeze(clock.now() + timedelta(minutes=5))
    again = client.get_page("/")
    assert again.select_one("#new-outcomes").get_text(strip=True).startswith("No new outcomes")
    assert again.select("#outcomes .govuk-tag") == []
    breached_contract(app, officer=officer)
    later = client.get_page("/")
    assert later.select_one("#new-outcomes").get_text(strip=True).startswith("1 new outcome")
    assert len(later.select("#outcomes .govuk-tag")) == 1


def test_a_long_list_is_paged_newest_first_by_keyset(app, client, make_user):
    officer = make_user("custody_officer")
    with app.app_context():
        me = db.session.get(User, officer.id)
        start = clock.now()
        for n in range(30):  # ineligible referrals, one a minute
            clock.freeze(start + timedelta(minutes=n))
            factories.referral(me, **{"person.given_name": f"P{n:02d}", "person.date_of_birth": "2012-01-01"})
        db.session.commit()
        references = list(db.session.scalars(sa.select(CheckpointReferral.reference)
                                              .order_by(CheckpointReferral.id.desc())))
    client.sign_in_as(officer)
    first = client.get_page("/outcomes")
    listed = [a.get_text(strip=True) for a in first.select("#outcomes tbody tr td:first-child a")]
    assert listed == references[:25]
    second = client.get_page(first.select_one("#older")["href"])
    listed += [a.get_text(strip=True) for a in second.select("#outcomes tbody tr td:first-child a")]
    assert listed == references and second.select_one("#older") is None
    assert len(second.select("#outcomes .govuk-tag")) == 5  # still new when the first page was opened


def test_the_outcomes_list_is_for_custody_officers_only(app, client, make_user):
    client.sign_in_as(make_user("navigator"))
    assert client.get("/outcomes").status_code == 403


def test_the_new_count_is_answered_by_the_officer_index(app):
    """Outcomes recorded since T for referrals made by one officer (the count officer_outcomes.new_count makes):
    a range of the index (officer_id, recorded_at), not a scan of every outcome."""
    count = ("SELECT count(*) FROM referral_outcomes WHERE officer_id = 1 AND recorded_at > '2026-11-01 00:00:00' "
             "AND person_id NOT IN (SELECT id FROM people WHERE erased_at IS NOT NULL)")
    with app.app_context():
        connection = db.session.connection()
        if db.engine.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")  # a tiny table: ask what it could use
            plan = " ".join(row[0] for row in connection.exec_driver_sql("EXPLAIN " + count))
        else:
            plan = " ".join(str(row[-1]) for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + count))
        db.session.rollback()
    assert "ix_referral_outcomes_officer_id_recorded_at" in plan, plan
