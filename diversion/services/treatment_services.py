"""The treatment services reference list (issue 12): the services people are referred on to, each with the
Checkpoint pathway it serves. An administrator adds one, renames it, changes its pathway or stops offering it;
nothing is deleted, because onward referrals name their service (a service no longer offered stays on them and
in the reports). Onward referrals keep the pathway they were counted under when made. Every change is audited."""
from __future__ import annotations

import re
import unicodedata

from sqlalchemy import func, select

from diversion import audit
from diversion.domain import contracts as contract_rules
from diversion.errors import NotFound
from diversion.extensions import db
from diversion.models import TreatmentService
from diversion.services import writes
from diversion.services.parse import Problems, choice, text
from diversion.services.treatment import service

ACTION = "reference.treatment_service"
NAME_MAX = 120


def _parse(data: dict, problems: Problems, *, code: str | None) -> tuple[str | None, str | None]:
    name = text(data, "name", problems, max_length=NAME_MAX, label="the service’s name")
    pathway = choice(data, "pathway", set(contract_rules.PATHWAYS), problems, label="the pathway it serves")
    if name:
        taken = select(TreatmentService).where(func.lower(TreatmentService.name) == name.lower())
        if code is not None:
            taken = taken.where(TreatmentService.code != code)
        if db.session.scalars(taken).first():
            problems.add("name", "There is already a service with this name")
    return name, pathway


def _code_for(name: str) -> str:
    """A code from the name: accents dropped ("café" → "cafe"), anything else but letters and digits a "_"."""
    plain = unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")[:32] or "service"


def add(data: dict, *, actor) -> TreatmentService:
    """{"name", "pathway"}: a new service, offered from now on."""
    problems = Problems()
    name, pathway = _parse(data if isinstance(data, dict) else {}, problems, code=None)
    problems.raise_if_any()
    code, n = _code_for(name), 1
    while service(code) is not None:
        n += 1
        code = f"{_code_for(name)[:28]}_{n}"
    record = TreatmentService(code=code, name=name, pathway=pathway, active=True)
    db.session.add(record)
    writes.flush("service")
    audit.record(ACTION, actor=actor, object_type="treatment_service", object_id=code,
                 details={"added": {"name": name, "pathway": pathway}})
    return record


def change(code: str, data: dict, *, actor) -> TreatmentService:
    """{"name", "pathway", "active": true|false, "version": the version read} (409 when someone changed it
    first)."""
    record = service(code)
    if record is None:
        raise NotFound("No such treatment service.")
    data = data if isinstance(data, dict) else {}
    problems = Problems()
    name, pathway = _parse(data, problems, code=code)
    active = data.get("active")
    if active not in (True, False):
        problems.add("active", "Choose whether onward referrals can name this service")
    read = writes.version(data, problems)
    problems.raise_if_any()
    writes.check(record, read, "service")
    before = {"name": record.name, "pathway": record.pathway, "active": record.active}
    record.name, record.pathway, record.active = name, pathway, active
    writes.flush("service")
    audit.record(ACTION, actor=actor, object_type="treatment_service", object_id=code,
                 details={"from": before, "to": {"name": name, "pathway": pathway, "active": active}})
    return record
