"""Rendered GOV.UK components kept for reuse: what is the same for every request is rendered once per worker.

A GOV.UK Frontend macro is a pure function of its one `params` argument (it is imported without context, so it
sees no request, user or nonce), yet each call re-imports its sub-macros and walks its params: a status tag costs
about 80 µs and a select 500 µs, and a list page calls them dozens of times (issue 14). The few components listed in
CACHED are given labels, codes, staff names and counts, never a person's case data; their output is remembered by
the exact value of their params (types included, so that Markup and plain text never share an entry), in a bounded
LRU per worker. Anything unusual (another argument, `caller`, a value that is not plain data) is rendered afresh.
Components that carry case data (summary lists, tables, pagination cursors) are never kept; a text input only
while it is empty (a list page's search box and filters as first shown): one holding what someone typed is
rendered afresh and not remembered.
"""
from __future__ import annotations

from collections import OrderedDict
from threading import Lock

from jinja2 import Template
from markupsafe import Markup

PREFIX = "govuk_frontend_jinja/components/"
CACHED = {
    "input": "govukInput",
    "tag": "govukTag",
    "button": "govukButton",
    "phase-banner": "govukPhaseBanner",
    "service-navigation": "govukServiceNavigation",
    "select": "govukSelect",
    "back-link": "govukBackLink",
}
ONLY_WHEN = {"govukInput": lambda params: params.get("value") in (None, "")}  # kept only for these params
MAX_ENTRIES = 2048
_PLAIN = (str, int, float, bool, type(None))


class _Unkeyable(Exception):
    pass


def _key(value):
    """A hashable value that is equal only for params that render the same."""
    if isinstance(value, dict):
        return ("d", tuple((k, _key(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return ("l", tuple(_key(v) for v in value))
    if type(value) in _PLAIN or type(value) is Markup:
        return (type(value).__name__, value)
    raise _Unkeyable


class _Remembered:
    """Calls the macro once per distinct params; keeps the newest MAX_ENTRIES answers."""

    def __init__(self, macro, keep=None):
        self._macro = macro
        self._keep = keep  # params -> whether this call may be remembered (None: always)
        self._answers: OrderedDict = OrderedDict()
        self._lock = Lock()

    def __call__(self, *args, **kwargs):
        if kwargs or len(args) != 1 or not isinstance(args[0], dict):
            return self._macro(*args, **kwargs)
        if self._keep is not None and not self._keep(args[0]):
            return self._macro(*args)
        try:
            key = _key(args[0])
        except _Unkeyable:
            return self._macro(*args)
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
                return answer
        answer = self._macro(*args)
        with self._lock:
            self._answers[key] = answer
            if len(self._answers) > MAX_ENTRIES:
                self._answers.popitem(last=False)
        return answer

    def __getattr__(self, name):  # name, arguments, catch_kwargs...: as the macro has them
        return getattr(self._macro, name)


class CachingTemplate(Template):
    """Jinja's Template, whose module (what `{% from ... import %}` reads) hands out remembered components."""

    def make_module(self, vars=None, shared=False, locals=None):
        module = super().make_module(vars, shared, locals)
        name = self.name or ""
        if name.startswith(PREFIX) and name.endswith("/macro.html"):
            macro_name = CACHED.get(name[len(PREFIX):-len("/macro.html")])
            if macro_name and hasattr(module, macro_name):
                setattr(module, macro_name, _Remembered(getattr(module, macro_name), ONLY_WHEN.get(macro_name)))
        return module
