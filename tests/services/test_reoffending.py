"""Proven reoffending: the import (matching by PNC id, duplicates not added, earlier records matched later,
nothing saved when a record is bad) and the cohort report's figures on constructed data."""
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from diversion import clock
from diversion.errors import ValidationFailed
from diversion.extensions import db
from diversion.models import Person, Reoffence, ReoffenceImport
from diversion.services import contracts, divert, erasure, reoffending_import, reoffending_report
from tests import factories


def _records(*rows):
    return {"records": [{"pnc_id": p, "offence_date": o, "disposal_date": d} for p, o, d in rows]}


@pytest.fixture
def world(app_context):
    clock.freeze(datetime(2026, 6, 30, 12, tzinfo=timezone.utc))
    officer, navigator, provider, manager = (factories.user(r) for r in
                                             ("custody_officer", "navigator", "provider", "manager"))

    class World:
        def contract(self, pnc, start, outcome=None, outcome_on=None, name="Alex"):
            day = date.fromisoformat(start)
            referral = factories.referral(officer, referral_date=start,
                                          **{"offence.offence_date": day.replace(day=1).isoformat(),
                                             "person.pnc_id": pnc, "person.given_name": name})
            record = factories.contract(referral, navigator, start_date=start, conditions=[])
            if outcome:
                contracts.record_outcome(record, {"outcome": outcome, "date": outcome_on, "version": record.version,
                                                  "reason": "reoffended" if outcome == "breached" else None},
                                         actor=navigator)
            return record

        def divert(self, pnc, on, assessed, name="Kai"):
            referral = divert.create(factories.divert_payload(referral_date=on, **{"person.pnc_id": pnc,
                                                                                   "person.given_name": name}),
                                     actor=officer)
            if assessed:
                for event in ("contacted", "assessed"):
                    divert.record_event(referral, {"event": event, "date": on}, actor=provider)
            return referral

        def reoffences(self, *rows):
            return reoffending_import.import_records(_records(*rows), actor=manager)
    w = World()
    w.manager = manager
    return w


# --- import -------------------------------------------------------------------------------------------------------

def test_records_are_matched_to_people_by_their_pnc_id_normalised_as_the_app_stores_it(world):
    person = world.contract("2010/0000001A", "2024-03-01").person
    answer = world.reoffences((" 2010/0000001a ", "2024-09-01", "2024-10-01"), ("1999/7654321Z", "2024-09-01", "2024-10-01"))
    assert (answer["matched"], answer["unmatched"], answer["added"], answer["duplicates"]) == (1, 1, 2, 0)
    held = {r.pnc_id: r.person_id for r in db.session.scalars(sa.select(Reoffence))}
    assert held == {"2010/0000001A": person.id, "1999/7654321Z": None}


def test_importing_the_same_extract_again_adds_nothing(world):
    world.contract("2010/0000001A", "2024-03-01")
    rows = [("2010/0000001A", "2024-09-01", "2024-10-01"), ("2010/0000001A", "2024-09-01", "2024-10-01"),
            ("2010/0000001A", "2024-09-01", "2024-11-01")]
    first = world.reoffences(*rows)
    second = world.reoffences(*rows)
    assert (first["added"], first["duplicates"]) == (2, 1)   # a repeat inside one extract is added once
    assert (second["matched"], second["added"], second["duplicates"]) == (3, 0, 3)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Reoffence)) == 2


def test_an_import_records_who_when_how_and_what_became_of_its_rows(world):
    world.contract("2010/0000001A", "2024-03-01")
    answer = world.reoffences(("2010/0000001A", "2024-09-01", "2024-10-01"), ("1999/7654321Z", "2024-09-01", "2024-10-01"))
    batch = db.session.get(ReoffenceImport, answer["import_id"])
    assert (batch.source, batch.imported_by_id, batch.received, batch.matched, batch.unmatched, batch.added) == (
        "api", world.manager.id, 2, 1, 1, 2)
    assert batch.imported_at == clock.now()


def test_a_record_no_one_matched_is_matched_by_a_later_import_once_someone_holds_its_pnc_id(world):
    world.reoffences(("2010/0000009A", "2024-09-01", "2024-10-01"))
    person = world.contract("2010/0000009A", "2024-03-01").person
    world.reoffences(("1999/7654321Z", "2024-09-01", "2024-10-01"))
    assert db.session.scalar(sa.select(Reoffence.person_id).where(Reoffence.pnc_id == "2010/0000009A")) == person.id


def test_one_bad_record_and_nothing_is_saved_with_every_bad_field_named(world):
    with pytest.raises(ValidationFailed) as failure:
        world.reoffences(("2010/0000001A", "2024-09-01", "2024-10-01"), ("nope", "2024-09-31", "2024-08-01"),
                         ("2010/0000001A", "2024-09-01", "2024-08-01"))
    assert failure.value.fields == {"records.1.pnc_id": ["Enter a PNC ID like 2019/0123456A"],
                                    "records.1.offence_date": ["The offence date must be a real date"],
                                    "records.2.disposal_date": ["The disposal date must be on or after the offence date"]}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Reoffence)) == 0


def test_erasing_a_person_blanks_the_pnc_id_of_their_reoffences_and_keeps_them_counted(world):
    record = world.contract("2010/0000001A", "2024-03-01", "completed", "2024-07-01")
    world.reoffences(("2010/0000001A", "2024-09-01", "2024-10-01"))
    before = reoffending_report.report(date(2024, 1, 1), date(2024, 12, 31), 12)
    erasure.erase(db.session.get(Person, record.person_id), actor=world.manager, reason="Retention review")
    held = db.session.scalars(sa.select(Reoffence)).one()
    assert (held.pnc_id, held.person_id) == (None, record.person_id)
    assert reoffending_report.report(date(2024, 1, 1), date(2024, 12, 31), 12) == before


