"""Suitability and needs: the custody officer's suitability decision on a Checkpoint referral (Durham weighs
"seriousness and propensity" before offering), and the navigator's needs assessment across the critical
pathways, which the pathway conditions are chosen from and which is reviewed at the end.

Pure rules: every function takes plain values and returns problems as {dotted field name: [message]}.
"""
from __future__ import annotations

from dataclasses import dataclass

from diversion.domain.contracts import PATHWAYS
from diversion.domain.text import storable

# ---- suitability ------------------------------------------------------------------------------------
SUITABLE, NOT_SUITABLE = "suitable", "not_suitable"
SUITABILITY_DECISIONS = {SUITABLE: "Suitable", NOT_SUITABLE: "Not suitable"}
# The reasons an officer may give, for each decision (coded, so they can be counted).
SUITABILITY_REASONS = {
    SUITABLE: {
        "low_seriousness": "The offence is not too serious to divert",
        "low_propensity": "Low propensity to reoffend",
        "motivated": "Motivated to engage",
        "needs_addressable": "Needs that a contract could address",
    },
    NOT_SUITABLE: {
        "too_serious": "The offence is too serious to divert",
        "high_propensity": "High propensity to reoffend",
        "unlikely_to_engage": "Unlikely to engage",
        "risk_to_others": "A risk to others",
        "other": "Another reason",
    },
}
ALL_SUITABILITY_REASONS = {code: label for reasons in SUITABILITY_REASONS.values() for code, label in reasons.items()}
SUITABILITY_NOTE_MAX = 2000


def suitability_problems(decision: object, reasons: object, note: object) -> dict[str, list[str]]:
    """What is wrong with a suitability decision: a decision from the list, at least one reason, each a reason
    for that decision (no repeats), and an optional note of text."""
    problems: dict[str, list[str]] = {}
    known = isinstance(decision, str) and decision in SUITABILITY_DECISIONS  # (an object or a list is no decision)
    if not known:
        problems["suitability.decision"] = ["Choose whether the person is suitable for Checkpoint"]
    if not isinstance(reasons, list) or not reasons:
        problems["suitability.reasons"] = ["Choose at least one reason"]
    elif known:
        allowed = SUITABILITY_REASONS[decision]
        if any(not isinstance(r, str) or r not in allowed for r in reasons):
            problems["suitability.reasons"] = [
                f"Choose reasons for ‘{SUITABILITY_DECISIONS[decision].lower()}’ from the list"]
        elif len(set(reasons)) != len(reasons):
            problems["suitability.reasons"] = ["Choose each reason once"]
    if note is not None and not isinstance(note, str):
        problems["suitability.note"] = ["Enter the note as text"]
    elif isinstance(note, str) and len(note) > SUITABILITY_NOTE_MAX:
        problems["suitability.note"] = [f"Must be {SUITABILITY_NOTE_MAX:,} characters or fewer"]
    elif isinstance(note, str) and not storable(note):
        problems["suitability.note"] = ["Contains characters that are not valid text"]
    return problems


def suitability_given(value: object) -> bool:
    """Whether a (form or API) suitability answer says anything: an absent or wholly blank one is no answer."""
    if value is None:
        return False
    if not isinstance(value, dict):
        return True  # not an object: a problem to report, not silence
    return any(v not in (None, "", []) for v in value.values())


# ---- needs ---------------------------------------------------------------------------------------------
SCORES = {0: "none", 1: "low", 2: "medium", 3: "high"}
SCORE_LABELS = {0: "No need", 1: "Low", 2: "Medium", 3: "High"}
SUGGEST_FROM = 2  # a need scored medium or high suggests a pathway condition
NOTE_MAX = 2000
MET, REDUCED, UNCHANGED = "met", "reduced", "unchanged"
REVIEW_RESULTS = {MET: "Need met", REDUCED: "Need reduced", UNCHANGED: "Need unchanged"}


@dataclass(frozen=True)
class Need:
    pathway: str
    score: int
    note: str | None = None


def need_problems(needs: object) -> dict[str, list[str]]:
    """What is wrong with an assessment: a non-empty list of {pathway, score, note?}, each pathway from the
    contract's list once, a score 0–3, a note of text."""
    if not isinstance(needs, list) or not needs:
        return {"needs": ["Score at least one pathway"]}
    problems: dict[str, list[str]] = {}
    seen: set[str] = set()
    for index, item in enumerate(needs):
        at = f"needs.{index}"
        if not isinstance(item, dict):
            problems[at] = ["Must be an object"]
            continue
        pathway, score, note = item.get("pathway"), item.get("score"), item.get("note")
        if not isinstance(pathway, str) or pathway not in PATHWAYS:
            problems[f"{at}.pathway"] = ["Choose a pathway from the list"]
        elif pathway in seen:
            problems[f"{at}.pathway"] = ["Score each pathway once"]
        else:
            seen.add(pathway)
        if isinstance(score, bool) or not isinstance(score, int) or score not in SCORES:
            problems[f"{at}.score"] = ["Score the need from 0 (none) to 3 (high)"]
        if note is not None and not isinstance(note, str):
            problems[f"{at}.note"] = ["Enter the note as text"]
        elif isinstance(note, str) and len(note) > NOTE_MAX:
            problems[f"{at}.note"] = [f"Must be {NOTE_MAX:,} characters or fewer"]
        elif isinstance(note, str) and not storable(note):
            problems[f"{at}.note"] = ["Contains characters that are not valid text"]
    return problems


def review_problems(reviews: object, assessed: set[str]) -> dict[str, list[str]]:
    """What is wrong with a review: a non-empty list of {pathway, result}, each an assessed pathway, once."""
    if not isinstance(reviews, list) or not reviews:
        return {"reviews": ["Review at least one pathway"]}
    problems: dict[str, list[str]] = {}
    seen: set[str] = set()
    for index, item in enumerate(reviews):
        at = f"reviews.{index}"
        if not isinstance(item, dict):
            problems[at] = ["Must be an object"]
            continue
        pathway, result = item.get("pathway"), item.get("result")
        if not isinstance(pathway, str) or pathway not in assessed:
            problems[f"{at}.pathway"] = ["Choose a pathway that was assessed"]
        elif pathway in seen:
            problems[f"{at}.pathway"] = ["Review each pathway once"]
        else:
            seen.add(pathway)
        if not isinstance(result, str) or result not in REVIEW_RESULTS:
            problems[f"{at}.result"] = ["Choose met, reduced or unchanged"]
    return problems


def suggested_pathways(scores: dict[str, int]) -> list[str]:
    """The pathways whose need is medium or high, in the contract's pathway order (a suggestion, never a rule)."""
    return [code for code in PATHWAYS if scores.get(code, 0) >= SUGGEST_FROM]


def unconditioned(scores: dict[str, int], condition_pathways: set[str]) -> list[str]:
    """Suggested pathways the contract has no pathway condition for."""
    return [code for code in suggested_pathways(scores) if code not in condition_pathways]
