"""The referring officer's list of what became of their referrals, newest first, paged by keyset."""
from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from diversion.access import roles_required
from diversion.domain.roles import CUSTODY_OFFICER
from diversion.main.views import bp
from diversion.services import officer_outcomes

PAGE_SIZE = 25


@bp.get("/outcomes")
@roles_required(CUSTODY_OFFICER)
def outcomes():
    shown = officer_outcomes.for_officer(current_user, after=request.args.get("after"), size=PAGE_SIZE,
                                         since=request.args.get("since"))
    return render_template("main/outcomes.html", **shown)
