"""Once a person is erased, they and their cases answer for nobody: every ORM query the app runs leaves out an
erased person and the referrals, contracts and drug tests that were theirs, so a page or the API finds nothing (404) and no
list or search shows them. Only the figures still count them (their coded facts stay for statistics): a report
query asks for that with `.execution_options(include_erased=True)`.

One rule applied to every SELECT, rather than a condition remembered in every query (the SQLAlchemy pattern for
rows that are kept but hidden: `with_loader_criteria` in a `do_orm_execute` hook)."""
from __future__ import annotations

from sqlalchemy import event, select
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from diversion.models import CheckpointReferral, Contract, DivertReferral, DrugTest, Person

INCLUDE = "include_erased"


def _erased_people():
    # The table, not the entity (the entity's own criterion would empty this list). Answered by the partial
    # index ix_people_erased (erased_at IS NOT NULL): a few rows whatever the size of the table.
    people = Person.__table__
    return select(people.c.id).where(people.c.erased_at.is_not(None)).scalar_subquery()


def not_erased(person_id):
    """The same rule, for a statement on the tables (plain SQL, which the hook below does not see): the row's
    `person_id` is not an erased person's."""
    return person_id.not_in(_erased_people())


def _build_criteria():
    return (
        with_loader_criteria(Person, lambda cls: cls.erased_at.is_(None), include_aliases=True),
        *(with_loader_criteria(model, lambda cls: cls.person_id.not_in(_erased_people()), include_aliases=True)
          for model in (CheckpointReferral, Contract, DivertReferral, DrugTest)),
    )


# Built once: the options hold no state of their own (the lambdas read only the mapped class), and building them
# anew for every SELECT cost more than some of the statements they guard.
_CRITERIA = _build_criteria()


def _criteria():
    return _CRITERIA


def install() -> None:
    """Hook every Session (once, at import of the app factory)."""
    if not event.contains(Session, "do_orm_execute", _leave_out_erased):
        event.listen(Session, "do_orm_execute", _leave_out_erased)


def _leave_out_erased(state: ORMExecuteState) -> None:
    if not state.is_select or state.is_column_load:
        return
    if state.execution_options.get(INCLUDE, False):
        return
    state.statement = state.statement.options(*_criteria())
