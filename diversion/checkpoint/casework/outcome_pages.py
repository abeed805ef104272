"""The pages between "Record outcome" and the outcome being recorded: the follow-up question (why it was
breached or discontinued, asked only for those outcomes: GOV.UK "one thing per page", no script) and the
"Are you sure?" pages before an outcome or a failed condition, which cannot be undone."""
from __future__ import annotations

from datetime import date

from flask import render_template, request, url_for
from flask_login import current_user

from diversion import audit, confirming
from diversion.domain import contracts as rules
from diversion.pages import PageErrors

REASON_FIELDS = {rules.BREACHED: "breach_reason", rules.DISCONTINUED: "discontinue_reason"}
REASON_QUESTIONS = {rules.BREACHED: ("Why was the contract breached?", rules.BREACH_REASONS),
                    rules.DISCONTINUED: ("Why was the contract discontinued?", rules.DISCONTINUE_EXAMPLES)}
OUTCOME_WORDS = {rules.COMPLETED: "completed: no further action (Home Office outcome 22)",
                 rules.BREACHED: "breached: the case is referred for prosecution",
                 rules.DISCONTINUED: "discontinued"}


def _shown(contract) -> None:
    audit.record("contract.view", actor=current_user, object_type="contract", object_id=contract.id,
                 person_id=contract.person_id,
                 details={"person_id": contract.person_id})


def _carried(*leave_out: str) -> list[tuple[str, str]]:
    return [(k, v) for k, v in request.form.items(multi=True) if k not in ("csrf_token", "confirm", *leave_out)]


def ask_reason(contract, outcome: str, problems: list[str] | None = None):
    """The follow-up question for a breach or a discontinuation, carrying the answers given so far."""
    _shown(contract)
    field = REASON_FIELDS[outcome]
    question, choices = REASON_QUESTIONS[outcome]
    suggested = request.form.get(field) or request.form.get("suggested_reason")
    errors = PageErrors({field: problems} if problems else {})
    page = render_template("casework/outcome_reason.html", contract=contract, field=field, question=question,
                           choices=choices, chosen=suggested if suggested in choices else None, errors=errors,
                           hidden=_carried(field, "asked", "suggested_reason"))
    return page, 422 if problems else 200


def confirm(contract, data: dict):
    _shown(contract)
    outcome, on = data["outcome"], date.fromisoformat(data["date"])
    reason = rules.BREACH_REASONS.get(data["reason"]) if outcome == rules.BREACHED else (
        rules.DISCONTINUE_EXAMPLES.get(data["reason"], data["reason"]) if outcome == rules.DISCONTINUED else None)
    rows = [{"key": {"text": "Outcome"}, "value": {"text": OUTCOME_WORDS[outcome][:1].upper() + OUTCOME_WORDS[outcome][1:]}},
            {"key": {"text": "Date"}, "value": {"text": f"{on.day} {on:%B %Y}"}}]
    if reason:
        rows.append({"key": {"text": "Reason"}, "value": {"text": reason}})
    if data.get("details"):
        rows.append({"key": {"text": "Details"}, "value": {"text": data["details"]}})
    explain = {rules.BREACHED: ["The case will be referred for prosecution."],
               rules.COMPLETED: ["Every condition is met: there is no further action."],
               rules.DISCONTINUED: ["The contract ends without a prosecution."]}[outcome]
    return confirming.page(confirming.Confirmation(
        question=f"Are you sure the contract is {outcome}?", caption=f"{contract.person.full_name}, contract "
        f"{contract.reference}", action=url_for("casework.outcome", contract_id=contract.id),
        button=f"Yes, record that it is {outcome}", cancel=url_for("casework.contract", contract_id=contract.id)
        + "#outcome", warning="An outcome cannot be changed once it is recorded.", rows=rows, explain=explain,
        hidden=_carried("asked")))


def confirm_failed(contract, condition):
    _shown(contract)
    number = [c.id for c in contract.conditions].index(condition.id) + 1
    return confirming.page(confirming.Confirmation(
        question=f"Are you sure condition {number} has failed?",
        caption=f"{contract.person.full_name}, contract {contract.reference}",
        action=url_for("casework.condition_status", contract_id=contract.id, condition_id=condition.id),
        button="Yes, mark it as failed",
        cancel=url_for("casework.contract", contract_id=contract.id) + f"#condition-{condition.id}",
        warning="A failed condition cannot be marked as met again. A failed condition usually means the contract "
                "is breached and the case referred for prosecution.",
        rows=[{"key": {"text": "Condition"}, "value": {"text": f"Condition {number}: {condition.description}"}}]))
