"""The "did they start?" form shared by the onward referral pages of both schemes (a contract's, and a DIVERT
referral's): reads the radios and the date into the service's dict (the same shape as the API's body) and
records the start through `services.treatment.record_start`, which holds every rule. Page-level problems (no
answer chosen, a date that cannot be read) are reported in the same summary as the service's."""
from __future__ import annotations

from dataclasses import dataclass, field

from diversion.errors import Conflict, ValidationFailed
from diversion.pages import PageErrors, date_from_form, date_parts
from diversion.services import treatment

ORDER = ["answer", "started_on"]


@dataclass
class StartForm:
    """What the page shows: the chosen answer, the date parts typed, errors, and the status to answer with."""
    answer: str = ""
    parts: dict = field(default_factory=dict)
    errors: PageErrors = field(default_factory=PageErrors)
    status: int = 200
    saved: bool = False


def shown(record) -> StartForm:
    """The form as first shown: the answer already recorded, if any."""
    answer = "started" if record.started_on else "did_not_start" if record.did_not_start else ""
    return StartForm(answer=answer, parts=date_parts(record.started_on))


def submit(record, form, actor) -> StartForm:
    """Record the start from the posted form; `saved` when it was, else the errors (422) or the conflict (409)."""
    problems: dict[str, list[str]] = {}
    answer = form.get("answer", "")
    started = date_from_form("started_on", "The day they started", problems, "started_on", form)
    version = form.get("version", "")
    data: dict = {"version": int(version) if version.isascii() and version.isdigit() else None}
    if answer == "started":
        data["started_on"] = started
        if started is None and not problems:
            problems["started_on"] = ["Enter the day they started"]
    elif answer == "did_not_start":
        data["did_not_start"] = True
    else:
        problems["answer"] = ["Choose whether they started"]
    result = StartForm(answer=answer, parts=date_parts(started))
    try:
        if problems:
            raise ValidationFailed(fields=problems)
        treatment.record_start(record, data, actor=actor)
    except ValidationFailed as failure:
        result.errors, result.status = PageErrors({**failure.fields, **problems}, ORDER, dates={"started_on"}), 422
    except Conflict as conflict:
        result.errors, result.status = PageErrors({"answer": [conflict.message]}), 409
    else:
        result.saved = True
    return result
