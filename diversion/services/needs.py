"""The needs assessment of a contract (one per contract): record it, review it at the end, read it.

Made by the contract's navigator, a manager or an administrator (contracts.load keeps a navigator to their own
caseload: 404 otherwise). The assessment is versioned as a whole: a client sends the version it read (none for
the first assessment), and of two writes on the same version one wins and the other is a 409."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from diversion import audit, clock
from diversion.domain import contracts as contract_rules
from diversion.domain import needs as rules
from diversion.domain.roles import ADMIN, MANAGER, NAVIGATOR
from diversion.errors import Conflict, Forbidden, ValidationFailed
from diversion.extensions import db
from diversion.models import Contract, NeedsAssessment, NeedScore, User
from diversion.services import writes
from diversion.services.parse import Problems

ASSESSORS = (NAVIGATOR, MANAGER, ADMIN)
_POSITION = {code: index for index, code in enumerate(contract_rules.PATHWAYS)}


def of(contract: Contract) -> NeedsAssessment | None:
    """The contract's assessment with its scores (None before one is made)."""
    return db.session.scalars(select(NeedsAssessment).where(NeedsAssessment.contract_id == contract.id)
                              .options(joinedload(NeedsAssessment.scores))).unique().one_or_none()


def _may_assess(actor: User) -> None:
    if actor.role not in ASSESSORS:
        raise Forbidden("Only the contract's navigator, a manager or an administrator may assess needs.")


def _version(data: dict, assessment: NeedsAssessment | None, problems: Problems) -> int | None:
    """The version read: required once there is an assessment; for a first one, absent (or null)."""
    return writes.version(data, problems, required=assessment is not None)


def record(contract: Contract, data: dict, *, actor: User) -> NeedsAssessment:
    """Record (or replace) the assessment: {"needs": [{"pathway", "score", "note"?}], "version"}. A replaced
    assessment keeps the reviews of the pathways still assessed."""
    _may_assess(actor)
    data = data if isinstance(data, dict) else {}
    assessment = of(contract)
    problems = Problems()
    for name, messages in rules.need_problems(data.get("needs")).items():
        for message in messages:
            problems.add(name, message)
    read = _version(data, assessment, problems)
    problems.raise_if_any()
    with db.session.no_autoflush:  # the version check happens at writes.flush (a 409), not at a lazy load
        return _write(contract, assessment, data, read, actor)


def _write(contract: Contract, assessment: NeedsAssessment | None, data: dict, read: int | None,
           actor: User) -> NeedsAssessment:
    if assessment is None:
        if read is not None:
            raise Conflict("This contract has no needs assessment yet: someone may have removed it. Read it again.")
        assessment = NeedsAssessment(contract_id=contract.id, assessed_on=clock.today(), assessed_by_id=actor.id)
        db.session.add(assessment)
    else:
        writes.check(assessment, read, "needs assessment")
        assessment.assessed_on = clock.today()
        assessment.assessed_by_id = actor.id
    reviewed = {s.pathway: s.review_result for s in assessment.scores}
    sent = {item["pathway"]: item for item in data["needs"]}
    for score in list(assessment.scores):
        if score.pathway not in sent:
            assessment.scores.remove(score)
    current = {s.pathway: s for s in assessment.scores}
    for pathway, item in sent.items():
        note = (item.get("note") or "").strip() or None
        row = current.get(pathway)
        if row is None:
            assessment.scores.append(NeedScore(position=_POSITION[pathway], pathway=pathway, score=item["score"],
                                               note=note, review_result=reviewed.get(pathway)))
        else:
            row.score, row.note = item["score"], note
    assessment.updated_at = clock.now()  # the assessment's own row changes, so its version moves on
    writes.flush("needs assessment")
    audit.record("contract.needs", actor=actor, object_type="contract", object_id=contract.id,
                 details={"pathways": {p: sent[p]["score"] for p in sent}}, person_id=contract.person_id)
    return assessment


def review(contract: Contract, data: dict, *, actor: User) -> NeedsAssessment:
    """Review assessed needs: {"reviews": [{"pathway", "result"}], "version"}; met, reduced or unchanged."""
    _may_assess(actor)
    data = data if isinstance(data, dict) else {}
    assessment = of(contract)
    if assessment is None:
        raise Conflict("Assess the person's needs before reviewing them.")
    problems = Problems()
    for name, messages in rules.review_problems(data.get("reviews"), {s.pathway for s in assessment.scores}).items():
        for message in messages:
            problems.add(name, message)
    read = writes.version(data, problems)
    problems.raise_if_any()
    writes.check(assessment, read, "needs assessment")
    results = {item["pathway"]: item["result"] for item in data["reviews"]}
    scores = list(assessment.scores)  # loaded before any change (no autoflush of a stale version here)
    for score in scores:
        if score.pathway in results:
            score.review_result = results[score.pathway]
    assessment.reviewed_at = clock.now()
    assessment.reviewed_by_id = actor.id
    writes.flush("needs assessment")
    audit.record("contract.needs_review", actor=actor, object_type="contract", object_id=contract.id,
                 details={"results": results}, person_id=contract.person_id)
    return assessment


def suggestions(contract: Contract, assessment: NeedsAssessment | None) -> list[str]:
    """Pathways scored medium or high with no pathway condition on the contract (a suggestion, not a rule)."""
    if assessment is None:
        return []
    have = {c.pathway for c in contract.conditions if c.type == contract_rules.PATHWAY and c.pathway}
    return rules.unconditioned({s.pathway: s.score for s in assessment.scores}, have)


def as_json(assessment: NeedsAssessment | None) -> dict | None:
    if assessment is None:
        return None
    return {
        "needs": [{"pathway": s.pathway, "score": s.score, "level": rules.SCORES[s.score], "note": s.note,
                   "review": s.review_result} for s in assessment.scores],
        "assessed_on": assessment.assessed_on.isoformat(), "assessed_by": assessment.assessed_by_id,
        "reviewed_at": assessment.reviewed_at.isoformat() if assessment.reviewed_at else None,
        "reviewed_by": assessment.reviewed_by_id,
        "suggested_pathways": rules.suggested_pathways({s.pathway: s.score for s in assessment.scores}),
        "version": assessment.version,
    }


def form_data(form, assessment: NeedsAssessment | None, *, review: bool = False) -> dict:
    """The service's JSON shape from the page's form: a score (or review) per pathway; a pathway left blank is
    not assessed (not reviewed)."""
    version = form.get("version", "")
    read = int(version) if version.isdigit() else (None if assessment is None else version or None)
    if review:
        reviews = [{"pathway": p, "result": form.get(f"review-{p}")} for p in contract_rules.PATHWAYS
                   if form.get(f"review-{p}")]
        return {"reviews": reviews, "version": read}
    needs = []
    for pathway in contract_rules.PATHWAYS:
        raw = (form.get(f"score-{pathway}") or "").strip()
        note = form.get(f"note-{pathway}") or None
        if raw == "" and not (note or "").strip():
            continue
        needs.append({"pathway": pathway, "score": int(raw) if raw.isdigit() else raw or None, "note": note})
    return {"needs": needs, "version": read}
