"""The contract to engage: its conditions, its status, and when each outcome may be recorded."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from diversion.domain.text import NOT_VALID, storable

OFFENDING, VICTIM, PATHWAY, COMMUNITY = "offending", "victim", "pathway", "community"
CONDITION_TYPES = (OFFENDING, VICTIM, PATHWAY, COMMUNITY)
CLIENT_CONDITION_TYPES = (VICTIM, PATHWAY, COMMUNITY)  # offending is added by the system
PATHWAYS = {
    "drugs": "Drugs", "alcohol": "Alcohol", "mental_health": "Mental health", "accommodation": "Accommodation",
    "finance": "Finance and debt", "relationships": "Relationships", "employment_education": "Employment and education",
    "physical_health": "Physical health", "gambling": "Gambling", "exploitation": "Exploitation", "other": "Other",
}
UNPAID_WORK, GPS_TAG = "unpaid_work", "gps_tag"
COMMUNITY_KINDS = (UNPAID_WORK, GPS_TAG)
MIN_HOURS, MAX_HOURS = 18, 36
MAX_CONDITIONS = 5  # offending included
DESCRIPTION_MAX = 500
OFFENDING_DESCRIPTION = "Do not commit any further offence during the contract."

OPEN, MET, FAILED = "open", "met", "failed"
CONDITION_STATUSES = (OPEN, MET, FAILED)

ACTIVE, OVERDUE, COMPLETED, BREACHED, DISCONTINUED = "active", "overdue", "completed", "breached", "discontinued"
OUTCOMES = (COMPLETED, BREACHED, DISCONTINUED)
STATUS_LABELS = {ACTIVE: "Active", OVERDUE: "Overdue", COMPLETED: "Completed", BREACHED: "Breached",
                 DISCONTINUED: "Discontinued"}
BREACH_REASONS = {
    "reoffended": "Reoffended during the contract",
    "condition_failed": "Failed a condition",
    "withdrew_consent": "Withdrew consent",
    "other": "Another reason",
}
DISCONTINUE_EXAMPLES = {
    "not_in_public_interest": "No longer in the public interest",
    "died": "The person died",
    "other": "Another reason",
}
# An outcome's reason is a code (api-contract: breach reasons are listed, a discontinuation's is a "free code"):
# a short snake_case identifier that fits contracts.outcome_reason, never free text.
REASON_CODE_MAX = 64
_REASON_CODE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


def is_reason_code(value: object) -> bool:
    """`value` is a reason code: lower-case letters and digits in words joined by single underscores, starting
    with a letter, at most REASON_CODE_MAX characters ("not_in_public_interest", "moved_abroad")."""
    return isinstance(value, str) and len(value) <= REASON_CODE_MAX and _REASON_CODE.fullmatch(value) is not None

NOTE_KINDS = {"meeting": "Meeting", "phone": "Phone call", "missed_appointment": "Missed appointment",
              "warning": "Warning", "general": "General note"}
NOTE_MAX = 20_000


def _is(value: object, options) -> bool:
    """`value` is one of the codes in `options` (any JSON value may arrive here, lists included)."""
    return isinstance(value, str) and value in options


@dataclass
class ConditionInput:
    """A condition as a navigator or client proposed it (before validation)."""
    type: object = None
    description: object = None
    pathway: object = None
    community_kind: object = None
    target_hours: object = None


def condition_problems(conditions: list[ConditionInput], victim_wishes_restorative: bool,
                       prefix: str = "conditions") -> dict[str, list[str]]:
    """Every problem with the proposed conditions, keyed by dotted field name."""
    fields: dict[str, list[str]] = {}

    def add(name: str, problem: str) -> None:
        fields.setdefault(name, []).append(problem)

    if len(conditions) + 1 > MAX_CONDITIONS:
        add(prefix, f"A contract has at most {MAX_CONDITIONS} conditions, including no further offending "
                    f"(so at most {MAX_CONDITIONS - 1} more)")
    victims = 0
    for i, c in enumerate(conditions):
        at = f"{prefix}.{i}"
        if c.type == OFFENDING:
            add(f"{at}.type", "The no-further-offending condition is added automatically; do not send it")
            continue
        if not isinstance(c.description, str) or not c.description.strip():
            add(f"{at}.description", "Describe what the person agrees to do")
        elif len(c.description) > DESCRIPTION_MAX:
            add(f"{at}.description", f"Description must be {DESCRIPTION_MAX} characters or fewer")
        elif not storable(c.description):
            add(f"{at}.description", NOT_VALID)
        if not _is(c.type, CLIENT_CONDITION_TYPES):
            add(f"{at}.type", "Choose victim, pathway or community")
            continue
        if c.type == VICTIM:
            victims += 1
        if c.type == PATHWAY and not _is(c.pathway, PATHWAYS):
            add(f"{at}.pathway", "Choose the need this pathway addresses")
        if c.type != PATHWAY and c.pathway not in (None, ""):
            add(f"{at}.pathway", "Only a pathway condition has a need")
        if c.type == COMMUNITY:
            _community_problems(c, at, add)
        else:
            if c.community_kind not in (None, ""):
                add(f"{at}.community_kind", "Only a community condition has unpaid work or a GPS tag")
            if c.target_hours not in (None, ""):
                add(f"{at}.target_hours", "Only unpaid work has a target of hours")
    if victim_wishes_restorative and victims == 0:
        add(prefix, "The victim wants a restorative approach: add a victim condition")
    if not victim_wishes_restorative and victims > 0:
        add(prefix, "Add a victim condition only when the victim wants a restorative approach")
    if victims > 1:
        add(prefix, "A contract has one victim condition at most")
    return fields


def _community_problems(c: ConditionInput, at: str, add) -> None:
    if not _is(c.community_kind, COMMUNITY_KINDS):
        add(f"{at}.community_kind", "Choose unpaid work or a GPS tag")
        return
    if c.community_kind == UNPAID_WORK:
        hours = c.target_hours
        if isinstance(hours, bool) or not isinstance(hours, int) or not MIN_HOURS <= hours <= MAX_HOURS:
            add(f"{at}.target_hours", f"Unpaid work must be a whole number of hours from {MIN_HOURS} to {MAX_HOURS}")
    elif c.target_hours not in (None, ""):
        add(f"{at}.target_hours", "A GPS tag has no hours")


def status_on(stored_status: str, deadline: date, today: date) -> str:
    """The status people see: an active contract past its deadline is overdue (never stored)."""
    if stored_status == ACTIVE and today > deadline:
        return OVERDUE
    return stored_status


def is_open(stored_status: str) -> bool:
    return stored_status == ACTIVE


@dataclass
class OutcomeCheck:
    """What is wrong with a proposed outcome: field errors (422) or a conflict with the contract's state (409)."""
    fields: dict[str, list[str]] = field(default_factory=dict)
    conflict: str | None = None
    conflict_fields: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.fields and self.conflict is None


