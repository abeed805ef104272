"""What each case adds to the proven reoffending counters (services/reoffending_counts.py), in the shape of the
report counters' facts (services/rollup_facts.py), so that services/rollups.py keeps them exact in every
transaction with the case counters, from the same hooks.

A case's follow-up outcome is a function of its start date and its person's reoffences (their own and those of
records merged into them), so it can be counted on the start day whatever today is: for each follow-up in
rules.FOLLOW_UPS a case counts, on its start day, for `<group>` (the cohort) and `<months>:<group>` when it
reoffended within that follow-up. Whether the window has passed is a limit on start days (rules.latest_start), so
the report sums a range of start days. Groups: checkpoint_completed | checkpoint_breached | checkpoint_other for
contracts, divert_assessed | divert_not_assessed for DIVERT referrals; keys by the person's ethnicity, gender and
age band as the case counters have them.

Reoffending during a contract counts contracts started in the period and over by today ("ended": the outcome date,
else the deadline). Every contract counts, on its start day, for `during:<group>` (and `during_r:<group>` when it
had a reoffence during the contract); and on its "ended" day for `open:<group>` (`open_r:<group>`), with the
contract's length in days as `days`. A report takes the starts in the period and subtracts those whose "ended" day
is today or later (read from the few day rows dated today on, each telling its start day by its length).
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from diversion.domain import reoffending as rules
from diversion.domain.contracts import BREACHED, COMPLETED
from diversion.models import CheckpointReferral, Contract, DivertReferral, Person, Reoffence
from diversion.services.report_sql import days_between
from diversion.services.reoffending_sql import add_months
from diversion.services.rollup_facts import EVERYONE, PERSON_GROUPINGS, Kind, Measure, _person_keys

SCHEME = "reoffending"
OTHER = "checkpoint_other"  # contracts discontinued or without an outcome: in the cohort, in no outcome group
CONTRACT_GROUPS = ("checkpoint_completed", "checkpoint_breached", OTHER)
DIVERT_GROUPS = ("divert_assessed", "divert_not_assessed")
DURING, DURING_REOFFENDED, OPEN, OPEN_REOFFENDED = "during:", "during_r:", "open:", "open_r:"


def reoffended_measure(months: int, group: str) -> str:
    return f"{months}:{group}"


def reoffended(person_id, after, up_to, proven_by=None):
    """A reoffence by this person, or by a record merged into them, committed after `after` and on or before
    `up_to`, proven on or before `proven_by` when given (chains of merges are never longer than one)."""
    def window(*whose):
        conditions = [*whose, Reoffence.offence_date > after, Reoffence.offence_date <= up_to]
        if proven_by is not None:
            conditions.append(Reoffence.disposal_date <= proven_by)
        return sa.exists().where(*conditions)

    merged = aliased(Person)
    return sa.or_(window(Reoffence.person_id == person_id),
                  window(Reoffence.person_id == merged.id, merged.merged_into_id == person_id))


def _within(person_id, start, months: int):
    return reoffended(person_id, start, add_months(start, months), add_months(start, months + rules.DISPOSAL_MONTHS))


def contract_group():
    return sa.case((Contract.status == COMPLETED, "checkpoint_completed"),
                   (Contract.status == BREACHED, "checkpoint_breached"), else_=OTHER)


def divert_group():
    return sa.case((DivertReferral.ever_assessed, "divert_assessed"), else_="divert_not_assessed")


def _follow_up_columns(person_id, start, group) -> list:
    columns = []
    for months in rules.FOLLOW_UPS:
        columns.append(sa.case((_within(person_id, start, months), start)).label(f"d_r{months}"))
        columns.append((sa.literal(f"{months}:") + group).label(f"m_r{months}"))
    return columns


def _follow_up_measures() -> tuple[Measure, ...]:
    return (Measure(None, "d_start", name_column="grp"),
            *(Measure(None, f"d_r{m}", name_column=f"m_r{m}") for m in rules.FOLLOW_UPS))


def _contract_cohort_facts() -> sa.Select:
    c, r = Contract, CheckpointReferral
    group = contract_group()
    return (sa.select(c.id.label("id"), *_person_keys(r), c.start_date.label("d_start"), group.label("grp"),
                      *_follow_up_columns(c.person_id, c.start_date, group))
            .select_from(c).join(r, c.referral_id == r.id).join(Person, c.person_id == Person.id))


def _contract_during_facts() -> sa.Select:
    c = Contract
    group, ended = contract_group(), sa.func.coalesce(c.outcome_date, c.deadline)
    during = reoffended(c.person_id, c.start_date, ended)
    return (sa.select(c.id.label("id"), sa.literal(EVERYONE).label("k_"),
                      c.start_date.label("d_start"), (sa.literal(DURING) + group).label("m_during"),
                      sa.case((during, c.start_date)).label("d_during_r"),
                      (sa.literal(DURING_REOFFENDED) + group).label("m_during_r"),
                      ended.label("d_ended"), days_between(c.start_date, ended).label("length"),
                      (sa.literal(OPEN) + group).label("m_open"),
                      sa.case((during, ended)).label("d_open_r"), (sa.literal(OPEN_REOFFENDED) + group).label("m_open_r"))
            .select_from(c))


def _divert_cohort_facts() -> sa.Select:
    d = DivertReferral
    group = divert_group()
    return (sa.select(d.id.label("id"), *_person_keys(d), d.referral_date.label("d_start"), group.label("grp"),
                      *_follow_up_columns(d.person_id, d.referral_date, group))
            .select_from(d).join(Person, d.person_id == Person.id))


CONTRACT_COHORT = Kind("reoffending_contract", SCHEME, Contract, PERSON_GROUPINGS, _follow_up_measures(),
                       _contract_cohort_facts)
CONTRACT_DURING = Kind("reoffending_during", SCHEME, Contract, (EVERYONE,),
                       (Measure(None, "d_start", name_column="m_during"),
                        Measure(None, "d_during_r", name_column="m_during_r"),
                        Measure(None, "d_ended", days="length", name_column="m_open"),
                        Measure(None, "d_open_r", days="length", name_column="m_open_r")), _contract_during_facts)
DIVERT_COHORT = Kind("reoffending_divert", SCHEME, DivertReferral, PERSON_GROUPINGS, _follow_up_measures(),
                     _divert_cohort_facts)
KINDS = (CONTRACT_COHORT, CONTRACT_DURING, DIVERT_COHORT)
# The case counters' kind whose cases these follow (services/rollups.py counts them with it, from the same hooks).
COMPANIONS = {"contract": (CONTRACT_COHORT, CONTRACT_DURING), "divert_referral": (DIVERT_COHORT,)}
