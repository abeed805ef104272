"""Breach risk on read (services/risk.py): the facts it gathers for domain/risk.py, in a fixed number of statements."""
from datetime import date, datetime, timedelta, timezone

import pytest

from diversion import clock
from diversion.domain import risk as rules
from diversion.extensions import db
from diversion.models import Appointment, ContractAlert
from diversion.services import contracts
from diversion.services import risk as breach_risk
from tests import factories
from tests.web.test_intake_support import counting_statements

START = datetime(2026, 3, 2, 10, tzinfo=timezone.utc)


def at(days: int, hour: int = 10) -> datetime:
    return START + timedelta(days=days, hours=hour - 10)


@pytest.fixture
def people(app_context):
    clock.freeze(START)
    return factories.user("custody_officer"), factories.user("navigator")


def new_contract(people):
    officer, navigator = people
    return factories.contract(factories.referral(officer), navigator)


def appointment(contract, navigator, day: int, status: str) -> None:
    db.session.add(Appointment(contract_id=contract.id, starts_at=at(day), kind="other", location="Office",
                               status=status, booked_by_id=navigator.id))


@pytest.fixture
def seen(monkeypatch):
    """The Facts each contract was assessed on, by contract id (the rules still decide)."""
    captured = {}
    real = rules.assess

    def capture(facts):
        captured[len(captured)] = facts
        return real(facts)
    monkeypatch.setattr(rules, "assess", capture)
    return captured


def test_the_facts_gathered_for_a_contract(people, seen):
    officer, navigator = people
    contract = new_contract(people)
    other = new_contract(people)  # nothing of this one's may leak into the first's facts
    appointment(contract, navigator, 1, "missed")
    appointment(contract, navigator, 3, "missed")
    appointment(contract, navigator, 5, "attended")
    appointment(contract, navigator, 9, "cancelled")
    appointment(contract, navigator, 12, "booked")
    appointment(other, navigator, 20, "attended")
    clock.freeze(at(8))
    contracts.add_note(contract, {"kind": "phone", "body": "Called", "occurred_at": at(7).isoformat()}, actor=navigator)
    contracts.add_note(contract, {"kind": "general", "body": "Filed a letter"}, actor=navigator)  # not contact
    contracts.add_note(contract, {"kind": "missed_appointment", "body": "Did not come"}, actor=navigator)  # neither
    unpaid = contract.conditions[2]
    contracts.record_progress(contract, unpaid.id, {"hours": 5, "note": "Shift"}, actor=navigator)
    contracts.set_condition_status(contract, contract.conditions[1].id, {"status": "met", "version": contract.version},
                                   actor=navigator)
    db.session.add(ContractAlert(contract_id=contract.id, kind="new_referral", scheme="divert", date=at(8).date()))
    db.session.add(ContractAlert(contract_id=contract.id, kind="new_referral", scheme="divert", date=at(8).date(),
                                 resolved_at=at(8), resolution="not_a_breach"))
    db.session.flush()
    today = date(2026, 3, 30)
    breach_risk.for_contracts([contract], today)
    facts = seen[0]
    assert (facts.today, facts.start_date, facts.deadline, facts.is_open) == (
        today, contract.start_date, contract.deadline, True)
    assert facts.missed_appointments == 2
    assert facts.last_contact == at(7).date()  # the phone note, after the attended appointment on day 5
    assert facts.open_conditions == 1  # unpaid work; offending is not counted, the pathway is met
    assert facts.unpaid_work == (rules.UnpaidWork(24.0, 5.0),)
    assert facts.open_new_referral_alerts == 1  # the resolved one no longer counts


def test_an_attended_appointment_after_the_last_note_is_the_last_contact(people, seen):
    officer, navigator = people
    contract = new_contract(people)
    clock.freeze(at(2))
    contracts.add_note(contract, {"kind": "meeting", "body": "Met"}, actor=navigator)
    appointment(contract, navigator, 6, "attended")
    db.session.flush()
    breach_risk.for_contracts([contract], date(2026, 3, 30))
    assert seen[0].last_contact == at(6).date()


def test_a_contract_with_no_history_has_empty_facts(people, seen):
    contract = new_contract(people)
    contracts.set_condition_status(contract, contract.conditions[1].id, {"status": "met", "version": contract.version},
                                   actor=people[1])
    assert breach_risk.for_contract(contract, START.date()) == rules.Risk("low", ())
    facts = seen[0]
    assert (facts.missed_appointments, facts.last_contact, facts.open_new_referral_alerts) == (0, None, 0)
    assert facts.open_conditions == 1 and facts.unpaid_work == (rules.UnpaidWork(24.0, 0.0),)


def test_an_ended_contract_is_low_and_its_facts_are_not_read(app, people, seen):
    officer, navigator = people
    contract = new_contract(people)
    appointment(contract, navigator, 1, "missed")
    appointment(contract, navigator, 2, "missed")
    clock.freeze(at(3))
    contracts.record_outcome(contract, {"outcome": "discontinued", "reason": "died", "date": at(3).date().isoformat(),
                                        "version": contract.version}, actor=navigator)
    db.session.commit()
    contract.status
    with counting_statements(app) as statements:
        assert breach_risk.for_contracts([contract]) == {contract.id: rules.Risk("low", ())}
    assert statements == []


def test_a_risk_read_on_a_page_is_high_for_a_slipping_contract_and_low_for_a_kept_one(people):
    officer, navigator = people
    slipping, kept = new_contract(people), new_contract(people)
    appointment(slipping, navigator, 1, "missed")
    appointment(slipping, navigator, 2, "missed")
    appointment(kept, navigator, 1, "attended")
    db.session.flush()
    risks = breach_risk.for_contracts([slipping, kept], date(2026, 3, 10))
    assert risks[slipping.id] == rules.Risk("high", ("missed_appointments",))
    assert risks[kept.id] == rules.Risk("low", ())


def test_the_same_number_of_statements_for_1_and_for_20_contracts(app, people):
    officer, navigator = people
    made = [new_contract(people) for _ in range(20)]
    for i, contract in enumerate(made):
        appointment(contract, navigator, 1 + i % 3, "missed" if i % 2 else "attended")
        contracts.add_note(contract, {"kind": "meeting", "body": "Met"}, actor=navigator)
        db.session.add(ContractAlert(contract_id=contract.id, kind="new_referral", scheme="divert", date=START.date()))
    db.session.commit()
    for contract in made:
        contract.status
    with counting_statements(app) as one:
        breach_risk.for_contracts(made[:1])
    with counting_statements(app) as twenty:
        risks = breach_risk.for_contracts(made)
    assert len(one) == len(twenty) == 1  # appointments, contact notes, conditions, alerts: one read together
    assert len(risks) == 20 and {r.level for r in risks.values()} == {"high"}