def check_outcome(*, outcome: object, on: date | None, reason: object, stored_status: str, start_date: date,
                  deadline: date, today: date, condition_statuses: dict[int, tuple[str, str]],
                  open_alerts: list[int] = ()) -> OutcomeCheck:
    """May this outcome be recorded now? `condition_statuses` maps condition id → (type, status);
    `open_alerts` are new referrals the navigator has not yet decided on: a contract is not completed while
    one might be a new offence (revision 2, "live cases")."""
    check = OutcomeCheck()
    if not _is(outcome, OUTCOMES):
        check.fields["outcome"] = ["Choose completed, breached or discontinued"]
    if on is None:
        check.fields["date"] = ["Enter the date of the outcome"]
    elif on > today:
        check.fields["date"] = ["The date of the outcome cannot be in the future"]
    elif on < start_date:
        check.fields["date"] = ["The date of the outcome cannot be before the contract started"]
    if outcome == BREACHED and not _is(reason, BREACH_REASONS):
        check.fields["reason"] = ["Choose why the contract was breached"]
    if outcome == DISCONTINUED:
        if not isinstance(reason, str) or not reason.strip():
            check.fields["reason"] = ["Give the reason the contract was discontinued"]
        elif not is_reason_code(reason):
            check.fields["reason"] = [f"Give the reason as a code: lower-case letters, digits and underscores, "
                                      f"at most {REASON_CODE_MAX} characters (for example not_in_public_interest)"]
    if check.fields:
        return check
    if not is_open(stored_status):
        check.conflict = f"This contract has already ended ({STATUS_LABELS[stored_status].lower()})."
        return check
    if outcome == COMPLETED:
        if on < deadline:
            check.conflict = f"A contract can be completed only on or after its deadline ({deadline:%-d %B %Y})."
            check.conflict_fields["date"] = ["The date must be on or after the deadline"]
        unmet = [cid for cid, (kind, status) in condition_statuses.items() if kind != OFFENDING and status != MET]
        if unmet:
            check.conflict = check.conflict or "Every condition must be met before the contract is completed."
            check.conflict_fields["conditions"] = [str(cid) for cid in sorted(unmet)]
        if open_alerts:
            check.conflict = check.conflict or ("There is a new referral for this person: decide whether it is a "
                                                "breach before completing the contract.")
            check.conflict_fields["alerts"] = [str(aid) for aid in sorted(open_alerts)]
    return check


