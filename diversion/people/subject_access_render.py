"""Showing a subject access bundle to a person: the page, and the standalone HTML file (one self-contained file,
its styles inline, no links to the service) given with the JSON. Both render the same sections from the bundle."""
from __future__ import annotations

from datetime import date, datetime
from flask import render_template
from markupsafe import Markup, escape

from diversion.domain import appointments as appointment_rules
from diversion.domain import contracts as contract_rules
from diversion.domain import divert as divert_rules
from diversion.domain import dtoa as dtoa_rules
from diversion.domain import people as people_rules
from diversion.domain import redaction
from diversion.domain import referrals as referral_rules
from diversion.services.subject_access_bundle import field
from diversion.templating import _format_date, _format_datetime

LABELS = {
    "gender": people_rules.GENDERS, "ethnicity": people_rules.ETHNICITIES, "referral": referral_rules.LABELS,
    "contract": contract_rules.STATUS_LABELS, "condition": contract_rules.CONDITION_LABELS,
    "pathway": contract_rules.PATHWAYS, "note": contract_rules.NOTE_KINDS, "appointment": appointment_rules.KINDS,
    "appointment_status": appointment_rules.STATUS_LABELS, "divert": divert_rules.STATUS_LABELS,
    "divert_event": divert_rules.EVENT_LABELS, "substance": divert_rules.SUBSTANCES, "source": divert_rules.SOURCES,
    "breach": contract_rules.BREACH_REASONS,
    "drug_test": dtoa_rules.STATUS_LABELS, "drug_test_event": dtoa_rules.EVENTS, "drug_result": dtoa_rules.RESULTS,
}


def label(kind: str, code) -> str:
    """A code in words (the code itself where there are none)."""
    if code is None:
        return ""
    return LABELS.get(kind, {}).get(code, str(code).replace("_", " "))


def when(value: str | None) -> str:
    """An ISO timestamp as UK local time; "" for none (and the text itself if it is not one)."""
    try:
        return _format_datetime(datetime.fromisoformat(value)) if value else ""
    except (TypeError, ValueError):
        return str(value)


def day(value: str | None) -> str:
    try:
        return _format_date(date.fromisoformat(value)) if value else ""
    except (TypeError, ValueError):
        return str(value)


def staff(value: dict | None) -> str:
    return value["name"] or f"User {value['id']}" if value else ""


RECORDED = (("given_name", "first name"), ("family_name", "last name"), ("date_of_birth", "date of birth"),
            ("gender", "gender"), ("ethnicity", "ethnic group"), ("pnc_id", "PNC ID"),
            ("custody_number", "custody number"), ("phone", "phone"), ("email", "email"), ("postcode", "postcode"),
            ("address", "address"))


def as_recorded(typed: dict | None) -> str:
    """The person as an officer typed them on a referral, in words ("first name Jade; date of birth 26 August
    1999; ...")."""
    typed = typed if isinstance(typed, dict) else {}
    words = {"date_of_birth": day,
             "gender": lambda v: label("gender", v).lower(), "ethnicity": lambda v: label("ethnicity", v)}
    shown = [f"{name} {words.get(key, str)(typed[key])}" for key, name in RECORDED if typed.get(key)]
    return "; ".join(shown)[:1].upper() + "; ".join(shown)[1:] if shown else "Not recorded (a known person was chosen)"


def free_text(record: dict, name: str) -> Markup:
    """A free-text field as the reader sees it: whole, and when it may name a third party, tagged "review before
    release" with each flagged part marked and the reasons listed. Nothing is hidden."""
    text = field(record, name)
    if not text:
        return Markup("")
    flag = next((f for f in record.get("redaction_review", ()) if f["field"] == name), None)
    if flag is None:
        return Markup('<span class="app-free-text">{}</span>').format(text)
    parts, position = [], 0
    for span in flag["spans"]:
        parts += [escape(text[position:span["start"]]),
                  Markup('<mark class="app-redaction-mark" title="{}">{}</mark>').format(
                      span["reason"], text[span["start"]:span["end"]])]
        position = span["end"]
    parts.append(escape(text[position:]))
    reasons = "; ".join(sorted({span["reason"].lower() for span in flag["spans"]}))
    return Markup('<strong class="govuk-tag govuk-tag--orange app-redaction-tag">{}</strong> '
                  '<span class="app-free-text">{}</span> <span class="govuk-body-s app-redaction-why">'
                  '(Marked: {}.)</span>').format(redaction.REVIEW_MESSAGE, Markup("").join(parts), reasons)


def helpers() -> dict:
    return {"label": label, "when": when, "day": day, "staff": staff, "free_text": free_text,
            "as_recorded": as_recorded}


def standalone_file(bundle: dict, person_name: str) -> str:
    """The bundle as one HTML file that opens anywhere, styles included."""
    return render_template("people/subject_access_file.html", bundle=bundle, person_name=person_name, **helpers())
