"""The report counters under two transactions that change one case's figures at once without both updating its row
(PostgreSQL): a person's details corrected while an outcome is recorded on their contract, or while a contract is
agreed for them. Each race is run in both orders, the first transaction holding its change uncommitted while the
second starts; and once more started together. Afterwards the counters equal a full recount."""
from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest

from diversion import clock
from diversion.extensions import db
from diversion.models import CheckpointReferral, Contract, Person
from diversion.services import contracts, report_recount
from tests import factories

pytestmark = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                reason="races need PostgreSQL's concurrent transactions")
ETHNICITIES = ["asian_indian", "black_african", "white_british", "not_stated"]


def _year():
    today = clock.today()
    return [(date(today.year, 1, 1), date(today.year, 12, 31)), (today, today)]


def _setup(app, *, contract: bool):
    """A person with an eligible referral (and, if asked, an active contract on it), committed: their ids."""
    with app.app_context():
        officer, navigator = factories.user("custody_officer"), factories.user("navigator")
        referral = factories.referral(officer, **{"person.ethnicity": "white_british"})
        made = factories.contract(referral, navigator) if contract else None
        db.session.commit()
        return referral.person_id, referral.id, (made.id if made else None), navigator.id


def _correct(person_id, ethnicity):
    def run():
        person = db.session.get(Person, person_id)
        person.ethnicity = ethnicity
    return run


def _outcome(contract_id):
    def run():
        contract = db.session.get(Contract, contract_id)
        contracts.record_outcome(contract, {"outcome": "discontinued", "date": clock.today().isoformat(),
                                            "reason": "not_in_public_interest", "details": "Recorded in a test",
                                            "version": contract.version}, actor=contract.navigator)
    return run


def _agree(referral_id, navigator_id):
    def run():
        from diversion.models import User
        referral = db.session.get(CheckpointReferral, referral_id)
        contracts.agree(referral, factories.contract_payload(), actor=db.session.get(User, navigator_id))
    return run


def _one_then_other(app, first, second, *, together=False):
    """`first` changes and flushes, holds its transaction a moment, commits; `second` starts once `first` has
    flushed (or, `together`, at the same moment) and commits. Both must succeed."""
    flushed, barrier = threading.Event(), threading.Barrier(2)

    def one():
        with app.app_context():
            barrier.wait()
            first()
            db.session.flush()
            flushed.set()
            time.sleep(0.4)
            db.session.commit()

    def two():
        with app.app_context():
            barrier.wait()
            if not together:
                flushed.wait(5)
            second()
            db.session.commit()

    with ThreadPoolExecutor(2) as pool:
        for future in [pool.submit(one), pool.submit(two)]:
            future.result()


@pytest.mark.parametrize("order", ["correction first", "outcome first", "together"])
def test_a_correction_and_an_outcome_at_once_leave_the_counters_exact(app, order):
    for n in range(2 if order == "together" else 1):
        person_id, _, contract_id, _ = _setup(app, contract=True)
        correct, outcome = _correct(person_id, ETHNICITIES[n]), _outcome(contract_id)
        first, second = (outcome, correct) if order == "outcome first" else (correct, outcome)
        _one_then_other(app, first, second, together=order == "together")
        with app.app_context():
            assert db.session.get(Contract, contract_id).status == "discontinued"
            assert report_recount.differences(_year()) == []


@pytest.mark.parametrize("order", ["correction first", "contract first"])
def test_a_correction_while_a_contract_is_agreed_leaves_the_counters_exact(app, order):
    person_id, referral_id, _, navigator_id = _setup(app, contract=False)
    correct, agree = _correct(person_id, "asian_indian"), _agree(referral_id, navigator_id)
    first, second = (agree, correct) if order == "contract first" else (correct, agree)
    _one_then_other(app, first, second)
    with app.app_context():
        assert db.session.get(CheckpointReferral, referral_id).status == "contracted"
        assert report_recount.differences(_year()) == []
