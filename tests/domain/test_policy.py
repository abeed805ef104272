"""Policy values and their bounds; DIVERT's minimum age (revision 2: default 18, never below 10)."""
from datetime import date

import pytest

from diversion.domain.divert import age_problem
from diversion.domain.policy import DIVERT_MINIMUM_AGE, OFFENCE_AGE_LIMIT, POLICIES, RETENTION_REVIEW_YEARS


def test_divert_serves_adults_by_default_and_is_never_below_the_age_of_criminal_responsibility():
    assert DIVERT_MINIMUM_AGE.default == 18 and DIVERT_MINIMUM_AGE.minimum == 10
    assert POLICIES == {"offence_age_limit_months": OFFENCE_AGE_LIMIT, "divert_minimum_age": DIVERT_MINIMUM_AGE,
                        "retention_review_years": RETENTION_REVIEW_YEARS}


def test_records_are_reviewed_six_years_after_the_last_case_by_default():
    assert RETENTION_REVIEW_YEARS.default == 6
    assert RETENTION_REVIEW_YEARS.problem(0) and RETENTION_REVIEW_YEARS.problem(6) is None


@pytest.mark.parametrize("value, ok", [(10, True), (18, True), (25, True), (9, False), (26, False), (True, False),
                                       ("18", False), (18.0, False), (None, False)])
def test_a_minimum_age_outside_its_bounds_is_refused(value, ok):
    assert (DIVERT_MINIMUM_AGE.problem(value) is None) is ok


@pytest.mark.parametrize("born, minimum, refused", [
    (date(2022, 1, 1), 18, True),        # a four-year-old
    (date(2008, 6, 2), 18, True),        # 18 tomorrow
    (date(2008, 6, 1), 18, False),       # 18 today
    (date(2010, 6, 1), 16, False),       # a lower policy admits a 16-year-old
])
def test_divert_age_is_judged_on_the_referral_date(born, minimum, refused):
    problem = age_problem(born, date(2026, 6, 1), minimum)
    assert (problem is not None) is refused
    if refused:
        assert f"aged {minimum} or over" in problem
