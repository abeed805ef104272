"""The audit trail page: an MoJ filter (action, who, from and to dates), newest or oldest first, keyset pages."""
from __future__ import annotations

import re
from datetime import date

from flask import render_template, request
from flask_login import current_user
from sqlalchemy import select

from diversion.extensions import db
from diversion.ids import valid_id
from diversion.lists import ListPage
from diversion.models import User
from diversion.pages import PageErrors, date_from_form
from diversion.services import audit_trail

ACTION = re.compile(r"^[a-z][a-z_.]{0,63}$")
SORTS = {"newest": "Newest first", "oldest": "Oldest first"}


def _day(prefix: str, label: str, problems: dict) -> date | None:
    text = date_from_form(prefix, label, problems, prefix, request.args)
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.setdefault(prefix, []).append(f"{label} must be a real date")
        return None


def render():
    args, problems = request.args, {}
    action = (args.get("action") or "").strip().lower()
    if action and not ACTION.match(action):
        problems["action"] = ["Enter an action like contract.view, or contract for every contract action"]
        action = ""
    people = list(db.session.scalars(select(User).order_by(User.name, User.id)))
    chosen = args.get("user", type=int)
    actor_id = chosen if valid_id(chosen) and any(u.id == chosen for u in people) else None
    since, until = _day("from", "The from date", problems), _day("to", "The to date", problems)
    if since and until and until < since:
        problems["to"] = ["The to date must be the same as or after the from date"]
        until = None
    sort = args.get("sort") if args.get("sort") in SORTS else "newest"
    shown_dates = {f"{name}-{part}": args.get(f"{name}-{part}") for name in ("from", "to")
                   for part in ("day", "month", "year") if args.get(f"{name}-{part}")}
    listing = ListPage("admin.audit", {"action": action, "user": actor_id, **shown_dates}, sort, SORTS, "newest")
    found = audit_trail.search(current_user, action=action or None, actor_id=actor_id, since=since, until=until,
                               sort=sort, after=args.get("after"))
    names = {u.id: u.name for u in people}
    selected = [item for item in listing.selected({"action": ("Action", action),
                                                   "user": ("Who", names.get(actor_id, ""))})]
    for name, label, day in (("from", "From", since), ("to", "To", until)):
        if day:
            selected.append({"heading": label, "text": f"{day.day} {day:%B %Y}",
                             "href": listing.url(**{f"{name}-{p}": None for p in ("day", "month", "year")},
                                                 after=None)})
    return render_template("admin/audit.html", events=found.rows, page=found, listing=listing, selected=selected,
                           people=people, actor_id=actor_id, action=action, dates=shown_dates,
                           errors=PageErrors(problems, ["action", "from", "to"], dates=("from", "to")),
                           pagination=listing.pagination(found))
