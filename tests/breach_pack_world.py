"""A breached contract with a history worth a breach evidence pack: progress on unpaid work, an appointment
attended and one missed, a warning note and two other notes, then the breach (a failed condition)."""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import timedelta

from diversion import clock
from diversion.extensions import db
from diversion.models import Contract, User
from diversion.services import appointments, contracts
from tests import factories

_pnc = itertools.count(12345)
SECRET_NOTE = "Disclosed a family matter in confidence: not for the prosecutor"


@dataclass
class Breached:
    contract_id: int
    officer_id: int
    navigator_id: int
    person_id: int
    warning_note_id: int
    missed_note_id: int
    secret_note_id: int


def breached_contract(app, *, officer=None, navigator=None, breach: bool = True) -> Breached:
    with app.app_context():
        officer = db.session.get(User, officer.id) if officer else factories.user(role="custody_officer")
        navigator = db.session.get(User, navigator.id) if navigator else factories.user(role="navigator")
        referral = factories.referral(officer, **{"person.pnc_id": f"2019/00{next(_pnc):05d}A"})
        contract = factories.contract(referral, navigator)
        unpaid = next(c for c in contract.conditions if c.community_kind == "unpaid_work")
        contracts.record_progress(contract, unpaid.id, {"hours": 3, "note": "Sorted tins at the food bank"},
                                  actor=navigator)
        for hours_ago, attended in ((50, True), (26, False)):
            made = appointments.book(contract, {"starts_at": (clock.now() - timedelta(hours=hours_ago)).isoformat(),
                                                "kind": "navigator_meeting", "location": "Durham Community Hub"},
                                     actor=navigator)
            appointments.record_attendance(contract, made.id, {"attended": attended, "version": made.version},
                                           actor=navigator)
        notes = {kind: contracts.add_note(contract, {"kind": kind, "body": body}, actor=navigator).id
                 for kind, body in (("warning", "Warned that another missed session means a breach"),
                                    ("missed_appointment", "Did not come to the hub; no answer by phone"),
                                    ("general", SECRET_NOTE))}
        if breach:
            db.session.refresh(contract)
            contracts.record_outcome(contract, {"outcome": "breached", "date": clock.today().isoformat(),
                                                "reason": "condition_failed", "details": "Stopped attending",
                                                "version": contract.version}, actor=navigator)
        db.session.commit()
        return Breached(contract.id, officer.id, navigator.id, contract.person_id, notes["warning"],
                        notes["missed_appointment"], notes["general"])


def contract_version(app, contract_id: int) -> int:
    with app.app_context():
        return db.session.get(Contract, contract_id).version
