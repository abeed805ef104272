"""Drug Testing on Arrest: the words of the contract ("Revision 2: outcomes") and of the law behind them.

PACE s.63B: a test after arrest for a trigger offence, or on an inspector's authority; refusing without good cause
is an offence. Drugs Act 2005 ss.9-12: a positive test (cocaine, opiates or both) requires an initial assessment,
which may require a follow-up assessment; failing to attend or stay is an offence."""
from __future__ import annotations

RESULTS = {
    "negative": "Negative",
    "cocaine": "Positive for cocaine",
    "opiates": "Positive for opiates",
    "both": "Positive for cocaine and opiates",
    "refused": "Refused to give a sample",
}
POSITIVE_RESULTS = frozenset({"cocaine", "opiates", "both"})

EVENTS = {
    "initial_assessment_attended": "Initial assessment attended",
    "initial_assessment_missed": "Initial assessment missed",
    "follow_up_required": "Follow-up assessment required",
    "follow_up_attended": "Follow-up assessment attended",
    "follow_up_missed": "Follow-up assessment missed",
    "referred_to_treatment": "Referred to treatment",
    "entered_treatment": "Entered treatment",
    "prosecuted_for_non_attendance": "Prosecuted for not attending",
}


def status_after_test(result: str) -> str:
    """The status a test starts with (the contract's 201 `status`)."""
    if result == "refused":
        return "refused"
    return "assessment_required" if result in POSITIVE_RESULTS else "negative"
