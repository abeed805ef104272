"""What each case adds to the report counters: one SELECT per kind of case giving, for each case, the group it
falls in under every grouping (`k_<grouping>`) and, for every measure, the day it counts on (NULL: it does not
count) and, for a histogram, its value. services/rollups.py turns these facts into counter rows, for a few
cases in Python (each change) or for all of them in SQL (rebuild), from the same `Kind` descriptions.

The rules are the reports' (api-contract "Reports"): Checkpoint referrals by referral date, contracts by start
date (with the days from referral), outcomes by outcome date, breach reasons ("other" when none); contracts
still active by their deadline (so "active now" is every such row and "overdue now" those before today);
DIVERT figures for the cohort of referrals made on each day, as far as each has got. Groups: the person's
ethnicity and gender now ("not_stated" when unknown), the age band on the referral date (kept on the referral
once the person is erased), offence category, the contract's navigator, DIVERT substance and source.
The dashboard's other sections (issue 14): Checkpoint referrals by custody suite, declined offers and offers
(declined or contracted) and DIVERT declined, all on the referral date; needs assessments and their scores by
pathway, score and review result on the day the assessment was made; onward referrals by scheme, service and
pathway on the day they were made (referred, started, started within three weeks, still open). Needs and onward
referrals have no person groupings (`by_person=False`): a person's details, a merge or an erasure leaves them be.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import sqlalchemy as sa

from diversion.domain import kpis
from diversion.domain import referrals as referral_rules
from diversion.domain import treatment as treatment_rules
from diversion.domain.contracts import ACTIVE, BREACHED
from diversion.domain.divert import ASSESSED, COMPLETED as DIVERT_COMPLETED, CONTACTED, DECLINED as DIVERT_DECLINED
from diversion.models import (CheckpointReferral, Contract, DivertEvent, DivertReferral, NeedsAssessment, NeedScore,
                              OnwardReferral, Person)
from diversion.services.report_sql import age_band, days_between

CHECKPOINT, DIVERT = "checkpoint", "divert"
NEEDS, TREATMENT = "needs", "treatment"  # the needs by pathway and the onward referrals (no person groupings)
EVERYONE = ""  # the grouping (and key) of the ungrouped figures


@dataclass(frozen=True)
class Measure:
    name: str | None  # the measure's name, or None when the facts column `name_column` holds it
    day: str  # the facts column holding the day the case counts on (NULL: not counted)
    days: str | None = None  # the facts column holding a histogram's value
    name_column: str | None = None


@dataclass(frozen=True)
class Kind:
    name: str
    scheme: str
    model: type
    groupings: tuple[str, ...]
    measures: tuple[Measure, ...]
    facts: Callable[[], sa.Select]
    by_person: bool = True  # its model has person_id, and its figures may read the person's details

    def measure_name(self, measure: Measure, row) -> str:
        return measure.name if measure.name is not None else row[measure.name_column]


def _kept_band(referral):
    """The age band on the referral date: kept on the referral once the person is erased, else from the birth."""
    return sa.func.coalesce(referral.age_band, age_band(Person.date_of_birth, referral.referral_date, kpis.AGE_BANDS,
                                                        kpis.BAND_LOWER_BOUNDS))


def _person_keys(referral) -> list:
    return [sa.literal(EVERYONE).label("k_"),
            sa.func.coalesce(Person.ethnicity, "not_stated").label("k_ethnicity"),
            sa.func.coalesce(Person.gender, "not_stated").label("k_gender"),
            _kept_band(referral).label("k_age_band")]


def _referral_facts() -> sa.Select:
    r = CheckpointReferral
    return (sa.select(r.id.label("id"), *_person_keys(r), r.offence_category.label("k_offence_category"),
                      r.referral_date.label("d_referral"), sa.case((r.eligible, r.referral_date)).label("d_eligible"),
                      *_partnership_facts(r))
            .select_from(r).join(Person, r.person_id == Person.id))


def _contract_facts() -> sa.Select:
    c, r = Contract, CheckpointReferral
    return (sa.select(c.id.label("id"), *_person_keys(r), r.offence_category.label("k_offence_category"),
                      sa.cast(c.navigator_id, sa.String).label("k_navigator"),
                      c.start_date.label("d_started"), days_between(r.referral_date, c.start_date).label("waited"),
                      c.outcome_date.label("d_ended"), (sa.literal("ended:") + c.status).label("ended"),
                      sa.case((c.status == BREACHED, c.outcome_date)).label("d_breach"),
                      (sa.literal("breach:") + sa.func.coalesce(c.outcome_reason, "other")).label("breach"),
                      sa.case((c.status == ACTIVE, c.deadline)).label("d_active"))
            .select_from(c).join(r, c.referral_id == r.id).join(Person, c.person_id == Person.id))


def _divert_facts() -> sa.Select:
    d, e = DivertReferral, DivertEvent
    contacted = sa.exists().where(e.referral_id == d.id, e.event == CONTACTED)
    first_assessed = (sa.select(sa.func.min(e.date)).where(e.referral_id == d.id, e.event == ASSESSED)
                      .scalar_subquery())
    on = d.referral_date
    return (sa.select(d.id.label("id"), *_person_keys(d), d.substance.label("k_substance"), d.source.label("k_source"),
                      on.label("d_referral"), sa.case((d.referral_number > 1, on)).label("d_repeat"),
                      sa.case((contacted, on)).label("d_contacted"), sa.case((d.ever_assessed, on)).label("d_assessed"),
                      sa.case((d.status == DIVERT_COMPLETED, on)).label("d_completed"),
                      sa.case((first_assessed.is_not(None), on)).label("d_waited"),
                      days_between(on, first_assessed).label("waited"),
                      sa.case((d.status == DIVERT_DECLINED, on)).label("d_declined"))
            .select_from(d).join(Person, d.person_id == Person.id))


def _partnership_facts(r) -> list:
    """The partnership figures' (services/partnership.py): the custody suite ("other" when none), declined offers
    and offers (declined or contracted), on the referral date."""
    from diversion.services.custody_suites import OTHER

    return [sa.func.coalesce(r.custody_suite_code, OTHER).label("k_custody_suite"),
            sa.case((r.status == referral_rules.DECLINED, r.referral_date)).label("d_declined"),
            sa.case((r.status.in_([referral_rules.DECLINED, referral_rules.CONTRACTED]), r.referral_date))
            .label("d_offers")]


def _needs_facts() -> sa.Select:
    """One row per need score of an assessment (one row when it has none), on the day the assessment was made: the
    score (its `days`) under "review:<result>" by pathway; the assessment itself counted on its first row."""
    a, s = NeedsAssessment, NeedScore
    first = sa.func.row_number().over(partition_by=a.id, order_by=s.id) == 1
    return (sa.select(a.id.label("id"), sa.func.coalesce(s.pathway, "").label("k_pathway"),
                      sa.case((first, a.assessed_on)).label("d_assessment"),
                      sa.case((s.id.is_not(None), a.assessed_on)).label("d_scored"),
                      sa.func.coalesce(s.score, 0).label("score"),
                      (sa.literal("review:") + sa.func.coalesce(s.review_result, "")).label("reviewed"))
            .select_from(a).outerjoin(s, s.assessment_id == a.id))


def _onward_facts() -> sa.Select:
    """Each onward referral on the day it was made: referred, started, started within the rule's days, and "open"
    (no start and no "did not start": waiting while it is recent, which the report works out from the day)."""
    o = OnwardReferral
    started = o.started_on.is_not(None)
    within = sa.and_(started, days_between(o.referred_on, o.started_on) <= treatment_rules.WITHIN_DAYS)
    return (sa.select(o.id.label("id"), o.scheme.label("k_scheme"),
                      o.service_code.label("k_service"), o.pathway.label("k_pathway"),
                      o.referred_on.label("d_referred"), sa.case((started, o.referred_on)).label("d_started"),
                      sa.case((within, o.referred_on)).label("d_within"),
                      sa.case((sa.and_(o.started_on.is_(None), o.did_not_start.is_(False)), o.referred_on))
                      .label("d_open"))
            .select_from(o))


PERSON_GROUPINGS = (EVERYONE, "ethnicity", "gender", "age_band")

REFERRALS = Kind("checkpoint_referral", CHECKPOINT, CheckpointReferral,
                 PERSON_GROUPINGS + ("offence_category", "custody_suite"),
                 (Measure("referrals", "d_referral"), Measure("eligible", "d_eligible"),
                  Measure("declined", "d_declined"), Measure("offers", "d_offers")), _referral_facts)
CONTRACTS = Kind("contract", CHECKPOINT, Contract, PERSON_GROUPINGS + ("offence_category", "navigator"),
                 (Measure("started", "d_started", days="waited"), Measure(None, "d_ended", name_column="ended"),
                  Measure(None, "d_breach", name_column="breach"), Measure("active", "d_active")), _contract_facts)
DIVERT_REFERRALS = Kind("divert_referral", DIVERT, DivertReferral, PERSON_GROUPINGS + ("substance", "source"),
                        (Measure("referrals", "d_referral"), Measure("repeat_referrals", "d_repeat"),
                         Measure("contacted", "d_contacted"), Measure("assessed", "d_assessed"),
                         Measure("completed", "d_completed"), Measure("assessment_days", "d_waited", days="waited"),
                         Measure("declined", "d_declined")),
                        _divert_facts)
NEEDS_ASSESSMENTS = Kind("needs_assessment", NEEDS, NeedsAssessment, ("pathway",),
                         (Measure("assessments", "d_assessment"),
                          Measure(None, "d_scored", days="score", name_column="reviewed")),
                         _needs_facts, by_person=False)
ONWARD_REFERRALS = Kind("onward_referral", TREATMENT, OnwardReferral, ("scheme", "service", "pathway"),
                        (Measure("referred", "d_referred"), Measure("started", "d_started"),
                         Measure("within", "d_within"), Measure("open", "d_open")), _onward_facts, by_person=False)
KINDS = (REFERRALS, CONTRACTS, DIVERT_REFERRALS, NEEDS_ASSESSMENTS, ONWARD_REFERRALS)
