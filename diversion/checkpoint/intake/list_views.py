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
from diversion.services import reference, referrals

PAGE_SIZE = 25
EVERYONE = {MANAGER, ADMIN}


@bp.get("/referrals", endpoint="referrals")
@roles_required(CUSTODY_OFFICER, MANAGER, ADMIN)
def referral_list():
    everyone = current_user.role in EVERYONE  # officers see the referrals they made (need to know)
    status = request.args.get("status") if everyone else None
    status = status if status in rules.STATUSES else None
    late = everyone and request.args.get("late") == "1"  # managers review late entries (issue 9, finding 11)
    page = sorted_page(status, "newest", late_only=late)
    late_by = {row.id: rules.days_after_referral(row.referral_date, _local_date(row.created_at))
               for row in page.rows} if late else None
    return render_template("intake/referrals.html", page=page, everyone=everyone, status=status, late=late,
                           late_limit=rules.LATE_ENTRY_DAYS,
                           late_by=late_by, statuses=list(rules.LABELS.items()), titles=_category_titles(),
                           pagination=pagination("intake.referrals", page, status=status, late="1" if late else None))


@bp.get("/approvals")
@roles_required(MANAGER, ADMIN)
def approvals():
    page = sorted_page(rules.AWAITING_APPROVAL, "waiting")
    today = clock.today()
    waiting = {row.id: (today - _local_date(row.created_at)).days for row in page.rows}
    return render_template("intake/approvals.html", page=page, waiting=waiting, titles=_category_titles(),
                           pagination=pagination("intake.approvals", page))


def sorted_page(status: str | None, order: str, late_only: bool = False):
    """One page of the referrals the user may read, sorted by `order`, from the address's cursor."""
    fetch = partial(referrals.listing, current_user, status=status, order=order, late_only=late_only)
    return keyset_page(fetch, lambda row: referrals.position(row, order), request.args.get("after"), PAGE_SIZE)


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
