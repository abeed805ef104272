"""Demo stories for one person, one record: a person referred again without a PNC id and without accents
(found all the same), two records of one person for an administrator to merge, and new referrals for people
whose contracts are in progress (alerts for their navigator). Made through the services; loaded once."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from diversion import clock
from diversion.extensions import db
from diversion.models import Contract, Person, User
from diversion.services import contacts, divert, referrals

JADE_BIRTHDAY_DAYS_AGO = 27 * 365 + 100  # the demo's two records of Jade Wetherell share this birthday
LUKASZ = {"given_name": "Łukasz", "family_name": "Wiśniewski", "gender": "male", "ethnicity": "white_other",
          "pnc_id": "2009/0412345K", "phone": "07700 900417"}


def _checkpoint_body(person: dict, day, category="theft", description="Took a phone charger from a shop") -> dict:
    return {"person": person, "referral_date": day.isoformat(),
            "offence": {"category": category, "description": description, "hate_crime": False,
                        "offence_date": (day - timedelta(days=1)).isoformat()},
            "interview": "admitted", "evidential_test_met": True,
            "flags": {"court_order": False, "on_bail": False, "co_accused": False, "detained_mental_health": False},
            "has_victim": True, "victim_wishes_restorative": False, "previous_convictions": 1,
            "custody_suite": "Durham", "referring_officer": "PS 1471 Rahman"}


def _divert_body(person: dict, day, substance="cannabis") -> dict:
    return {"person": person, "referral_date": day.isoformat(), "source": "street", "substance": substance,
            "suspected_supply": False, "referring_officer": "PC 2231 Hughes", "location": "Market Place"}


def load(officer: User, navigator: User, provider: User) -> int:
    """The stories, unless they are there already. Returns how many referrals were made."""
    if db.session.scalar(select(Person.id).where(Person.pnc_id == LUKASZ["pnc_id"])) is not None:
        return 0
    today = clock.today()
    born = (today - timedelta(days=34 * 365 + 40)).isoformat()
    made = 0
    # Referred to DIVERT with his PNC id, then again months later on the street, typed without accents or PNC id.
    divert.create(_divert_body({**LUKASZ, "date_of_birth": born}, today - timedelta(days=200)), actor=officer)
    again = divert.create(_divert_body({"given_name": "Lukasz", "family_name": "Wisniewski", "date_of_birth": born},
                                       today - timedelta(days=20)), actor=officer)
    contacts.take(again.person, {"address": "14 Claypath, Durham", "postcode": "DH1 1RH"}, source="edit",
                  actor=provider)  # the provider learnt his new address
    made += 2
    # Two records of one woman: a typo in her first name, the same birthday; an administrator can merge them.
    jade_born = (today - timedelta(days=JADE_BIRTHDAY_DAYS_AGO)).isoformat()
    divert.create(_divert_body({"given_name": "Jade", "family_name": "Wetherell", "date_of_birth": jade_born,
                                "gender": "female", "ethnicity": "white_british"}, today - timedelta(days=120)),
                  actor=officer)
    referrals.create(_checkpoint_body({"given_name": "Jayde", "family_name": "Wetherell", "date_of_birth": jade_born,
                                       "gender": "female", "ethnicity": "white_british", "new_person": True},
                                      today - timedelta(days=6)), actor=officer)
    made += 2
    # New referrals for two people on the main demo navigator's caseload while their contracts run.
    held = db.session.scalars(select(Contract).where(Contract.navigator_id == navigator.id,
                                                     Contract.status == "active").order_by(Contract.deadline)
                              .limit(2)).all()
    for contract, scheme in zip(held, ("checkpoint", "divert")):
        known = contract.person  # the officer types who they arrested, and chooses them from those offered
        person = {"id": known.id, "given_name": known.given_name, "family_name": known.family_name,
                  "date_of_birth": known.date_of_birth.isoformat()}
        day = today - timedelta(days=1)
        if scheme == "checkpoint":
            referrals.create(_checkpoint_body(person, day, "criminal_damage", "Kicked a shop door"), actor=officer)
        else:
            divert.create(_divert_body(person, day), actor=officer)
        made += 1
    db.session.flush()
    return made
