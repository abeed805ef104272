"""The SQL the services run says what the domain's rules say: the people search and `matches_query`, the live
contract check and `live_on`. Each is compared over the same stored records."""
from datetime import date, timedelta

import pytest

from diversion.domain.contracts import live_on
from diversion.domain.identity import matches_query, query_words
from diversion.extensions import db
from diversion.models import Person
from diversion.services import live_cases, people
from tests import factories

NAMES = [("Łukasz", "Wiśniewski"), ("Lukas", "Podolski"), ("Wei", "Li"), ("Alice", "Smith"), ("Siobhán", "Ó Súilleabháin"),
         ("Chloé", "O'Sullivan-Nkemelu"), ("Mary Ann", "Van Li"), ("Jo", "Oliver"), ("Zoë", "Okafor-Smith"), ("Li", "Wong")]
QUERIES = ["li", "wisniewski lukasz", "smith", "o", "an", "ann mary", "van", "jo", "oli", "zoe smith", "ś", "lukas",
           "okafor-smith", "sullivan chloe", "w", "wong li"]


@pytest.mark.parametrize("q", QUERIES)
def test_the_search_finds_exactly_the_names_the_rule_matches(app_context, q):
    admin = factories.user(role="admin")
    for n, (given, family) in enumerate(NAMES):
        db.session.add(Person(given_name=given, family_name=family, date_of_birth=date(1990, 1, 1 + n)))
    db.session.flush()
    expected = {p.id for p in db.session.scalars(db.select(Person)) if matches_query(p.name_key, query_words(q))}
    assert {p.id for p in people.search(q, admin)} == expected


@pytest.mark.parametrize("status, outcome_after", [("active", None), ("breached", 10), ("completed", 125),
                                                   ("discontinued", 0)])
def test_the_live_contract_check_is_the_rule_for_every_day_around_a_contract(app_context, status, outcome_after):
    officer, navigator = factories.user(role="custody_officer"), factories.user(role="navigator")
    referral = factories.referral(officer)
    contract = factories.contract(referral, navigator)
    start = contract.start_date
    contract.status = status
    contract.outcome_date = start + timedelta(days=outcome_after) if outcome_after is not None else None
    db.session.flush()
    for offset in range(-2, 130, 3):
        day = start + timedelta(days=offset)
        assert live_cases.live_contract_on(contract.person_id, day) == live_on(
            start, status, contract.outcome_date, day), day