# --- report -------------------------------------------------------------------------------------------------------

@pytest.fixture
def cohort(world):
    """Starts in 2024 (every window of 12 months has passed by 30 June 2026) and one in 2025 (not yet)."""
    world.contract("2010/0000001A", "2024-03-01", "completed", "2024-07-01", "Ann")   # reoffends in 6 months
    world.contract("2010/0000002A", "2024-03-01", "completed", "2024-07-01", "Bob")   # never
    world.contract("2010/0000003A", "2024-04-01", "breached", "2024-05-01", "Cat")    # in 12 months, not 6
    world.contract("2010/0000004A", "2024-04-01", "breached", "2024-05-01", "Dan")    # proven too late
    world.divert("2010/0000005A", "2024-05-01", assessed=True, name="Eve")            # reoffends in 6 months
    world.divert("2010/0000006A", "2024-05-01", assessed=False, name="Fay")           # never
    world.contract("2010/0000007A", "2025-06-01", name="Gus")                          # window not passed
    world.reoffences(("2010/0000001A", "2024-09-01", "2025-01-01"),
                     ("2010/0000003A", "2025-02-01", "2025-05-01"),
                     ("2010/0000004A", "2025-03-01", "2026-01-01"),
                     ("2010/0000005A", "2024-06-01", "2024-07-01"),
                     ("2010/0000007A", "2025-07-01", "2025-08-01"))
    return world


def _groups(report):
    return {g["key"]: (g["cohort"], g["reoffended"]) for g in report["groups"]}


def test_twelve_month_reoffending_by_outcome_group(cohort):
    report = reoffending_report.report(date(2024, 1, 1), date(2025, 12, 31), 12)
    assert (report["cohort"], report["reoffended"], report["rate"]) == (6, 3, 0.5)
    assert report["rate_ci95"] == [0.1876, 0.8124]   # Wilson, 3 of 6
    assert report["starts_counted_to"] == "2024-12-31"  # + 18 months = 30 June 2026, today
    assert _groups(report) == {"checkpoint_completed": (2, 1), "checkpoint_breached": (2, 1),
                               "divert_assessed": (1, 1), "divert_not_assessed": (1, 0)}


def test_six_month_follow_up_leaves_out_the_reoffence_after_six_months(cohort):
    report = reoffending_report.report(date(2024, 1, 1), date(2025, 12, 31), 6)
    assert _groups(report) == {"checkpoint_completed": (2, 1), "checkpoint_breached": (2, 0),
                               "divert_assessed": (1, 1), "divert_not_assessed": (1, 0)}


def test_reoffending_during_the_contract(cohort):
    # Cat's contract ended (breached) on 1 May 2024, before her reoffence; Gus is still within his contract's
    # deadline (1 October 2025 has passed), and offended during it.
    during = reoffending_report.report(date(2024, 1, 1), date(2025, 12, 31), 12)["during_contract"]
    assert (during["cohort"], during["reoffended"]) == (5, 1)
    assert {g["key"]: (g["cohort"], g["reoffended"]) for g in during["groups"]} == {
        "checkpoint_completed": (2, 0), "checkpoint_breached": (2, 0)}


def test_grouped_by_gender_the_groups_add_up_to_the_cohort(cohort):
    report = reoffending_report.report(date(2024, 1, 1), date(2025, 12, 31), 12, "gender")
    assert report["group_by"] == "gender"
    assert sum(g["cohort"] for g in report["by_group"]) == report["cohort"]
    assert sum(g["reoffended"] for g in report["by_group"]) == report["reoffended"]


def test_a_reoffence_matched_to_a_record_later_merged_counts_for_the_record_kept(world):
    from diversion.services import merges

    kept = world.contract("2010/0000001A", "2024-03-01", "completed", "2024-07-01", "Ann").person
    other = factories.referral(factories.user("custody_officer"), referral_date="2024-02-01",
                               **{"offence.offence_date": "2024-01-20", "person.pnc_id": "2010/0000008A",
                                  "person.given_name": "Ann"}).person
    world.reoffences(("2010/0000008A", "2024-09-01", "2025-01-01"))
    kept.pnc_id = None
    db.session.flush()
    merges.merge(kept.id, other.id, {"reason": "The same woman", "version": kept.version,
                                     "other_version": other.version}, actor=factories.user("admin"))
    report = reoffending_report.report(date(2024, 1, 1), date(2025, 12, 31), 12)
    assert _groups(report)["checkpoint_completed"] == (1, 1)


def test_the_report_is_a_fixed_number_of_queries_whatever_the_data(cohort):
    def statements():
        db.session.flush()
        seen = []
        listener = lambda conn, cursor, statement, *args: seen.append(statement)  # noqa: E731
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            reoffending_report.report(date(2024, 1, 1), date(2025, 12, 31), 12, "ethnicity")
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)
    few = statements()
    for n in range(4):
        cohort.contract(f"2011/000000{n}B", "2024-06-01", name=f"Person{n}")
    assert statements() == few == 3


def test_bad_arguments_are_one_422_naming_each(world):
    from werkzeug.datastructures import MultiDict

    with pytest.raises(ValidationFailed) as failure:
        reoffending_report.arguments(MultiDict({"months": "18", "from": "2024-13-01", "group_by": "navigator"}))
    assert set(failure.value.fields) == {"months", "from", "group_by"}


def test_by_default_the_period_is_the_twelve_months_of_starts_whose_window_has_passed(world):
    from werkzeug.datastructures import MultiDict

    start, end, months, grouped = reoffending_report.arguments(MultiDict({"months": "24"}))
    assert (start, end, months, grouped) == (date(2023, 1, 1), date(2023, 12, 31), 24, None)
