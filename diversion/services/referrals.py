"""Checkpoint referrals: create (screening eligibility), approve or refuse, decline, read."""
from __future__ import annotations

from sqlalchemy import select, union_all

from diversion import audit, clock, keyset
from diversion.domain import eligibility, need_to_know as access, needs as needs_rules, referrals as rules
from diversion.domain.eligibility import INTERVIEW_ANSWERS, Screening
from diversion.errors import Conflict
from diversion.extensions import db
from diversion.models import CheckpointReferral, User
from diversion.services import (custody_suites, identity, live_cases, need_to_know, officer_outcomes, parse, people, reference,
                                references, writes)
from diversion.services.parse import Problems
from diversion.services.retention import refresh_review_date
FLAG_QUESTIONS = {
    "court_order": "whether they are subject to a court order, suspended sentence or conditional discharge",
    "on_bail": "whether they are on police or court bail",
    "co_accused": "whether there is a co-accused",
    "detained_mental_health": "whether they are detained for court or under the Mental Health Act",
}


def parse_referral(data: dict, today) -> tuple[dict, dict]:
    """(person fields, referral fields) from the contract's JSON shape; raises ValidationFailed listing every
    bad field."""
    person, fields, problems = _parse(data, today)
    problems.raise_if_any()
    return person, fields


def problems(data: dict, today) -> dict[str, list[str]]:
    """Every problem with a (perhaps unfinished) referral, without raising: for pages that check as they go."""
    return _parse(data, today)[2].fields


def _parse(data: dict, today) -> tuple[dict, dict, Problems]:
    problems = Problems()
    person = people.parse_person(data.get("person"), problems, today)
    referral_date = parse.iso_date(data, "referral_date", problems, label="the referral date", today=today,
                                   required=False) if data.get("referral_date") not in (None, "") else today
    offence = parse.obj(data.get("offence"), "offence", problems)
    category_code = parse.choice(offence, "category", {c.code for c in reference.categories()}, problems,
                                 name="offence.category", label="the offence category")
    fields = {
        "referral_date": referral_date,
        "offence_category": category_code,
        "offence_description": parse.text(offence, "description", problems, name="offence.description",
                                          max_length=2000, label="a description of the offence"),
        "offence_date": parse.iso_date(offence, "offence_date", problems, name="offence.offence_date",
                                       label="the date of the offence", today=today),
        "arrest_date": parse.iso_date(offence, "arrest_date", problems, name="offence.arrest_date",
                                      label="the date of arrest", today=today, required=False),
        "hate_crime": parse.boolean(offence, "hate_crime", problems, name="offence.hate_crime",
                                    label="whether it is a hate crime"),
        "interview": parse.choice(data, "interview", INTERVIEW_ANSWERS, problems,
                                  label="what they said in interview"),
        "evidential_test_met": parse.boolean(data, "evidential_test_met", problems,
                                             label="whether there is enough evidence to charge"),
        "has_victim": parse.boolean(data, "has_victim", problems, label="whether there is a victim"),
        "victim_wishes_restorative": parse.boolean(data, "victim_wishes_restorative", problems, required=False),
        "previous_convictions": parse.integer(data, "previous_convictions", problems, required=False, minimum=0,
                                              maximum=999, label="the number of previous convictions"),  # None: not known
        **custody_suites.for_referral(data, problems),
        "referring_officer": parse.text(data, "referring_officer", problems, required=False, max_length=120),
    }
    fields["late_entry_reason"] = _late_entry_reason(data, referral_date, today, problems)
    # The safety questions must be answered: an unanswered one is never taken as "no".
    flags = parse.obj(data.get("flags"), "flags", problems)
    for flag, label in FLAG_QUESTIONS.items():
        fields[flag] = parse.boolean(flags, flag, problems, name=f"flags.{flag}", label=label)
    fields.update(_suitability(data.get("suitability"), problems))
    _check_dates(fields, problems)
    if fields["victim_wishes_restorative"] and not fields["has_victim"]:
        problems.add("victim_wishes_restorative", "Only a victim can ask for a restorative approach")
    return person, fields, problems


def _late_entry_reason(data: dict, referral_date, today, problems: Problems) -> str | None:
    """Required when the referral date is more than a week before today (rules.is_late_entry); a reason sent
    with a referral that is not late is checked like any text but not kept."""
    late = referral_date is not None and rules.is_late_entry(referral_date, today)
    label = (f"why the referral is entered more than {rules.LATE_ENTRY_DAYS} days after the referral date "
             f"({rules.days_after_referral(referral_date, today)} days)" if late else "the reason")
    reason = parse.text(data, "late_entry_reason", problems, required=late, max_length=rules.LATE_ENTRY_REASON_MAX,
                        label=label)
    return reason if late else None


