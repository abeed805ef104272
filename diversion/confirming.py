"""Confirmation pages before anything irreversible (GOV.UK "Are you sure…?"): the first POST shows what will
happen and a button that posts the same values again with `confirm=yes`; only that second POST changes anything.
CSRF stays on both (the page carries a new token)."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import render_template, request


@dataclass
class Confirmation:
    question: str                      # the page's heading: "Are you sure …?"
    action: str                        # where the button posts
    button: str                        # what the button says: "Yes, mark it as failed"
    cancel: str                        # the "Cancel" link back
    warning: str                       # what cannot be undone
    caption: str = ""
    rows: list[dict] = field(default_factory=list)   # GOV.UK summary list rows: what will be recorded
    explain: list[str] = field(default_factory=list)
    hidden: list[tuple[str, str]] | None = None      # default: the posted form, as it was sent


def confirmed(form=None) -> bool:
    return (form if form is not None else request.form).get("confirm") == "yes"


def page(confirmation: Confirmation, form=None):
    """The confirmation page; by default it carries every posted value (but the CSRF token) to the button."""
    form = form if form is not None else request.form
    if confirmation.hidden is None:
        confirmation.hidden = [(k, v) for k, v in form.items(multi=True) if k not in ("csrf_token", "confirm")]
    return render_template("confirm.html", confirm=confirmation), 200
