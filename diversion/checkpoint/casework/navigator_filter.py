"""The caseload's "Navigator" filter (managers and admins): a select of every active navigator.

At national scale that is a thousand options: about 190 ms to render through the GOV.UK macro on every request, or
60 ms just to key in the component cache (diversion/template_cache.py). The select depends only on the navigators'
ids and names and on the one chosen (staff names, never case data), so each worker keeps the rendered select by
exactly those, newest few only; building the key is one tuple of (id, name) pairs."""
from __future__ import annotations

from collections import OrderedDict
from threading import Lock

from flask import current_app
from markupsafe import Markup

MAX_ENTRIES = 64
_rendered: OrderedDict = OrderedDict()
_lock = Lock()


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
