"""Lists of referrals: an officer's own, everyone's for managers (by status), and the approvals queue.

Each page is a fixed number of queries: the referrals with their people in one, the category titles in one;
the people listed are audited as viewed (by the listing service).
"""
from __future__ import annotations

from datetime import date
from functools import partial
from zoneinfo import ZoneInfo

from flask import render_template, request, url_for
from flask_login import current_user

from diversion import clock
from diversion.access import roles_required
from diversion.domain import referrals as rules
from diversion.domain.roles import ADMIN, CUSTODY_OFFICER, MANAGER
from diversion.checkpoint.intake.paging import keyset_page
from diversion.checkpoint.intake.views import bp
from diversion.domain import divert as divert_rules
from diversion.lists import ListPage, search_text
from diversion.services import divert_lists, drafts, reference, referrals

PAGE_SIZE = 25
OFFICER_DIVERT_SHOWN = 10
EVERYONE = {MANAGER, ADMIN}


REFERRAL_SORTS = {"newest": "Referral date, newest first", "oldest": "Referral date, oldest first"}
APPROVAL_SORTS = {"waiting": "Waiting longest first", "newest": "Referral date, newest first"}


@bp.get("/referrals", endpoint="referrals")
@roles_required(CUSTODY_OFFICER, MANAGER, ADMIN)
def referral_list():
    everyone = current_user.role in EVERYONE  # officers see the referrals they made (need to know)
    args = request.args
    status = args.get("status") if args.get("status") in rules.STATUSES else None
    late = everyone and args.get("late") == "1"  # managers review late entries (issue 9, finding 11)
    titles = _category_titles()
    category = args.get("category") if everyone and args.get("category") in titles else None
    q = search_text(args.get("q"))
    sort = args.get("sort") if args.get("sort") in REFERRAL_SORTS else "newest"
    listing = ListPage("intake.referrals", {"status": status, "late": "1" if late else None, "category": category,
                                            "q": q}, sort, REFERRAL_SORTS, "newest")
    page = sorted_page(status, sort, late_only=late, search=q, category=category)
    late_by = {row.id: rules.days_after_referral(row.referral_date, _local_date(row.created_at))
               for row in page.rows} if late else None
    selected = listing.selected({"q": ("Search", q), "status": ("Status", rules.LABELS.get(status, "")),
                                 "category": ("Offence", titles.get(category, "")),
                                 "late": ("Late entries", "Entered late")})
    officer = {} if everyone else {"drafts": drafts.unfinished(current_user),
                                   "divert": divert_lists.every_referral(current_user, size=OFFICER_DIVERT_SHOWN)}
    return render_template("intake/referrals.html", page=page, everyone=everyone, status=status, late=late,
                           late_limit=rules.LATE_ENTRY_DAYS, category=category, q=q, listing=listing,
                           selected=selected, late_by=late_by, statuses=list(rules.LABELS.items()), titles=titles,
                           pagination=listing.pagination(page), substances=divert_rules.SUBSTANCES,
                           divert_labels=divert_rules.STATUS_LABELS, **officer)


@bp.get("/approvals")
@roles_required(MANAGER, ADMIN)
def approvals():
    args = request.args
    titles = _category_titles()
    category = args.get("category") if args.get("category") in titles else None
    q = search_text(args.get("q"))
    sort = args.get("sort") if args.get("sort") in APPROVAL_SORTS else "waiting"
    listing = ListPage("intake.approvals", {"category": category, "q": q}, sort, APPROVAL_SORTS, "waiting")
    page = sorted_page(rules.AWAITING_APPROVAL, sort, search=q, category=category)
    today = clock.today()
    waiting = {row.id: (today - _local_date(row.created_at)).days for row in page.rows}
    selected = listing.selected({"q": ("Search", q), "category": ("Offence", titles.get(category, ""))})
    return render_template("intake/approvals.html", page=page, waiting=waiting, titles=titles, listing=listing,
                           selected=selected, category=category, q=q, pagination=listing.pagination(page))


def sorted_page(status: str | None, order: str, late_only: bool = False, search: str | None = None,
                category: str | None = None):
    """One page of the referrals the user may read, sorted by `order`, from the address's cursor."""
    fetch = partial(referrals.listing, current_user, status=status, order=order, late_only=late_only,
                    search=search, category=category)
    return keyset_page(fetch, lambda row: referrals.position(row, order), request.args.get("after"), PAGE_SIZE,
                       column=referrals.ORDERS[order][0])


def _category_titles() -> dict[str, str]:
    return {category.code: category.title for category in reference.categories(include_inactive=True)}


def _local_date(moment) -> date:
    return moment.astimezone(ZoneInfo("Europe/London")).date()


def pagination(endpoint: str, page, **args) -> dict | None:
    args = {key: value for key, value in args.items() if value}
    params = {}
    if page.has_previous:
        previous_args = dict(args, after=page.previous_after) if page.previous_after is not None else args
        params["previous"] = {"href": url_for(endpoint, **previous_args)}
    if page.next_after is not None:
        params["next"] = {"href": url_for(endpoint, **dict(args, after=page.next_after))}
    return params or None