def _suitability(value: object, problems: Problems) -> dict:
    """The officer's suitability decision (optional: absent, null or all blank is none given)."""
    none = {"suitability": None, "suitability_reasons": None, "suitability_note": None}
    if not needs_rules.suitability_given(value):
        return none
    if not isinstance(value, dict):
        problems.add("suitability", "Must be an object")
        return none
    found = needs_rules.suitability_problems(value.get("decision"), value.get("reasons"), value.get("note"))
    for name, messages in found.items():
        for message in messages:
            problems.add(name, message)
    if found:
        return none
    note = (value.get("note") or "").strip() or None
    return {"suitability": value["decision"], "suitability_reasons": list(value["reasons"]), "suitability_note": note}


def _check_dates(fields: dict, problems: Problems) -> None:
    referral, offence, arrest = fields["referral_date"], fields["offence_date"], fields["arrest_date"]
    if offence and referral and offence > referral:
        problems.add("offence.offence_date", "The offence cannot be after the referral date")
    if arrest and offence and arrest < offence:
        problems.add("offence.arrest_date", "The arrest cannot be before the offence")
    if arrest and referral and arrest > referral:
        problems.add("offence.arrest_date", "The arrest cannot be after the referral date")


def screen(date_of_birth, fields: dict, live_contract: bool = False) -> eligibility.Decision:
    category = reference.category(fields["offence_category"])
    return eligibility.screen(Screening(
        date_of_birth=date_of_birth, referral_date=fields["referral_date"],
        offence_date=fields["offence_date"], interview=fields["interview"],
        evidential_test_met=fields["evidential_test_met"], category_eligibility=category.eligibility,
        hate_crime=fields["hate_crime"], court_order=fields["court_order"], on_bail=fields["on_bail"],
        co_accused=fields["co_accused"], detained_mental_health=fields["detained_mental_health"],
        live_contract=live_contract,
    ), reference.offence_age_limit())


def create(data: dict, *, actor: User) -> CheckpointReferral:
    person_fields, fields = parse_referral(data, clock.today())
    linked = identity.link(person_fields, actor=actor)
    person = linked.person
    db.session.flush()
    # The person's recorded date of birth decides their age (a known person keeps theirs).
    decision = screen(person.date_of_birth, fields, live_cases.live_contract_on(person.id, fields["referral_date"]))
    open_contracts = live_cases.lock_open_contracts(person.id)
    referral = CheckpointReferral(
        reference=references.next_reference(references.CHECKPOINT, fields["referral_date"]),
        person_id=person.id, person_as_recorded=identity.recorded(person_fields), identity_match=linked.match,
        status=rules.initial_status(decision), eligible=decision.eligible,
        offence_age_limit_months=reference.offence_age_limit(), reasons=list(decision.reasons),
        possible_duplicates=linked.possible_duplicates, created_by_id=actor.id, **fields)
    db.session.add(referral)
    writes.flush("person's record")
    audit.record("checkpoint_referral.create", actor=actor, object_type="checkpoint_referral",
                 object_id=referral.id, person_id=person.id,
                 details={"person_id": person.id, "status": referral.status,
                                                 "identity": linked.match,
                                                 "possible_duplicates": linked.possible_duplicates,
                                                 "late_entry_days": _late_days(referral)})
    live_cases.alert_open_contracts(referral, open_contracts, actor=actor)
    refresh_review_date([person.id])  # a case opened (or, ineligible, ended)
    officer_outcomes.checkpoint(referral, referral.status, referral.referral_date)  # ineligible: an outcome
    return referral


def _late_days(referral: CheckpointReferral) -> int | None:
    """Days between the referral date and its entry, for the audit record of a late entry (None when on time)."""
    return rules.days_after_referral(referral.referral_date, clock.today()) if referral.late_entry_reason else None


def load(referral_id: object, user: User, *, action: str = "view") -> CheckpointReferral:
    """The referral, if this user may see it (need to know: 404 otherwise); a view is audited."""
    need_to_know.require(access.CHECKPOINT_REFERRAL, user)
    referral = need_to_know.load(access.CHECKPOINT_REFERRAL, referral_id, user, not_found="No such referral.")
    if action == "view":
        audit.record("checkpoint_referral.view", actor=user, object_type="checkpoint_referral",
                     object_id=referral.id, person_id=referral.person_id, details={"person_id": referral.person_id})
    return referral


def _decide(referral: CheckpointReferral, action: str, reason: object, version: object, actor: User,
            label: str, reason_for: str) -> CheckpointReferral:
    problems = Problems()
    text = parse.text({"reason": reason}, "reason", problems, max_length=2000, label=f"the reason for {reason_for}")
    read = writes.version({"version": version}, problems)
    problems.raise_if_any()
    writes.check(referral, read, "referral")
    target = rules.next_status(referral.status, action)
    if target is None:
        raise Conflict(f"This referral is {rules.LABELS[referral.status].lower()}: it cannot be {label} now.")
    referral.status = target
    referral.decision = action
    referral.decision_reason = text
    referral.decided_by_id = actor.id
    referral.decided_at = clock.now()
    officer_outcomes.checkpoint(referral, target, clock.today())  # declined or not approved: an outcome
    writes.flush("referral")
    audit.record(f"checkpoint_referral.{action}", actor=actor, object_type="checkpoint_referral",
                 object_id=referral.id, person_id=referral.person_id, justification=text)
    refresh_review_date([referral.person_id])  # refused or declined: the case ended
    return referral


