"""A merge that commits between a navigator opening a referral and agreeing its contract: the contract joins
the record kept, with its referral (no half-merged person). Two sessions, one after the other, so the order is
certain (the threaded races are in tests/api/test_concurrent_writes.py)."""
from diversion.extensions import db
from diversion.models import CheckpointReferral, Person, User
from diversion.services import contracts, merges
from tests import factories


def test_a_contract_agreed_after_a_merge_it_did_not_see_joins_the_record_kept(app):
    with app.app_context():
        officer, navigator = factories.user(role="custody_officer"), factories.user(role="navigator")
        admin = factories.user(role="admin")
        kept = factories.referral(officer, **{"person.given_name": "Kai"}).person_id
        referral = factories.referral(officer, **{"person.given_name": "Kye"})
        ids = {"referral": referral.id, "merged": referral.person_id, "kept": kept, "navigator": navigator.id,
               "admin": admin.id}
        db.session.commit()
    with app.app_context():  # the navigator's request: it has read the referral (and its person) ...
        opened = db.session.get(CheckpointReferral, ids["referral"])
        assert opened.person_id == ids["merged"]
        with app.app_context():  # ... when an administrator's merge commits
            versions = [db.session.get(Person, ids[k]).version for k in ("kept", "merged")]
            merges.merge(ids["kept"], ids["merged"], {"reason": "Same man", "version": versions[0],
                                                      "other_version": versions[1]},
                         actor=db.session.get(User, ids["admin"]))
            db.session.commit()
        contract = contracts.agree(opened, factories.contract_payload(), actor=db.session.get(User, ids["navigator"]))
        db.session.commit()
        assert contract.person_id == opened.person_id == ids["kept"]
