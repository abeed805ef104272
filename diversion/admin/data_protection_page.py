"""The data protection page (administrators): reviews due, retain decisions and erasures this year, subject access
requests answered and how long they took against the statutory month, exports made; and the erasure log."""
from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from diversion import clock
from diversion.access import roles_required
from diversion.admin.views import bp
from diversion.domain.roles import ADMIN
from diversion.lists import ListPage
from diversion.services import data_protection


@bp.route("/data-protection")
@roles_required(ADMIN)
def data_protection_page():
    return render_template("admin/data_protection.html",
                           figures=data_protection.figures_for(clock.today(), current_user))


@bp.route("/erasures")
@roles_required(ADMIN)
def erasure_log():
    listing = ListPage("admin.erasure_log", {}, "newest", {"newest": "Newest first"}, "newest")
    found = data_protection.erasure_log(current_user, after=request.args.get("after"))
    return render_template("admin/erasure_log.html", erasures=found.rows, pagination=listing.pagination(found))
