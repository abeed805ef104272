"""The caseload's "Navigator" filter (managers and admins).

Where there are few navigators (up to SELECT_UP_TO), a select of them by name. A national service has a thousand:
a select of every one made the page grow with the staff list (31 -> 85 kB, issue 14) and is no way to find one
name among a thousand, so beyond SELECT_UP_TO the filter is a text box instead: part of a navigator's name or email
(services/users.navigators_holding). A chosen navigator id (the team page links to one) works either way.

The select depends only on the navigators' ids and names and on the one chosen (staff names, never case data), so
each worker keeps the rendered select by exactly those, newest few only."""
from __future__ import annotations

from collections import OrderedDict
from threading import Lock

from flask import current_app
from markupsafe import Markup
from sqlalchemy import select

from diversion.domain.roles import NAVIGATOR
from diversion.extensions import db
from diversion.models import User

SELECT_UP_TO = 50
MAX_ENTRIES = 64
_rendered: OrderedDict = OrderedDict()
_lock = Lock()


def choices() -> list | None:
    """The active navigators' (id, name), by name, when there are at most SELECT_UP_TO of them; None when there are
    more (the filter is then a text box). Reads at most SELECT_UP_TO + 1 rows."""
    rows = list(db.session.execute(select(User.id, User.name)
                                   .where(User.role == NAVIGATOR, User.active.is_(True))
                                   .order_by(User.name, User.id).limit(SELECT_UP_TO + 1)))
    return rows if len(rows) <= SELECT_UP_TO else None


def name_of(navigator_id: int) -> str:
    """A navigator's name, active or not (for an id that is not a navigator's, no other staff name is shown)."""
    return db.session.scalar(select(User.name).where(User.id == navigator_id, User.role == NAVIGATOR)) or \
        "No such navigator"


def select_html(navigators, chosen: int | None) -> Markup:
    """The rendered select for these (id, name) navigators with `chosen` selected."""
    key = (chosen, tuple((n.id, n.name) for n in navigators))
    with _lock:
        found = _rendered.get(key)
        if found is not None:
            _rendered.move_to_end(key)
            return found
    items = [{"value": "", "text": "Every navigator"}] + [
        {"value": n.id, "text": n.name, "selected": chosen == n.id} for n in navigators]
    macro = current_app.jinja_env.get_template("govuk_frontend_jinja/components/select/macro.html").module.govukSelect
    html = Markup(getattr(macro, "_macro", macro)({
        "id": "navigator", "name": "navigator", "label": {"text": "Navigator", "classes": "govuk-label--s"},
        "items": items}))
    with _lock:
        _rendered[key] = html
        while len(_rendered) > MAX_ENTRIES:
            _rendered.popitem(last=False)
    return html
