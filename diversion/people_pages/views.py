from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from diversion import clock
from diversion.access import roles_required
from diversion.domain import contracts as contract_rules
from diversion.domain import divert as divert_rules
from diversion.domain import people as people_rules
from diversion.domain import referrals as referral_rules
from diversion.domain.roles import ADMIN, MANAGER, NAVIGATOR, PROVIDER
from diversion.services import people

bp = Blueprint("people", __name__, url_prefix="/people")


@bp.route("/<int:person_id>")
@roles_required(NAVIGATOR, PROVIDER, MANAGER, ADMIN)
def person(person_id: int):
    record, checkpoint, divert = people.history(person_id, current_user)
    return render_template("people/person.html", person=record, checkpoint=checkpoint, divert=divert,
                           referral_labels=referral_rules.LABELS, divert_rules=divert_rules,
                           contract_status=lambda c: contract_rules.status_on(c.status, c.deadline, clock.today()),
                           contract_labels=contract_rules.STATUS_LABELS, genders=people_rules.GENDERS,
                           ethnicities=people_rules.ETHNICITIES)
