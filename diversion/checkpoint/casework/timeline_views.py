"""The page that says how breach risk is worked out (the contract page's timeline and tag: contract_extras.py)."""
from __future__ import annotations

from flask import render_template

from diversion.access import roles_required
from diversion.checkpoint.casework.views import WORKERS, bp
from diversion.domain import risk as risk_rules


@bp.route("/contracts/risk")
@roles_required(*WORKERS)
def risk_rules_page():
    return render_template("casework/risk_rules.html", rules=risk_rules)
