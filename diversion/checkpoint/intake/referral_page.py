"""What the referral page shows: outcome, reasons in plain English, the person and offence, possible
duplicates, the decision so far, and the actions the reader's role may take."""
from __future__ import annotations

from diversion.domain.needs import ALL_SUITABILITY_REASONS, SUITABILITY_DECISIONS
from diversion.domain import eligibility, referrals as rules
from diversion.domain.people import ETHNICITIES, GENDERS
from diversion.domain.roles import ADMIN, MANAGER, NAVIGATOR

from diversion.checkpoint.intake.journey import long_date
from diversion.checkpoint.intake.steps import INTERVIEW_LABELS
from diversion.pages import PageErrors
from diversion.services import people, reference, users

HEADINGS = {
    rules.INELIGIBLE: "Not eligible for Checkpoint",
    rules.AWAITING_APPROVAL: "Eligible, if a manager approves",
    rules.AWAITING_NAVIGATOR: "Eligible for Checkpoint",
    rules.NOT_APPROVED: "Not approved for Checkpoint",
    rules.DECLINED: "Declined Checkpoint",
    rules.CONTRACTED: "Contract agreed",
}

DECIDERS = {MANAGER, ADMIN}
NAVIGATORS = {NAVIGATOR, ADMIN}
MATCHES = {"pnc_match": "Linked to a known person by their PNC ID",
           "name_match": "Linked to a known person with the same name and date of birth",
           "chosen": "Linked to a known person the officer chose",
           "new_person": "A new record: the officer said this is not the known person with these details",
           "new": "A new record"}
DECISIONS = {"approve": "Approved by a manager", "refuse": "Refused by a manager",
             "decline": "Declined by the person"}


def context(referral, user, *, action: str | None = None, problems: dict | None = None,
            typed_reason: str = "") -> dict:
    """The template's variables. After a failed approve, refuse or decline, `action` names the form, `problems`
    holds its errors and `typed_reason` what the user wrote (shown again)."""
    category = reference.category(referral.offence_category)
    limit = referral.offence_age_limit_months  # the policy in force when the referral was screened
    names = users.names([referral.created_by_id, referral.decided_by_id])
    can_decide = user.role in DECIDERS and referral.status == rules.AWAITING_APPROVAL
    messages = [message for found in (problems or {}).values() for message in found]
    errors = PageErrors({f"{action}.reason": messages} if action else {})
    recorded = referral.person_as_recorded
    sees_record = people.may_read_person(referral.person_id, user)
    typed_name = " ".join(recorded[k] for k in ("given_name", "family_name") if recorded.get(k))
    return {
        "referral": referral,
        "person_name": typed_name or (referral.person.full_name if sees_record else "the person"),
        "person_link": sees_record,
        "decision": DECISIONS.get(referral.decision, rules.LABELS.get(referral.status)),
        "heading": HEADINGS.get(referral.status, rules.LABELS.get(referral.status, "Referral")),
        "reasons": [eligibility.explain(code, limit) for code in referral.reasons
                    if code in eligibility.REASONS],
        "category_title": category.title if category else referral.offence_category,
        "duplicates": people.shown(referral.possible_duplicates, user, "possible_duplicate"),
        "person_rows": person_rows(recorded) + [_row("Record", MATCHES.get(referral.identity_match))],
        "offence_rows": offence_rows(referral, category.title if category else referral.offence_category,
                                     names.get(referral.created_by_id)),
        "decided_by": names.get(referral.decided_by_id),
        "can_decide": can_decide,
        "can_work": user.role in NAVIGATORS and referral.status == rules.AWAITING_NAVIGATOR,
        "errors": errors,
        "error_links": _links(errors, action, can_decide if action in ("approve", "refuse") else
                              user.role in NAVIGATORS and referral.status == rules.AWAITING_NAVIGATOR),
        "typed": {action: typed_reason} if action else {},
        "late_entry": late_entry(referral),
    }


def late_entry(referral) -> str | None:
    """'Entered 12 days after the referral date: <reason>' for a late entry (rules.is_late_entry), else None."""
    from zoneinfo import ZoneInfo

    entered_on = referral.created_at.astimezone(ZoneInfo("Europe/London")).date()
    if not rules.is_late_entry(referral.referral_date, entered_on):
        return None
    days = rules.days_after_referral(referral.referral_date, entered_on)
    return f"Entered {days} days after the referral date: {referral.late_entry_reason or 'no reason was recorded'}"


def _links(errors: PageErrors, action: str | None, form_shown: bool) -> list[dict]:
    if form_shown:
        return errors.summary()
    return [{"text": link["text"], "href": "#status"} for link in errors.summary()]


def _row(key: str, value) -> dict:
    return {"key": {"text": key}, "value": {"text": value if value not in (None, "") else "Not given"}}


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def person_rows(recorded: dict) -> list[dict]:
    """The person as the officer recorded them on this referral."""
    name = " ".join(recorded[k] for k in ("given_name", "family_name") if recorded.get(k))
    return [
        _row("Name", name),
        _row("Date of birth", long_date(recorded.get("date_of_birth")) if recorded.get("date_of_birth") else None),
        _row("PNC ID", recorded.get("pnc_id")),
        _row("Custody number", recorded.get("custody_number")),
        _row("Gender", GENDERS.get(recorded.get("gender"))),
        _row("Ethnic group", ETHNICITIES.get(recorded.get("ethnicity"))),
        _row("Postcode", recorded.get("postcode")),
        _row("Phone number", recorded.get("phone")),
        _row("Email address", recorded.get("email")),
    ]


def offence_rows(referral, category_title: str, referred_by: str | None) -> list[dict]:
    return [
        _row("Reference", referral.reference),
        _row("Offence category", category_title),
        _row("Description", referral.offence_description),
        _row("Date of the offence", long_date(referral.offence_date)),
        _row("Date of arrest", long_date(referral.arrest_date) if referral.arrest_date else None),
        _row("Referral date", long_date(referral.referral_date)),
        _row("Hate crime", _yes_no(referral.hate_crime)),
        _row("What they said in interview", INTERVIEW_LABELS.get(referral.interview, referral.interview)),
        _row("Enough evidence to charge", _yes_no(referral.evidential_test_met)),
        _row("Court order, suspended sentence or conditional discharge", _yes_no(referral.court_order)),
        _row("On police or court bail", _yes_no(referral.on_bail)),
        _row("Co-accused", _yes_no(referral.co_accused)),
        _row("Detained for court or under the Mental Health Act", _yes_no(referral.detained_mental_health)),
        _row("Victim", _yes_no(referral.has_victim)),
        _row("Victim wants a restorative approach",
             _yes_no(referral.victim_wishes_restorative) if referral.has_victim else "No victim"),
        _row("Previous convictions", "Not known" if referral.previous_convictions is None
             else str(referral.previous_convictions)),
        _row("Custody suite", referral.custody_suite),
        _row("Referring officer", referral.referring_officer),
        _row("Recorded by", referred_by),
        *suitability_rows(referral),
    ]


def suitability_rows(referral) -> list[dict]:
    """The officer's suitability decision, its reasons and note (rows shown only when one was recorded)."""
    if not referral.suitability:
        return [_row("Suitability", "Not recorded")]
    rows = [_row("Suitability", SUITABILITY_DECISIONS.get(referral.suitability, referral.suitability)),
            _row("Reasons for the decision", "; ".join(ALL_SUITABILITY_REASONS.get(code, code)
                                                      for code in referral.suitability_reasons or []))]
    if referral.suitability_note:
        rows.append(_row("Notes on suitability", referral.suitability_note))
    return rows
