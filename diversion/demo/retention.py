"""Demo stories for retention review: people whose DIVERT referrals ended six or seven years ago, so that the
administrator's retention list has records due (and one falling due within the month). Made through the services
(which set every review date as they go); loaded once."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from diversion import clock
from diversion.domain.retention import add_years
from diversion.extensions import db
from diversion.models import DivertReferral, User
from diversion.services import divert, retention, subject_access

OFFICER = "PC 0412 Lowther"
# (given name, family name, ethnicity, days from today to the review date the story gives them)
PEOPLE = [("Darren", "Hepple", "white_british", -400), ("Shannon", "Collingwood", "white_british", -250),
          ("Arif", "Chowdhury", "asian_bangladeshi", -90), ("Marta", "Kowalska", "white_other", -12),
          ("Tyrone", "Baptiste", "black_caribbean", 20), ("Gavin", "Ord", "white_british", -700)]
# The administrator's year so far: Gavin Ord's record reviewed and erased, and Darren Hepple's subject access
# request (received nine days ago) answered.
ERASED, ASKED = ("Gavin", "Ord"), ("Darren", "Hepple")
REVIEW_YEARS = 6  # the policy's default: the stories are dated by it


def load(officer: User, provider: User, admin: User) -> int:
    if db.session.scalar(select(func.count()).select_from(DivertReferral)
                         .where(DivertReferral.referring_officer == OFFICER)):
        return 0
    today = clock.today()
    for n, (given, family, ethnicity, review_in) in enumerate(PEOPLE):
        completed = add_years(today + timedelta(days=review_in), -REVIEW_YEARS)
        referred = completed - timedelta(days=35)
        born = referred - timedelta(days=(24 + 3 * n) * 365)
        referral = divert.create({
            "person": {"given_name": given, "family_name": family, "date_of_birth": born.isoformat(),
                       "ethnicity": ethnicity, "new_person": True},
            "referral_date": referred.isoformat(), "source": "street", "substance": "cannabis",
            "suspected_supply": False, "referring_officer": OFFICER, "location": "Market Place"}, actor=officer)
        for event, on in (("contacted", referred + timedelta(days=3)), ("assessed", referred + timedelta(days=12)),
                          ("completed", completed)):
            divert.record_event(referral, {"event": event, "date": on.isoformat()}, actor=provider)
        if (given, family) == ASKED:
            subject_access.answer(referral.person, today - timedelta(days=9),
                                  "Request from the data subject, by letter (identity checked)", actor=admin)
        if (given, family) == ERASED:
            retention.decide(referral.person_id, {"decision": "erase", "version": referral.person.version,
                                                  "reason": "No policing purpose remains (MoPI review)"}, actor=admin)
    return len(PEOPLE)
