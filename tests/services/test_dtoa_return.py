"""The monthly return from the database, on constructed rows: month boundaries, the cohort rule, refusals, a fixed
number of statements, and Hampshire's pilot figures reported back as they were."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from diversion import clock
from diversion.extensions import db
from diversion.models import DrugTestEvent
from diversion.services import dtoa_return
from tests import dtoa_rows


@pytest.fixture
def rows(app_context):
    clock.freeze(datetime(2027, 3, 15, 12, tzinfo=UTC))

    class Rows:
        recorder = dtoa_rows.recorder()

        def test(self, day: str, result: str, **fields):
            return dtoa_rows.test(dtoa_rows.person(), date.fromisoformat(day), result, recorded_by=self.recorder,
                                  **{**fields, "events": [(e, date.fromisoformat(d)) for e, d in
                                                          fields.get("events", ())]})
    yield Rows()
    db.session.rollback()


def month(text: str) -> dict:
    return dtoa_return.monthly_return(date.fromisoformat(text + "-01"))


def test_the_first_and_last_days_belong_to_their_month_and_december_to_its_year(rows):
    rows.test("2026-11-30", "negative")
    rows.test("2026-12-01", "negative")
    rows.test("2026-12-31", "cocaine")
    rows.test("2027-01-01", "opiates")
    rows.test("2027-01-31", "refused")
    rows.test("2027-02-01", "both")
    december, january = month("2026-12"), month("2027-01")
    assert (december["tested"], december["positive"], december["refused"]) == (
        2, {"cocaine": 1, "opiates": 0, "both": 0}, 0)
    assert (january["tested"], january["positive"], january["refused"]) == (
        1, {"cocaine": 0, "opiates": 1, "both": 0}, 1)
    assert december["period"] == {"from": "2026-12-01", "to": "2026-12-31"}
    assert month("2026-11")["tested"] == 1 and month("2027-02")["assessments_required"] == 1


def test_refused_is_counted_apart_from_tested(rows):
    rows.test("2027-01-10", "refused")
    rows.test("2027-01-11", "refused", trigger=False)
    rows.test("2027-01-12", "negative", trigger=False)
    figures = month("2027-01")
    assert (figures["tested"], figures["refused"], figures["tests_requested"]) == (1, 2, 3)
    assert (figures["trigger_offences"], figures["inspector_authority"], figures["assessments_required"]) == (0, 1, 0)


def test_an_assessment_next_month_counts_for_the_month_of_the_test(rows):
    """The cohort rule: the January test's February assessment is January's; February has no test of its own."""
    rows.test("2027-01-31", "both", events=[("initial_assessment_attended", "2027-02-03"),
                                             ("referred_to_treatment", "2027-02-03"),
                                             ("entered_treatment", "2027-03-01")])
    rows.test("2027-01-20", "cocaine", events=[("initial_assessment_missed", "2027-02-01"),
                                                ("prosecuted_for_non_attendance", "2027-02-20")])
    january, february = month("2027-01"), month("2027-02")
    assert (january["initial_attended"], january["referred_to_treatment"], january["entered_treatment"]) == (1, 1, 1)
    assert (january["initial_missed"], january["failed_to_attend"], january["prosecuted_for_non_attendance"]) == (
        1, 1, 1)
    assert all(february[key] == 0 for key in ("tested", "initial_attended", "initial_missed", "entered_treatment",
                                               "prosecuted_for_non_attendance"))


def test_a_late_event_moves_the_month_along_the_funnel(rows):
    test = rows.test("2027-01-05", "opiates")
    before = month("2027-01")
    assert (before["awaiting_initial_assessment"], before["initial_attended"]) == (1, 0)
    db.session.add(DrugTestEvent(test_id=test.id, event="initial_assessment_attended", date=date(2027, 3, 1),
                                 recorded_by_id=rows.recorder.id))
    after = month("2027-01")
    assert (after["awaiting_initial_assessment"], after["initial_attended"]) == (0, 1)
    assert after["tested"] == before["tested"]


def test_events_after_a_negative_test_or_a_refusal_are_not_counted(rows):
    rows.test("2027-01-05", "negative", events=[("initial_assessment_attended", "2027-01-06")])
    assert month("2027-01")["initial_attended"] == 0


def test_the_figures_are_two_statements_whatever_the_data(rows):
    def statements():
        db.session.flush()
        seen = []
        listener = lambda conn, cursor, statement, *args: seen.append(statement)  # noqa: E731
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            dtoa_return.page_figures(date(2027, 2, 1))
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)
    rows.test("2027-01-05", "cocaine")
    few = statements()
    for n in range(8):
        rows.test(f"2026-{n + 3:02d}-05", ["both", "negative", "refused"][n % 3],
                  events=[("initial_assessment_attended", "2027-01-10")])
    assert statements() == few == 2


def test_the_page_figures_hold_the_month_the_month_before_and_the_year_to_date(rows):
    rows.test("2026-12-10", "cocaine")
    rows.test("2027-01-10", "negative")
    rows.test("2027-02-10", "both")
    rows.test("2027-02-11", "negative")
    page = dtoa_return.page_figures(date(2027, 2, 1))
    assert page["month"]["tested"] == 2 and page["previous"]["tested"] == 1
    assert page["year_to_date"]["tested"] == 3  # January and February 2027, not December
    assert [m["month"] for m in page["trend"]][0] == date(2026, 3, 1) and len(page["trend"]) == 12
    assert [m["tested"] for m in page["trend"]][-3:] == [1, 1, 2]
    january = dtoa_return.page_figures(date(2027, 1, 1))
    assert january["previous"]["month"] == "2026-12" and january["previous"]["tested"] == 1
    assert january["year_to_date"]["tested"] == 1


# Hampshire's pilot (Oct-Dec 2022, domain.md): 335 eligible, 261 tested (78%), 178 trigger offenders, 157 referred,
# 30 failed to attend (19%), 26 prosecuted. The app records a test or a refusal, so "eligible" is the tests asked
# for: 261 samples and 74 refusals. "Referred" is the 157 positive tests that required an assessment.
HAMPSHIRE = {"tests_requested": 335, "tested": 261, "refused": 74, "trigger_offences": 178,
             "assessments_required": 157, "initial_missed": 30, "failed_to_attend": 30,
             "prosecuted_for_non_attendance": 26}


def build_hampshire(rows) -> None:
    days = [f"2022-11-{d:02d}" for d in range(1, 31)]
    day = iter(days * 12)
    for n in range(74):
        rows.test(next(day), "refused", trigger=n < 50)
    positives = ["cocaine"] * 90 + ["opiates"] * 37 + ["both"] * 30
    for n, result in enumerate(positives):
        if n < 100:  # attended; 40 of them required a follow-up; 35 referred to treatment, 22 entered it
            events = [("initial_assessment_attended", "2022-12-01")]
            events += [("follow_up_required", "2022-12-01")] * (n < 40) + [("follow_up_attended", "2022-12-15")] * (
                n < 31)
            events += [("referred_to_treatment", "2022-12-02")] * (n < 35) + [("entered_treatment", "2023-01-09")] * (
                n < 22)
        elif n < 130:  # 30 failed to attend, 26 prosecuted
            events = [("initial_assessment_missed", "2022-12-01")] + [
                ("prosecuted_for_non_attendance", "2023-01-05")] * (n < 126)
        else:  # 27 not yet recorded
            events = []
        rows.test(next(day), result, trigger=n < 120, events=[(e, d) for e, d in events])
    for n in range(261 - 157):
        rows.test(next(day), "negative", trigger=n < 58)


def test_the_return_reports_hampshires_pilot_figures(rows):
    build_hampshire(rows)
    figures = month("2022-11")
    assert {key: figures[key] for key in HAMPSHIRE} == HAMPSHIRE
    assert figures["positive"] == {"cocaine": 90, "opiates": 37, "both": 30}
    assert (figures["initial_attended"], figures["awaiting_initial_assessment"]) == (100, 27)
    assert (figures["follow_up_required"], figures["follow_up_attended"]) == (40, 31)
    assert (figures["referred_to_treatment"], figures["entered_treatment"]) == (35, 22)
    assert round(figures["tested"] / figures["tests_requested"], 2) == 0.78  # "261 tested (78%)"
    failed = figures["rates"]["failed_to_attend_rate"]
    assert round(failed["rate"], 2) == 0.19 and failed["ci95"][0] < 0.19 < failed["ci95"][1]  # "30 ... (19%)"
