"""The provider's lists: the worklist (three lists, each paged by its own cursor), every DIVERT referral they may
see (filter, sort, pages) and the booked assessments still to come. Registered on the DIVERT blueprint."""
from __future__ import annotations

from flask import render_template, request, url_for
from flask_login import current_user

from diversion import clock
from diversion.access import roles_required
from diversion.divert.views import bp
from diversion.domain import divert as rules
from diversion.domain.roles import ADMIN, CUSTODY_OFFICER, MANAGER, PROVIDER
from diversion.lists import ListPage, search_text, whole_number
from diversion.services import divert_lists

PAGE_SIZE = 25


@bp.get("/referrals", endpoint="all_referrals")
@roles_required(PROVIDER, MANAGER, ADMIN, CUSTODY_OFFICER)  # an officer: the referrals they made (need to know)
def all_referrals():
    args = request.args
    status = args.get("status") if args.get("status") in rules.STATUSES else None
    substance = args.get("substance") if args.get("substance") in rules.SUBSTANCES else None
    waited = whole_number(args.get("waited"))
    q = search_text(args.get("q"))
    sort = args.get("sort") if args.get("sort") in divert_lists.SORTS else "newest"
    listing = ListPage("divert.all_referrals", {"status": status, "substance": substance, "waited": waited, "q": q},
                       sort, {k: s.label for k, s in divert_lists.SORTS.items()}, "newest")
    page = divert_lists.every_referral(current_user, status=status, substance=substance, waited_days=waited,
                                       search=q, sort=sort, after=args.get("after"), size=PAGE_SIZE)
    selected = listing.selected({
        "q": ("Search", q), "status": ("Status", rules.STATUS_LABELS.get(status, "")),
        "substance": ("Substance", rules.SUBSTANCES.get(substance, "")),
        "waited": ("Waited at status", f"At least {waited} days")})
    return render_template("divert/all_referrals.html", page=page, listing=listing, selected=selected,
                           status=status, substance=substance, waited=waited, q=q, today=clock.today(),
                           rules=rules, invalid_waited=bool(args.get("waited")) and waited is None)


@bp.get("/upcoming")
@roles_required(PROVIDER, MANAGER, ADMIN)
def upcoming():
    page = divert_lists.upcoming(current_user, after=request.args.get("after"), size=PAGE_SIZE)
    listing = ListPage("divert.upcoming", {}, "soonest", {"soonest": "Soonest first"}, "soonest")
    return render_template("divert/upcoming.html", page=page, listing=listing, rules=rules,
                           pagination=listing.pagination(page))


WORKLIST_CAPTIONS = {"new": "New referrals to contact, oldest first", "booked": "Assessments booked",
                     "follow_up": "Follow-ups overdue (nothing recorded for 5 working days)"}


@bp.route("/worklist")
@roles_required(PROVIDER, MANAGER, ADMIN)
def worklist():
    cursors = {name: request.args.get(f"{name}_after") for name in divert_lists.WORKLIST}
    lists = divert_lists.worklist(current_user, after=cursors, size=PAGE_SIZE)
    pagination = {name: _worklist_pagination(name, found, cursors) for name, (found, _days) in lists.items()}
    return render_template("divert/worklist.html", lists=lists, counts=divert_lists.worklist_counts(current_user),
                           captions=WORKLIST_CAPTIONS, pagination=pagination, substances=rules.SUBSTANCES,
                           labels=rules.STATUS_LABELS, page_size=PAGE_SIZE)


def _worklist_pagination(name: str, found, cursors: dict) -> dict | None:
    """GOV.UK pagination for one of the worklist's lists: its own cursor moves, the others' stay."""
    def href(cursor):
        kept = {f"{other}_after": value for other, value in cursors.items() if other != name and value}
        return url_for("divert.worklist", **kept, **({f"{name}_after": cursor} if cursor else {}),
                       _anchor=name.replace("_", "-"))
    params = {"landmarkLabel": f"Pages of {WORKLIST_CAPTIONS[name].split(',')[0].split(' (')[0].lower()}"}
    if found.has_previous:
        params["previous"] = {"href": href(found.previous_after)}
    if found.next_after is not None:
        params["next"] = {"href": href(found.next_after)}
    return params if len(params) > 1 else None