def condition_status_problem(condition_type: str, new_status: object, stored_status: str, *,
                             community_kind: str | None = None, target_hours: int | None = None,
                             hours_done: float = 0) -> tuple[str, str] | None:
    """(kind, message) when a condition's status may not be set this way: kind is 'field' or 'conflict'.
    Unpaid work is met only when the hours are done (revision 2)."""
    if not _is(new_status, (MET, FAILED)):
        return "field", "Choose met or failed"
    if condition_type == OFFENDING:
        return "conflict", "The no-further-offending condition follows the contract's outcome"
    if not is_open(stored_status):
        return "conflict", "This contract has ended; its conditions can no longer change"
    if new_status == MET and community_kind == UNPAID_WORK and (hours_done or 0) < (target_hours or 0):
        return "conflict", (f"Unpaid work is met only when every hour is done: {hours_done or 0:g} of "
                            f"{target_hours} hours so far")
    return None


def live_on(start_date: date, stored_status: str, outcome_date: date | None, day: date) -> bool:
    """Was the contract in progress (active or overdue) on `day`? From its start until the day before its
    outcome's date: a contract that ended on or before `day` was not live that day."""
    if start_date > day:
        return False
    return outcome_date > day if outcome_date is not None else stored_status == ACTIVE


ENDED_UNMET = "ended_unmet"  # shown, never stored: an open condition of a contract that has ended
CONDITION_LABELS = {OPEN: "Open", MET: "Met", FAILED: "Failed", ENDED_UNMET: "Not met"}


def condition_shown(condition_status: str, contract_status: str) -> str:
    """What a condition's status means to a reader: once the contract has ended an open condition will never
    be met, so it reads "not met" rather than "open"."""
    if condition_status == OPEN and not is_open(contract_status):
        return ENDED_UNMET
    return condition_status


def progress_date_problem(occurred_on: date | None, start_date: date, today: date) -> str | None:
    """Why the day progress happened cannot be recorded, or None: never in the future, never before the
    contract started (None: not given, which means today)."""
    if occurred_on is None:
        return None
    if occurred_on > today:
        return "The date it happened cannot be in the future"
    if occurred_on < start_date:
        return f"The date it happened cannot be before the contract started ({start_date.day} {start_date:%B %Y})"
    return None


def progress_problems(hours: object, note: object, community_kind: str | None, stored_status: str
                      ) -> tuple[dict[str, list[str]], str | None]:
    """Field problems and a conflict message for logging progress on a condition."""
    fields: dict[str, list[str]] = {}
    if hours is not None and hours != "":
        if isinstance(hours, bool) or not isinstance(hours, (int, float)) or not hours > 0:
            fields["hours"] = ["Hours must be a number greater than 0"]
        elif hours > 24:
            fields["hours"] = ["Log at most 24 hours at a time"]
        elif community_kind != UNPAID_WORK:
            fields["hours"] = ["Hours can be logged only against unpaid work"]
    if not isinstance(note, str) or not note.strip():
        fields["note"] = ["Describe the progress"]
    elif len(note) > NOTE_MAX:
        fields["note"] = [f"The note must be {NOTE_MAX:,} characters or fewer"]
    elif not storable(note):
        fields["note"] = [NOT_VALID]
    conflict = None if is_open(stored_status) else "This contract has ended; progress can no longer be logged"
    return fields, conflict
