"""What the contract page shows beside the contract itself: its timeline (filtered by the kinds ticked) and its
breach-risk tag."""
from __future__ import annotations

from flask import request

from diversion.domain import appointments as appointment_rules
from diversion.domain import risk as risk_rules
from diversion.domain import timeline as timeline_rules
from diversion.domain import needs as need_rules
from diversion.services import needs, risk, timeline


def contract_extras(contract, user) -> dict:
    chosen = [kind for kind in request.args.getlist("kind") if kind in timeline_rules.KINDS]
    items = timeline.for_contract(contract, user, set(chosen) or None, audited=False)  # the page's view is audited
    return {"timeline": items, "timeline_kinds": chosen,
            "timeline_labels": timeline_rules.KINDS, "appointment_rules": appointment_rules,
            "risk": risk.for_contract(contract), "risk_rules": risk_rules, **_needs(contract)}


def _needs(contract) -> dict:
    assessment = needs.of(contract)
    return {"needs": assessment, "needs_suggested": needs.suggestions(contract, assessment), "need_rules": need_rules}
