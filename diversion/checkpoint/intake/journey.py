"""Checking a draft against the service's rules page by page, and the check-answers page's rows."""
from __future__ import annotations

from datetime import date

from flask import url_for

from diversion import clock
from diversion.checkpoint.intake.steps import OWNER, STEPS, Question, applies, stored
from diversion.pages import field_id
from diversion.services import identity, people, reference, referrals
from diversion.services.parse import Problems


def draft_problems(data: dict) -> dict[str, list[str]]:
    """Every problem the service finds in the draft so far (later pages are simply not answered yet).

    It only checks and never raises, so the page's answers, saved with drafts.merge, are committed.
    """
    return referrals.problems(data, clock.today())


def identity_check(data: dict, viewer):
    """Who the draft's person is, as far as the records say (None while their details are incomplete)."""
    problems = Problems()
    person = people.parse_person(data.get("person"), problems, clock.today())
    return None if problems else identity.check(person, viewer)


def category_choices() -> list[tuple[str, str]]:
    return [(category.code, category.title) for category in reference.categories()]


def suite_choices() -> list[tuple[str, str]]:
    from diversion.services import custody_suites
    return [(suite.code, suite.name) for suite in custody_suites.suites()]


def step_url(draft_id: int, slug: str, anchor: str | None = None) -> str:
    url = url_for("intake.step", draft_id=draft_id, step=slug)
    return f"{url}#{anchor}" if anchor else url


def error_links(problems: dict[str, list[str]], draft_id: int) -> list[dict]:
    """The check page's error summary: each problem links to the field on the page that asks it."""
    links = []
    for step in STEPS.values():
        mine = step.own(problems)
        dates = {q.name for q in step.questions if q.kind == "date"}
        for name in sorted(mine, key=step.names.index):
            anchor = field_id(name) + ("-day" if name in dates else "")  # a date links to its Day box
            links.append({"text": mine[name][0], "href": step_url(draft_id, step.slug, anchor)})
    for name, messages in problems.items():
        if name not in OWNER:  # a rule no page owns: say it, linking to the check page itself
            links.append({"text": messages[0], "href": "#check-answers"})
    return links


def answer_sections(data: dict, draft_id: int, labels: dict[str, dict[str, str]],
                    today: date | None = None) -> list[dict]:
    """One summary list per page the draft is asked, each answer with a Change link back to that page."""
    sections = []
    for step in STEPS.values():
        if not applies(step.slug, data, today or clock.today()):
            continue
        rows = []
        for question in step.questions:
            if question.name == "victim_wishes_restorative" and stored(data, STEPS["victim"].questions[0]) is not True:
                continue
            rows.append({
                "key": {"text": question.label},
                "value": {"text": display(question, stored(data, question), labels.get(question.name, {}))},
                "actions": {"items": [{"href": step_url(draft_id, step.slug,
                                                        question.id + ("-day" if question.kind == "date" else "")),
                                       "text": "Change",
                                       "visuallyHiddenText": _lower_first(question.label)}]},
            })
        sections.append({"heading": step.heading, "slug": step.slug, "rows": rows})
    return sections


def _lower_first(text: str) -> str:
    """'First name' → 'first name'; 'PNC ID' stays as it is."""
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


def display(question: Question, value, labels: dict[str, str]) -> str:
    if value is None or value == "" or value == []:
        return question.unanswered
    if isinstance(value, list):
        return "; ".join(labels.get(v, str(v)) for v in value)
    if question.kind == "yes_no":
        return "Yes" if value is True else "No" if value is False else str(value)
    if question.kind == "date":
        return long_date(value)
    if question.kind == "choice":
        return labels.get(value, str(value))
    return str(value)


def long_date(value) -> str:
    """27 March 2026 (an impossible or partial date is shown as it was stored)."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    return f"{value.day} {value:%B %Y}" if isinstance(value, date) else ""
