"""The referral journey's question pages: what each page asks, how its form becomes the API-shaped draft,
and which of the service's dotted field names (its errors) each page owns.

Nothing here validates: a page only turns form strings into JSON-like values (booleans, ISO dates, numbers)
and the service (`referrals.parse_referral`) says what is wrong. GOV.UK date inputs are the exception the
house allows: `pages.date_from_form` reports missing or non-numeric parts in the Design System's words.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from diversion.domain import referrals as referral_rules
from diversion.domain.eligibility import INTERVIEW_ANSWERS
from diversion.domain.needs import ALL_SUITABILITY_REASONS, SUITABILITY_DECISIONS
from diversion.domain.people import ETHNICITIES, GENDERS, LANGUAGES
from diversion.pages import PageErrors, date_from_form, date_parts, field_id, yes_no

_INTERVIEW_WORDS = {"admitted": "Admitted the offence", "no_comment": "No comment",
                    "denied": "Denied the offence"}
INTERVIEW_LABELS = {answer: _INTERVIEW_WORDS[answer] for answer in INTERVIEW_ANSWERS}

NOT_GIVEN = "Not given"


@dataclass(frozen=True)
class Question:
    name: str                  # the service's dotted name: "person.given_name", "interview"
    label: str                 # the question, and the key on the check-answers page
    kind: str                  # text | textarea | date | yes_no | choice | number | checkboxes
    unanswered: str = NOT_GIVEN  # what check answers says when there is no answer

    @property
    def section(self) -> str | None:
        return self.name.split(".", 1)[0] if "." in self.name else None

    @property
    def key(self) -> str:
        return self.name.rsplit(".", 1)[-1]

    @property
    def id(self) -> str:
        return field_id(self.name)


@dataclass(frozen=True)
class Step:
    slug: str
    heading: str
    questions: tuple[Question, ...]
    owns: tuple[str, ...] = field(default=())  # bare section names whose errors belong here
    missing: str = ""                          # what to say when the whole section is absent

    @property
    def names(self) -> list[str]:
        return [q.name for q in self.questions]

    # ---- from a posted form to draft values -------------------------------------------------------
    def read(self, form) -> tuple[dict[str | None, dict], dict[str, list[str]]]:
        """({section or None: {key: value}}, problems found in the form itself)."""
        grouped: dict[str | None, dict] = {}
        problems: dict[str, list[str]] = {}
        for question in self.questions:
            grouped.setdefault(question.section, {})[question.key] = _read(question, form, problems)
        # "No victim" with "the victim wants a restorative approach" is kept as typed, so that the service
        # refuses it on the restorative question (it is not quietly dropped).
        return grouped, problems

    # ---- what to show in the fields ---------------------------------------------------------------
    def answers_from_draft(self, data: dict, today: date) -> dict:
        answers = {}
        for question in self.questions:
            value = stored(data, question)
            if question.name == "referral_date" and value in (None, ""):
                value = today.isoformat()  # the referral date defaults to today
            answers[question.name] = _shown(question, value)
        return answers

    def answers_from_form(self, form) -> dict:
        answers = {}
        for question in self.questions:
            if question.kind == "date":
                answers[question.name] = {part: form.get(f"{question.id}-{part}", "")
                                          for part in ("day", "month", "year")}
            elif question.kind == "yes_no":
                answers[question.name] = yes_no(form.get(question.id))
            elif question.kind == "checkboxes":
                answers[question.name] = form.getlist(question.id)
            else:
                answers[question.name] = form.get(question.id, "")
        return answers

    def errors(self, problems: dict[str, list[str]]) -> PageErrors:
        """The page's errors, in question order; the summary links a date to its Day box."""
        return PageErrors(problems, order=self.names,
                          dates={q.id for q in self.questions if q.kind == "date"})

    def own(self, problems: dict[str, list[str]]) -> dict[str, list[str]]:
        """The problems that belong on this page (bare section problems shown on its first question)."""
        mine = {}
        for name, messages in problems.items():
            if name in self.names:
                mine[name] = messages
            elif name in self.owns:
                mine.setdefault(self.questions[0].name, [self.missing])
        return mine


def stored(data: dict, question: Question):
    container = data.get(question.section, {}) if question.section else data
    return container.get(question.key) if isinstance(container, dict) else None


def _read(question: Question, form, problems: dict[str, list[str]]):
    if question.kind == "date":
        return date_from_form(question.id, question.label, problems, question.name,
                              form=form)
    if question.kind == "checkboxes":
        return [value for value in form.getlist(question.id) if value] or None
    raw = form.get(question.id)
    if question.kind == "yes_no":
        return yes_no(raw)
    value = (raw or "").strip()
    if not value:
        return None
    if question.kind == "number":
        try:
            return int(value)
        except ValueError:
            return value  # the service says it must be a whole number
    return value


def _shown(question: Question, value):
    if question.kind == "date":
        return date_parts(value)
    if question.kind == "yes_no":
        return value if isinstance(value, bool) else None
    if question.kind == "checkboxes":
        return list(value) if isinstance(value, list) else []
    return "" if value is None else str(value)


def _q(name, label, kind="text", **extra) -> Question:
    return Question(name, label, kind, **extra)


_COUNTED_AS_NO = "Not answered"  # the service now requires an answer
OTHER_SUITE = "Other / not recorded"

