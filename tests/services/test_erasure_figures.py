"""Erasing people changes no figure: every report, grouping and export gives the same answer after as before,
on the demo data set (the coded facts an erasure keeps are exactly what the figures are made of)."""
from datetime import date

import sqlalchemy as sa

from diversion import clock
from diversion.domain import retention as retention_rules
from diversion.extensions import db
from diversion.models import CheckpointReferral, Contract, DivertReferral, Person, User
from diversion.services import erasure, reports


def _figures() -> dict:
    today = clock.today()
    periods = [(date(2015, 1, 1), today), (date(today.year - 1, today.month, 1), today),
               (date(today.year, 1, 1), today)]
    found = {}
    for start, end in periods:
        for group in (None, *reports.CHECKPOINT_GROUPS):
            found[("checkpoint", start, group)] = reports.checkpoint(start, end, group)
        for group in (None, *reports.DIVERT_GROUPS):
            found[("divert", start, group)] = reports.divert(start, end, group)
        found[("monthly", start)] = reports.monthly_checkpoint(start, end)
        found[("cases", start)] = list(reports.case_rows(start, end))
    return found


def _open(kind: str):
    """The statuses the retention rule (and so erasure) counts as open."""
    return retention_rules.STATUSES[kind][0]


def _closed_people() -> list[int]:
    """People with no open case of any kind: the ones a retention review could erase."""
    open_people = sa.union(
        sa.select(Contract.person_id).where(Contract.status.in_(_open(retention_rules.CONTRACT))),
        sa.select(CheckpointReferral.person_id).where(
            CheckpointReferral.status.in_(_open(retention_rules.CHECKPOINT_REFERRAL))),
        sa.select(DivertReferral.person_id).where(DivertReferral.status.in_(_open(retention_rules.DIVERT_REFERRAL))))
    return list(db.session.scalars(sa.select(Person.id).where(Person.id.not_in(open_people),
                                                              Person.merged_into_id.is_(None))
                                   .order_by(Person.id)))


def test_erasing_a_fifth_of_the_closed_demo_people_leaves_every_figure_unchanged(demo_app):
    with demo_app.app_context():
        _erase_a_fifth_and_compare()


def _erase_a_fifth_and_compare():
    before = _figures()
    admin = db.session.scalar(sa.select(User).where(User.role == "admin"))
    visible = db.session.scalar(sa.select(sa.func.count()).select_from(Person))
    closed = _closed_people()[::5]  # one in five of those with no open case: Checkpoint and DIVERT people alike
    assert len(closed) >= 150
    for person_id in closed:
        erasure.erase(db.session.get(Person, person_id), actor=admin, reason="Demo: no policing purpose")
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == visible - len(closed)
    assert all(db.session.get(Person, person_id) is None for person_id in closed[:20])
    after = _figures()
    changed = [key for key in before if before[key] != after[key]]
    assert changed == []
    assert before[("checkpoint", date(2015, 1, 1), None)]["contracts_started"] >= 200
