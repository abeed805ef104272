"""The caseload page (MoJ filter, sortable table, GOV.UK pagination). A navigator's own contracts; managers and
admins everyone's, by navigator. Filters: status, navigator (navigator_filter.py), deadline within N days, breach
risk (where it is bounded, see services/caseload.py), and one search box for a name, PNC ID or reference."""
from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from diversion import clock, keyset
from diversion.domain import contracts as rules
from diversion.domain import risk as risk_rules
from diversion.domain.roles import NAVIGATOR
from diversion.checkpoint.casework import navigator_filter
from diversion.ids import valid_id
from diversion.lists import ListPage, search_text, whole_number
from diversion.services import caseload, contracts

PER_PAGE = 25
STATUS_CHOICES = [(contracts.OPEN, "Open (active or overdue)"), (rules.ACTIVE, "Active"),
                  (rules.OVERDUE, "Overdue"), (rules.COMPLETED, "Completed"), (rules.BREACHED, "Breached"),
                  (rules.DISCONTINUED, "Discontinued"), ("all", "Any status")]


def render():
    args = request.args
    everyone = current_user.role != NAVIGATOR  # (managers and admins: every navigator's contracts)
    navigators = navigator_filter.choices() if everyone else None
    # By default the caseload is the open contracts (active or overdue); "all" shows every status.
    chosen = args.get("status") or contracts.OPEN
    status = chosen if chosen in rules.STATUS_LABELS or chosen == contracts.OPEN else None
    navigator_id = args.get("navigator", type=int) if everyone else None
    navigator_id = navigator_id if valid_id(navigator_id) else None
    # Where there are too many navigators for a select: part of a navigator's name or email
    navigator_text = search_text(args.get("navigator_name")) if everyone and navigators is None else ""
    page_number = min(max(args.get("page", 1, type=int), 1), 100_000)
    due = whole_number(args.get("due"), low=1, high=3_650)
    q = search_text(args.get("q"))
    bounded = caseload.risk_is_bounded(current_user, navigator_id=navigator_id, status=status)
    offered = caseload.sorts_for(bounded)
    sort = args.get("sort") if args.get("sort") in offered else "deadline"
    level = args.get("risk") if bounded and args.get("risk") in risk_rules.LEVELS else None
    found = caseload.page(current_user, sort=sort, risk_level=level, page_number=page_number,
                          after=args.get("after"), per_page=PER_PAGE,
                          status=status, due_within_days=due, navigator_id=navigator_id,
                          navigator_search=navigator_text, search=q)
    listing = ListPage("casework.caseload", {"status": status or "all", "navigator": navigator_id,
                                             "navigator_name": navigator_text, "q": q, "due": due, "risk": level},
                       sort, offered, "deadline")
    if listing.filters["status"] == contracts.OPEN:
        listing.filters["status"] = None  # the default: keep addresses short
    names = {n.id: n.name for n in navigators or ()}
    # A navigator chosen by id who is not among the select's options (there is a text box instead, or they were
    # deactivated): named on its own, and carried by a hidden field so that applying the filters keeps them.
    carried = navigator_id if navigator_id and navigator_id not in names else None
    if carried:
        names = {carried: navigator_filter.name_of(carried)}
    selected = listing.selected({
        "q": ("Search", q), "status": ("Status", dict(STATUS_CHOICES).get(status or "all", "")),
        "navigator": ("Navigator", names.get(navigator_id, "")),
        "navigator_name": ("Navigator's name or email", navigator_text), "due": ("Deadline", f"Within {due} days"),
        "risk": ("Breach risk", risk_rules.LEVEL_LABELS.get(level, ""))})
    return render_template("casework/caseload.html", contracts=found.rows, risks=found.risks, total=found.total,
                           page=page_number, status=status or "all", navigator_id=navigator_id, q=q, due=due,
                           navigator_text=navigator_text if everyone and navigators is None else None,
                           carried_navigator=carried,
                           level=level, bounded=bounded, listing=listing, selected=selected,
                           navigator_select=navigator_filter.select_html(navigators, navigator_id) if navigators else None,
                           statuses=STATUS_CHOICES, risk_labels=risk_rules.LEVEL_LABELS,
                           pagination=_pagination(listing, page_number, found),
                           counted_up_to=keyset.COUNTED_UP_TO if found.keyset is not None else None,  # by risk: exact
                           invalid_due=bool(args.get("due")) and due is None,
                           today=clock.today(), status_on=rules.status_on)


def _pagination(listing: ListPage, page: int, found) -> dict | None:
    """GOV.UK pagination: Previous / Next by key (a deep page costs what the first does); for the bounded list
    sorted by risk, numbered pages around this one, with the first and last."""
    if found.keyset is not None:
        params = listing.pagination(found.keyset)
        return dict(params, landmarkLabel="Pages of contracts") if params else None
    pages = (found.total + PER_PAGE - 1) // PER_PAGE
    if pages <= 1:
        return None
    items = []
    for n in range(1, pages + 1):
        if n in (1, pages) or abs(n - page) <= 2:
            items.append({"number": n, "href": listing.url(page=n), "current": n == page})
        elif abs(n - page) == 3:
            items.append({"ellipsis": True})
    params = {"items": items, "landmarkLabel": "Pages of contracts"}
    if page > 1:
        params["previous"] = {"href": listing.url(page=page - 1)}
    if page < pages:
        params["next"] = {"href": listing.url(page=page + 1)}
    return params
