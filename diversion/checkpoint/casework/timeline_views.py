"""The contract page's timeline and breach-risk tag, and the page that says how breach risk is worked out."""
from __future__ import annotations

from flask import render_template, request

from diversion.access import roles_required
from diversion.checkpoint.casework.views import WORKERS, bp
from diversion.domain import appointments as appointment_rules
from diversion.domain import risk as risk_rules
from diversion.domain import timeline as timeline_rules
from diversion.services import risk, timeline


def contract_extras(contract, user) -> dict:
    """What the contract page adds for its timeline (filtered by the kinds ticked) and its risk tag."""
    chosen = [kind for kind in request.args.getlist("kind") if kind in timeline_rules.KINDS]
    items = timeline.for_contract(contract, user, set(chosen) or None, audited=False)  # the page's view is audited
    return {"timeline": items, "timeline_kinds": chosen,
            "timeline_labels": timeline_rules.KINDS, "appointment_rules": appointment_rules,
            "risk": risk.for_contract(contract), "risk_rules": risk_rules}


@bp.route("/contracts/risk")
@roles_required(*WORKERS)
def risk_rules_page():
    return render_template("casework/risk_rules.html", rules=risk_rules)