STEPS: dict[str, Step] = {step.slug: step for step in (
    Step("person", "Person’s details", (
        _q("person.given_name", "First name"),
        _q("person.family_name", "Last name"),
        _q("person.date_of_birth", "Date of birth", "date"),
        _q("person.gender", "Gender", "choice"),
        _q("person.ethnicity", "Ethnic group", "choice"),
        _q("person.pnc_id", "PNC ID"),
        _q("person.custody_number", "Custody number"),
        _q("person.language", "Language for letters", "choice", unanswered="English"),
        _q("person.postcode", "Postcode"),
        _q("person.phone", "Phone number"),
        _q("person.email", "Email address"),
    ), owns=("person",), missing="Enter the person’s details"),
    Step("offence", "The offence", (
        _q("offence.category", "Offence category", "choice"),
        _q("offence.description", "Description of the offence", "textarea"),
        _q("offence.offence_date", "Date of the offence", "date"),
        _q("offence.arrest_date", "Date of arrest", "date"),
        _q("offence.hate_crime", "Hate crime", "yes_no", unanswered=_COUNTED_AS_NO),
        _q("referral_date", "Referral date", "date"),
        _q("custody_suite_code", "Custody suite", "choice", unanswered=OTHER_SUITE),
        _q("referring_officer", "Referring officer"),
    ), owns=("offence",), missing="Enter the details of the offence"),
    # Asked only when the referral date makes this a late entry (see `applies`).
    Step("late_entry", "Late entry", (
        _q("late_entry_reason", "Why it is entered late", "textarea"),
    )),
    Step("interview", "Interview and evidence", (
        _q("interview", "What they said in interview", "choice"),
        _q("evidential_test_met", "Enough evidence to charge", "yes_no"),
        _q("previous_convictions", "Previous convictions", "number", unanswered="Not known"),
    )),
    Step("flags", "Court orders, bail and detention", (
        _q("flags.court_order", "Court order, suspended sentence or conditional discharge", "yes_no",
           unanswered=_COUNTED_AS_NO),
        _q("flags.on_bail", "On police or court bail", "yes_no", unanswered=_COUNTED_AS_NO),
        _q("flags.co_accused", "Co-accused", "yes_no", unanswered=_COUNTED_AS_NO),
        _q("flags.detained_mental_health", "Detained for court or under the Mental Health Act", "yes_no",
           unanswered=_COUNTED_AS_NO),
    ), owns=("flags",), missing="Answer the questions about court orders, bail and detention"),
    Step("victim", "Victim", (
        _q("has_victim", "Victim", "yes_no"),
        _q("victim_wishes_restorative", "Victim wants a restorative approach", "yes_no",
           unanswered="No"),
    )),
    # Optional: the officer's view of seriousness and propensity (domain/needs.py).
    Step("suitability", "Suitability", (
        _q("suitability.decision", "Suitability", "choice", unanswered="Not recorded"),
        _q("suitability.reasons", "Reasons", "checkboxes", unanswered="None given"),
        _q("suitability.note", "Notes on suitability", "textarea", unanswered="None"),
    ), owns=("suitability",), missing="Answer the questions about suitability"),
)}

ORDER = list(STEPS)
FIRST = ORDER[0]
OWNER = {question.name: step.slug for step in STEPS.values() for question in step.questions}
OWNER.update({section: step.slug for step in STEPS.values() for section in step.owns})


def late_entry_days(data: dict, today: date | None) -> int | None:
    """How many days after the draft's referral date it is being entered, when that makes it a late entry
    (referral_rules.is_late_entry); None when it is on time, or the date is not given (today) or not a date."""
    raw = data.get("referral_date")
    try:
        referral_date = date.fromisoformat(raw) if isinstance(raw, str) and raw else None
    except ValueError:
        return None
    if referral_date is None or today is None or not referral_rules.is_late_entry(referral_date, today):
        return None
    return referral_rules.days_after_referral(referral_date, today)


def applies(slug: str, data: dict, today: date | None) -> bool:
    """Whether the journey asks this page for this draft: the late-entry page only for a late entry."""
    return slug != "late_entry" or late_entry_days(data, today) is not None


def next_step(slug: str, data: dict | None = None, today: date | None = None) -> str | None:
    """The next page this draft is asked on `today` (without them, the next of the pages every draft is asked)."""
    index = ORDER.index(slug)
    following = [s for s in ORDER[index + 1:] if applies(s, data or {}, today)]
    return following[0] if following else None


def previous_step(slug: str, data: dict | None = None, today: date | None = None) -> str | None:
    index = ORDER.index(slug)
    earlier = [s for s in ORDER[:index] if applies(s, data or {}, today)]
    return earlier[-1] if earlier else None


def options(category_choices: list[tuple[str, str]],
            suite_choices: list[tuple[str, str]] | None = None) -> dict[str, list[tuple[str, str]]]:
    """The choices for each choice question (the categories and custody suites are reference data, passed in)."""
    return {
        "person.gender": list(GENDERS.items()),
        "person.language": list(LANGUAGES.items()),
        "custody_suite_code": suite_choices or [],
        "person.ethnicity": list(ETHNICITIES.items()),
        "offence.category": category_choices,
        "interview": list(INTERVIEW_LABELS.items()),
        "suitability.decision": list(SUITABILITY_DECISIONS.items()),
        "suitability.reasons": list(ALL_SUITABILITY_REASONS.items()),
    }