def approve(referral, *, reason, version, actor):
    return _decide(referral, "approve", reason, version, actor, "approved", "approving it")


def refuse(referral, *, reason, version, actor):
    return _decide(referral, "refuse", reason, version, actor, "refused", "refusing it")


def decline(referral, *, reason, version, actor):
    return _decide(referral, "decline", reason, version, actor, "declined", "the person declining")


# How each list is sorted: (column, newest first). "recorded" is the API's order, with the id as its cursor.
ORDERS = {
    "recorded": (CheckpointReferral.id, False),
    "newest": (CheckpointReferral.referral_date, True),
    "oldest": (CheckpointReferral.referral_date, False),
    "waiting": (CheckpointReferral.created_at, False),  # longest waiting (for a decision) first
}


def listing(viewer: User, *, status: str | None = None, order: str = "recorded", after: tuple | None = None,
            limit: int = 50, reverse: bool = False, audited: bool = True,
            late_only: bool = False, search: str | None = None,
            category: str | None = None) -> list[CheckpointReferral]:
    """The referrals `viewer` may read (need to know), with their people, in one query, sorted by `order` from
    just past `after` (a (sort value, id) position; `reverse` walks the other way). `late_only`: only those
    entered late (they, and only they, carry a late-entry reason). `search`: a name (any order, accents
    ignored), PNC id or reference; `category`: an offence category code. The people shown are audited as viewed."""
    from sqlalchemy import tuple_
    from sqlalchemy.orm import joinedload

    column, descending = ORDERS[order]
    descending = descending != reverse
    filters = {"status": status, "late_only": late_only, "search": search, "category": category}
    sort = (column,) if column is CheckpointReferral.id else (column, CheckpointReferral.id)
    ordered = [c.desc() if descending else c for c in sort]

    def from_cursor(query):
        if after is None:
            return query
        here = CheckpointReferral.id if column is CheckpointReferral.id else tuple_(column, CheckpointReferral.id)
        there = after[1] if column is CheckpointReferral.id else tuple_(*after)
        return query.where(here < there if descending else here > there)

    query = from_cursor(_filtered(select(CheckpointReferral).options(joinedload(CheckpointReferral.person)), viewer,
                                  **filters))
    parts = need_to_know.visible_parts(access.CHECKPOINT_REFERRAL, viewer)
    if len(parts) > 1:
        # Each part of the rule's first page by its own index (need_to_know.visible_parts); the page is the first
        # of their union, which holds it: every row of the page is among the first `limit` of the part it is in.
        firsts = [from_cursor(_filtered(select(CheckpointReferral.id), viewer, visibility=part, **filters))
                  .order_by(*ordered).limit(limit).subquery() for part in parts]
        query = query.where(CheckpointReferral.id.in_(union_all(*(select(first.c.id) for first in firsts))))
    rows = list(db.session.scalars(query.order_by(*ordered).limit(limit)))
    if audited:
        audit.record("checkpoint_referral.list", actor=viewer, object_type="checkpoint_referral",
                     details={"ids": [r.id for r in rows], "status": status})
    return rows


def count(viewer: User, *, status: str | None = None, late_only: bool = False, search: str | None = None,
          category: str | None = None) -> int:
    """How many referrals `listing` would list with these filters, up to keyset.COUNTED_UP_TO + 1 ("more than"
    beyond it: a national queue of tens of thousands is counted no further). One statement; by a status, an
    index-only count of part of that status's range of the (status, id) index."""
    return db.session.scalar(keyset.bounded_count(
        _filtered(select(CheckpointReferral.id), viewer, status=status, late_only=late_only, search=search,
                  category=category), CheckpointReferral.id))


def _filtered(query, viewer: User, *, status, late_only, search, category, visibility=None):
    """`query` with the filters, and the rows `viewer` may read (or, given `visibility`, one part of that rule)."""
    need_to_know.require(access.CHECKPOINT_REFERRAL, viewer)
    query = query.where(visibility if visibility is not None else
                        need_to_know.visible(access.CHECKPOINT_REFERRAL, viewer))
    if status:
        query = query.where(CheckpointReferral.status == status)
    if late_only:
        query = query.where(CheckpointReferral.late_entry_reason.is_not(None))
    if category:
        query = query.where(CheckpointReferral.offence_category == category)
    if search and search.strip():
        query = query.join(CheckpointReferral.person).where(people.matching(search, viewer))
        if references.parse_reference(search) is not None:  # the case itself, not every case of its person
            query = query.where(CheckpointReferral.reference == references.parse_reference(search)[1])
    return query


def position(referral: CheckpointReferral, order: str) -> tuple:
    """A referral's place in a list sorted by `order` (for the next page's cursor)."""
    column, _ = ORDERS[order]
    return getattr(referral, column.key), referral.id
