"""A navigator's list of referrals (the API's, in the order they were recorded, any status) is what need to know
lets them read, page after page: the queue (not reserved for another navigator) and the referrals of the contracts
they hold, merged in id order from each part's own first page (need_to_know.visible_parts)."""
import pytest
from sqlalchemy import or_, select

from diversion.domain import need_to_know as access
from diversion.extensions import db
from diversion.models import CheckpointReferral
from diversion.services import allocation, need_to_know, referrals
from tests import factories


@pytest.fixture
def mixed(app_context):
    """Referrals recorded in an order that interleaves what Ada may read with what she may not."""
    officer = factories.user(role="custody_officer")
    manager = factories.user(role="manager")
    ada, bo = factories.user(role="navigator"), factories.user(role="navigator")
    theirs = []
    for n in range(7):
        queued = factories.referral(officer)                                 # the queue: hers to read
        held = factories.referral(officer)
        factories.contract(held, ada)                                         # her contract
        other = factories.referral(officer)
        factories.contract(other, bo)                                         # Bo's contract: not hers
        reserved = factories.referral(officer)
        allocation.allocate(reserved, {"navigator_id": bo.id if n % 2 else ada.id, "version": reserved.version},
                            actor=manager)                                    # hers only when reserved for her
        theirs += [queued.id, held.id] + ([] if n % 2 else [reserved.id])
    return ada, sorted(theirs)


@pytest.mark.parametrize("limit", [1, 3, 50])
def test_a_navigator_pages_through_exactly_the_referrals_she_may_read_in_id_order(mixed, limit):
    ada, expected = mixed
    seen, after = [], None
    while True:
        page = referrals.listing(ada, after=after, limit=limit, audited=False)
        seen += [r.id for r in page]
        if len(page) < limit:
            break
        after = (page[-1].id, page[-1].id)
    assert seen == expected


def test_newest_first_too(mixed):
    ada, expected = mixed
    page = referrals.listing(ada, reverse=True, limit=4, audited=False)
    assert [r.id for r in page] == expected[::-1][:4]
    after = (page[-1].id, page[-1].id)
    assert [r.id for r in referrals.listing(ada, reverse=True, after=after, limit=4, audited=False)] == \
        expected[::-1][4:8]


def test_the_parts_of_a_navigators_rule_are_exactly_the_rule(mixed):
    ada, expected = mixed
    parts = need_to_know.visible_parts(access.CHECKPOINT_REFERRAL, ada)
    assert len(parts) == 2

    def ids(clause):
        return sorted(db.session.scalars(select(CheckpointReferral.id).where(clause)))
    assert ids(or_(*parts)) == ids(need_to_know.visible(access.CHECKPOINT_REFERRAL, ada)) == expected
