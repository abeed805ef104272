"""Referrals awaiting a navigator (MoJ filter, sortable table, keyset pages): oldest referral date first (those
who have waited longest), or newest first; filtered by offence or found by name, PNC ID or reference. The page
says how many there are in all; Previous / Next walk them by key, each waiting referral on exactly one page."""
from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from diversion import clock, keyset
from diversion.checkpoint.intake import list_views
from diversion.domain import referrals as referral_rules
from diversion.lists import ListPage, search_text
from diversion.services import allocation, reference, referrals

SORTS = {"oldest": "Waited longest first (oldest referral date)", "newest": "Referral date, newest first"}


def render():
    args = request.args
    categories = {c.code: c.title for c in reference.categories(include_inactive=True)}
    category = args.get("category") if args.get("category") in categories else None
    q = search_text(args.get("q"))
    sort = args.get("sort") if args.get("sort") in SORTS else "oldest"
    listing = ListPage("casework.queue", {"category": category, "q": q}, sort, SORTS, "oldest")
    page = list_views.sorted_page(referral_rules.AWAITING_NAVIGATOR, sort, search=q, category=category)
    total = referrals.count(current_user, status=referral_rules.AWAITING_NAVIGATOR, search=q, category=category)
    allocation.with_reserved_navigators(page.rows)  # "Reserved for ..." without a query per referral
    selected = listing.selected({"q": ("Search", q), "category": ("Offence", categories.get(category, ""))})
    return render_template("casework/queue.html", referrals=page.rows, categories=categories, today=clock.today(),
                           listing=listing, selected=selected, category=category, q=q, total=total,
                           counted_up_to=keyset.COUNTED_UP_TO,
                           pagination=listing.pagination(page))
