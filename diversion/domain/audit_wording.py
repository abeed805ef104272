"""The audit trail in plain English: one sentence for each event ("Tomasz Nowak viewed contract CP-2026-00123 of
Ayesha Hussain"), for the audit page, its CSV export, the API and a person's "who has looked at this record".

Pure: the caller looks up the names and references (a fixed number of queries for a whole page) and hands them in
as `Facts`. An erased person is never named, whatever name the caller passes: they are "an erased person".
Every action the code records has a wording here (a test reads the code's `audit.record(...)` calls to prove it);
an action recorded by older code or a test still gets a plain sentence naming its code.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from diversion.domain import divert as divert_rules
from diversion.domain import dtoa as dtoa_rules
from diversion.domain import roles

ERASED = "an erased person"
SOMEONE = "Someone"

CASE_KINDS = {"contract": "contract", "checkpoint_referral": "Checkpoint referral",
              "divert_referral": "DIVERT referral", "drug_test": "drug test"}


@dataclass(frozen=True)
class Facts:
    """What one sentence needs. Names are as stored; None when there is nobody (or nobody known)."""
    action: str
    actor: str | None = None             # who did it (None: not signed in, or the system)
    object_type: str | None = None
    object_id: str | None = None
    person: str | None = None            # the name of the person the event is about
    person_erased: bool = False          # that person was erased: never named
    reference: str | None = None         # the case's reference (CP-2026-00123, DV-2026-00456)
    subject: str | None = None           # the user acted on (user events), by name
    justification: str | None = None     # the purpose or reason given
    details: dict = field(default_factory=dict)


def person_phrase(name: str | None, erased: bool) -> str | None:
    """How the person is named in a sentence: their name, "an erased person", or None (no one person)."""
    if erased:
        return ERASED
    return name or None


def _person(f: Facts) -> str:
    return person_phrase(f.person, f.person_erased) or "a person"


def _of(f: Facts) -> str:
    named = person_phrase(f.person, f.person_erased)
    return f" of {named}" if named else ""


def _case(f: Facts) -> str:
    kind = CASE_KINDS.get(f.object_type or "", f.object_type or "record")
    if f.reference:
        return f"{kind} {f.reference}"
    return f"a {kind}" if f.object_id is None else f"{kind} (record {f.object_id})"


def _user(f: Facts) -> str:
    return f.subject or "a user who no longer exists"


def _count(f: Facts, noun: str, plural: str) -> str:
    shown = len((f.details or {}).get("ids") or [])
    return f"{shown} {noun if shown == 1 else plural}"


def _purpose(f: Facts) -> str:
    return f" (purpose: {f.justification})" if f.justification else ""


def _sign_in_failed(f: Facts) -> str:
    reason = (f.details or {}).get("reason")
    if reason == "unknown_account" or f.object_id is None:
        return "Someone failed to sign in with an email address that has no account"
    why = {"wrong_password": "wrong password", "deactivated": "the account is deactivated"}.get(reason)
    return f"Someone failed to sign in as {_user(f)}" + (f" ({why})" if why else "")


def _person_view(f: Facts) -> str:
    if f.person or f.person_erased:
        return f"{_actor(f)} viewed the record of {_person(f)}"
    return f"{_actor(f)} was shown the records of {_count(f, 'person', 'people')} beside a case"


def _identity_check(f: Facts) -> str:
    if f.person or f.person_erased:
        return f"{_actor(f)} checked whether a person was already known and was shown the record of {_person(f)}"
    return (f"{_actor(f)} checked whether a person was already known and was shown "
            f"{_count(f, 'record', 'records')}")


def _divert_event(f: Facts) -> str:
    event = (f.details or {}).get("event")
    label = divert_rules.EVENT_LABELS.get(event, "an event")
    return f"{_actor(f)} recorded ‘{label}’ on {_case(f)}{_of(f)}"


def _drug_test_event(f: Facts) -> str:
    label = dtoa_rules.EVENTS.get((f.details or {}).get("event"), "an event")
    return f"{_actor(f)} recorded ‘{label}’ on {_case(f)}{_of(f)}"


def _drug_test_decision(f: Facts) -> str:
    decision = (f.details or {}).get("decision")
    what = {"prosecute": "to prosecute for not attending", "no_further_action": "to take no further action"}.get(
        decision, "on prosecution")
    return f"{_actor(f)} decided {what} after a missed assessment on {_case(f)}{_of(f)}"


def _condition_status(f: Facts) -> str:
    status = (f.details or {}).get("status")
    marked = {"met": "met", "failed": "failed"}.get(status, "met or failed")
    return f"{_actor(f)} marked a condition {marked} on {_case(f)}{_of(f)}"


def _user_create(f: Facts) -> str:
    role = (f.details or {}).get("role")
    return f"{_actor(f)} created an account for {_user(f)}" + (f" as {roles.label(role).lower()}" if role else "")


def _change_role(f: Facts) -> str:
    to = (f.details or {}).get("to") or (f.details or {}).get("role")
    return f"{_actor(f)} changed the role of {_user(f)}" + (f" to {roles.label(to).lower()}" if to else "")


def _actor(f: Facts) -> str:
    return f.actor or SOMEONE


def _retention_decision(f: Facts) -> str:
    if (f.details or {}).get("decision") == "erase":
        return f"{_actor(f)} decided at review that the record of {_person(f)} is to be erased"
    return f"{_actor(f)} decided at review to keep the record of {_person(f)}"


def _recompute(f: Facts) -> str:
    count = (f.details or {}).get("people")
    return "Review dates were recomputed" + (f" for {count} people" if isinstance(count, int) else "") + \
        ("" if f.actor is None else f" by {f.actor}")


# action -> a template (str.format with actor, person, of, case, user, purpose, object_id) or a function of Facts.
WORDING: dict[str, str | Callable[[Facts], str]] = {
    # signing in
    "auth.sign_in": "{actor} signed in",
    "auth.sign_in_failed": _sign_in_failed,
    "auth.throttled": "Someone was stopped after too many attempts to sign in as {user}",
    "auth.password_check_failed": "{actor} entered a wrong current password",
    "auth.two_step_failed": "Someone entered a wrong two-step sign-in code for {user}",
    # users and their access
    "user.create": _user_create,
    "user.change_role": _change_role,
    "user.deactivate": "{actor} deactivated the account of {user}",
    "user.reactivate": "{actor} reactivated the account of {user}",
    "user.change_password": "{actor} changed their own password",
    "user.reset_password": "{actor} reset the password of {user}",
    "user.two_step_enrolled": "{actor} set up two-step sign-in",
    "user.recovery_codes_renewed": "{actor} renewed their two-step recovery codes",
    "user.two_step_reset": "{actor} reset two-step sign-in for {user}",
    "token.create": "{actor} created an API token",
    "token.renew": "{actor} renewed an API token",
    "token.revoke": "{actor} revoked an API token",
    "api.idempotent_replay": "{actor} repeated an API request and was given the earlier answer",
    # reference data
    "reference.offence_category": "{actor} changed whether offence category {object_id} is eligible",
    "reference.policy": "{actor} changed the policy value {object_id}",
    "reference.custody_suite": "{actor} changed custody suite {object_id}",
    "reference.treatment_service": "{actor} changed treatment service {object_id}",
    # people
    "person.view": _person_view,
    "person.list": "{actor} searched for people",
    "person.identity_check": _identity_check,
    "person.contact": "{actor} changed the contact details of {person}",
    "person.merge": "{actor} merged a second record of the same human into the record of {person}",
    # data protection (the record of an erasure never names whom: their name is gone)
    "person.erase": "{actor} erased a person's identifying details and free text (record {object_id})",
    "person.retention_decision": _retention_decision,
    "person.subject_access": "{actor} answered a subject access request of {person}",
    "person.subject_access.view": "{actor} viewed the subject access bundle of {person}",
    "person.subject_access.download": "{actor} downloaded the subject access bundle of {person}",
    "retention.list": "{actor} viewed the records due for retention review",
    "retention.view": "{actor} viewed the retention review of {person}",
    "retention.recompute": _recompute,
    "data_protection.view": "{actor} viewed the data protection page",
    "erasure_log.view": "{actor} viewed the erasure log",
    # Checkpoint referrals
    "checkpoint_referral.create": "{actor} made {case}{of}",
    "checkpoint_referral.view": "{actor} viewed {case}{of}",
    "checkpoint_referral.list": "{actor} viewed a list of Checkpoint referrals",
    "checkpoint_referral.approve": "{actor} approved {case}{of}",
    "checkpoint_referral.refuse": "{actor} refused {case}{of}",
    "checkpoint_referral.decline": "{actor} recorded that the person declined {case}{of}",
    "checkpoint_referral.allocate": "{actor} reserved {case}{of} for a navigator",
    "checkpoint_referral.unallocate": "{actor} took the reservation off {case}{of}",
    "referral_draft.discard": "{actor} discarded an unfinished referral",
    # contracts and their casework
    "contract.create": "{actor} agreed {case} with {person}",
    "contract.view": "{actor} viewed {case}{of}",
    "contract.timeline.view": "{actor} viewed the timeline of {case}{of}",
    "contract.list": "{actor} viewed a list of contracts",
    "contract.note": "{actor} added a note to {case}{of}",
    "contract.progress": "{actor} recorded progress on {case}{of}",
    "contract.condition_status": _condition_status,
    "contract.completed": "{actor} recorded {case}{of} as completed",
    "contract.breached": "{actor} recorded {case}{of} as breached",
    "contract.discontinued": "{actor} recorded {case}{of} as discontinued",
    "contract.alert": "A new referral by {actor} raised an alert on {case}{of}",
    "contract.alert_dismissed": "{actor} dismissed an alert on {case}{of}",
    "contract.reassign": "{actor} handed {case}{of} to another navigator",
    "contract.breach_pack": "{actor} signed a breach evidence pack for {case}{of}",
    "contract.breach_pack.view": "{actor} viewed the breach evidence pack of {case}{of}",
    "contract.breach_pack.download": "{actor} downloaded the breach evidence pack of {case}{of}",
    "onward_referral.create": "{actor} recorded an onward referral to treatment on {case}{of}",
    "onward_referral.start": "{actor} recorded whether treatment started, on {case}{of}",
    "contract.needs": "{actor} recorded the needs assessment of {case}{of}",
    "contract.needs_review": "{actor} reviewed the needs of {case}{of} at the end",
    "referral_outcome.list": "{actor} viewed the outcomes of referrals they made",
    "appointment.book": "{actor} booked an appointment on {case}{of}",
    "appointment.attended": "{actor} recorded an attended appointment on {case}{of}",
    "appointment.missed": "{actor} recorded a missed appointment on {case}{of}",
    "appointment.cancel": "{actor} cancelled an appointment on {case}{of}",
    "appointment.list": "{actor} viewed a day's appointments",
    # DIVERT
    "divert_referral.create": "{actor} made {case}{of}",
    "divert_referral.view": "{actor} viewed {case}{of}",
    "divert_referral.event": _divert_event,
    "divert_referral.list": "{actor} viewed a list of DIVERT referrals",
    # Drug Testing on Arrest
    "drug_test.create": "{actor} recorded {case}{of}",
    "drug_test.view": "{actor} viewed {case}{of}",
    "drug_test.event": _drug_test_event,
    "drug_test.decision": _drug_test_decision,
    "drug_test.list": "{actor} viewed a list of drug tests on arrest",
    # reports and the audit trail itself
    "report.export": "{actor} downloaded the {object_id} report{purpose}",
    "report.export_download": "{actor} downloaded the file of export job {object_id}",
    "reoffending.import": "{actor} imported a proven reoffending extract",
    "audit.view": "{actor} searched the audit trail",
    "audit.export": "{actor} exported the audit trail{purpose}",
}


def has_wording(action: str) -> bool:
    return action in WORDING


def describe(f: Facts) -> str:
    """One plain-English sentence for an event."""
    wording = WORDING.get(f.action)
    if callable(wording):
        return wording(f)
    if wording is None:
        about = f" on {_case(f)}{_of(f)}" if f.object_type else ""
        return f"{_actor(f)}: {f.action}{about}"
    return wording.format(actor=_actor(f), person=_person(f), of=_of(f), case=_case(f), user=_user(f),
                          purpose=_purpose(f), object_id=f.object_id or "")
