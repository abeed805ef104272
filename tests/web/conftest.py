import pytest

from diversion.extensions import db
from diversion.models import User
from tests import factories


@pytest.fixture
def make_contract(app, make_user):
    """make_contract(navigator=None, **contract overrides) → contract id, for a new eligible referral."""
    def _make(navigator=None, referral_overrides=None, **overrides):
        officer = make_user("custody_officer")
        navigator = navigator or make_user("navigator")
        with app.app_context():
            referral = factories.referral(db.session.get(User, officer.id), **(referral_overrides or {}))
            contract = factories.contract(referral, db.session.get(User, navigator.id), **overrides)
            db.session.commit()
            return contract.id
    return _make


@pytest.fixture
def make_referral(app, make_user):
    def _make(**overrides):
        officer = make_user("custody_officer")
        with app.app_context():
            referral = factories.referral(db.session.get(User, officer.id), **overrides)
            db.session.commit()
            return referral.id
    return _make
