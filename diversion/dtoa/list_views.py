"""The Drug Testing on Arrest lists: the provider's worklist (four groups by when the assessment is, each paged by
its own cursor) and custody's missed assessments awaiting a decision (paged). Registered on the DTOA blueprint."""
from __future__ import annotations

from flask import render_template, request, url_for
from flask_login import current_user

from diversion import clock
from diversion.access import roles_required
from diversion.domain import dtoa as rules
from diversion.domain.roles import ADMIN, CUSTODY_OFFICER, MANAGER, PROVIDER
from diversion.dtoa.views import bp
from diversion.services import dtoa_lists

PAGE_SIZE = 25
WORKLIST_TITLES = {"overdue": "Overdue", "today": "Today", "coming": "Coming up", "not_booked": "Not booked yet"}


@bp.route("/worklist")
@roles_required(PROVIDER, MANAGER, ADMIN)
def worklist():
    cursors = {name: request.args.get(f"{name}_after") for name in dtoa_lists.WORKLIST}
    lists = dtoa_lists.worklist(current_user, after=cursors, size=PAGE_SIZE)
    pagination = {name: _worklist_pagination(name, found, cursors) for name, found in lists.items()}
    return render_template("dtoa/worklist.html", lists=lists, counts=dtoa_lists.worklist_counts(current_user),
                           titles=WORKLIST_TITLES, pagination=pagination, rules=rules, page_size=PAGE_SIZE)


def _worklist_pagination(name: str, found, cursors: dict) -> dict | None:
    """GOV.UK pagination for one of the worklist's groups: its own cursor moves, the others' stay."""
    def href(cursor):
        kept = {f"{other}_after": value for other, value in cursors.items() if other != name and value}
        return url_for("dtoa.worklist", **kept, **({f"{name}_after": cursor} if cursor else {}),
                       _anchor=name.replace("_", "-"))
    return _pagination(found, href, f"Pages of {WORKLIST_TITLES[name].lower()}")


def _pagination(found, href, label: str) -> dict | None:
    params: dict = {"landmarkLabel": label}
    if found.has_previous:
        params["previous"] = {"href": href(found.previous_after)}
    if found.next_after is not None:
        params["next"] = {"href": href(found.next_after)}
    return params if len(params) > 1 else None


@bp.route("/missed")
@roles_required(CUSTODY_OFFICER, MANAGER, ADMIN)
def missed():
    found = dtoa_lists.awaiting_decision(current_user, after=request.args.get("after"), size=PAGE_SIZE)
    pagination = _pagination(found, lambda cursor: url_for("dtoa.missed", **({"after": cursor} if cursor else {})),
                             "Pages of missed assessments")
    return render_template("dtoa/missed.html", page=found, count=dtoa_lists.awaiting_count(current_user),
                           pagination=pagination, rules=rules, today=clock.today(), page_size=PAGE_SIZE)
