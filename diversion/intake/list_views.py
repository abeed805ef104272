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
from diversion.ids import valid_id
from diversion.intake.paging import keyset_page
from diversion.intake.views import bp
from diversion.services import reference, referrals

PAGE_SIZE = 25
EVERYONE = {MANAGER, ADMIN}


@bp.get("/referrals", endpoint="referrals")
@roles_required(CUSTODY_OFFICER, MANAGER, ADMIN)
def referral_list():
    everyone = current_user.role in EVERYONE
    status = request.args.get("status") if everyone else None
    status = status if status in rules.STATUSES else None
    fetch = partial(referrals.listing, status=status, created_by=None if everyone else current_user.id)
    page = keyset_page(fetch, _cursor(), PAGE_SIZE, newest_first=True, viewer=current_user)
    return render_template("intake/referrals.html", page=page, everyone=everyone, status=status,
                           statuses=list(rules.LABELS.items()), titles=_category_titles(),
                           pagination=_pagination("intake.referrals", page, status=status))


@bp.get("/approvals")
@roles_required(MANAGER, ADMIN)
def approvals():
    fetch = partial(referrals.listing, status=rules.AWAITING_APPROVAL)
    page = keyset_page(fetch, _cursor(), PAGE_SIZE, newest_first=False, viewer=current_user)
    today = clock.today()
    waiting = {row.id: (today - _local_date(row.created_at)).days for row in page.rows}
    return render_template("intake/approvals.html", page=page, waiting=waiting, titles=_category_titles(),
                           pagination=_pagination("intake.approvals", page))


def _cursor() -> int | None:
    after = request.args.get("after", type=int)
    after = after if valid_id(after) else None
    return after if after is not None and after >= 0 else None


def _category_titles() -> dict[str, str]:
    return {category.code: category.title for category in reference.categories(include_inactive=True)}


def _local_date(moment) -> date:
    return moment.astimezone(ZoneInfo("Europe/London")).date()


def _pagination(endpoint: str, page, **args) -> dict | None:
    args = {key: value for key, value in args.items() if value}
    params = {}
    if page.has_previous:
        previous_args = dict(args, after=page.previous_after) if page.previous_after is not None else args
        params["previous"] = {"href": url_for(endpoint, **previous_args)}
    if page.next_after is not None:
        params["next"] = {"href": url_for(endpoint, **dict(args, after=page.next_after))}
    return params or None
