"""The audit trail page: an MoJ filter (person, action, who, from and to dates), newest or oldest first, keyset
pages, each event in plain English; and its CSV export, asked for with a purpose and recorded as a disclosure."""
from __future__ import annotations

import io
import re
from datetime import date

from flask import Response, render_template, request, stream_with_context
from flask_login import current_user

from diversion import clock, csv_safe
from diversion.errors import ValidationFailed
from diversion.lists import ListPage
from diversion.pages import PageErrors, date_from_form
from diversion.services import audit_descriptions, audit_trail

ACTION = re.compile(r"^[a-z][a-z_.]{0,63}$")
SORTS = {"newest": "Newest first", "oldest": "Oldest first"}
DATE_PARTS = ("day", "month", "year")
ORDER = ["person", "action", "who", "from", "to"]  # the filter's questions, in the order the page asks them


def _day(args, prefix: str, label: str, problems: dict) -> date | None:
    text = date_from_form(prefix, label, problems, prefix, args)
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.setdefault(prefix, []).append(f"{label} must be a real date")
        return None


def _who(args, problems: dict) -> tuple[int | None, str | None]:
    """The user chosen: typed by name or email (`who`), or by id from a link (`user`)."""
    typed = (args.get("who") or "").strip()[:254]
    if typed:
        found = audit_descriptions.find_user(typed)
        if not found:
            problems["who"] = ["Several people have that name: enter their email address" if found is False else
                               "Enter the name or email address of someone who uses the service"]
            return None, None
        return found
    chosen = args.get("user", type=int)
    name = audit_descriptions.user_named(chosen)
    return (chosen, name) if name is not None else (None, None)


def read_filters(args) -> tuple[audit_trail.Filters, dict, dict]:
    """(the filters, what to show for them, problems) from the address; a bad filter is left out and explained."""
    problems: dict = {}
    action = (args.get("action") or "").strip().lower()
    if action and not ACTION.match(action):
        problems["action"] = ["Enter an action like contract.view, or contract for every contract action"]
        action = ""
    typed_person = (args.get("person") or "").strip()[:40]
    person = audit_descriptions.find_person(typed_person) if typed_person else None
    if typed_person and person is None:
        problems["person"] = ["Enter the record number of a person, or a case reference like CP-2026-00123"]
    actor_id, actor_name = _who(args, problems)
    since, until = _day(args, "from", "The from date", problems), _day(args, "to", "The to date", problems)
    if since and until and until < since:
        problems["to"] = ["The to date must be the same as or after the from date"]
        until = None
    filters = audit_trail.Filters(person_id=person[0] if person else None, actor_id=actor_id,
                                  action=action or None, since=since, until=until)
    shown = {"person": str(person[0]) if person else typed_person, "person_name": person[1] if person else "",
             "action": action, "actor_id": actor_id, "who": actor_name or (args.get("who") or "").strip()[:254],
             "dates": {f"{name}-{part}": args.get(f"{name}-{part}") for name in ("from", "to")
                       for part in DATE_PARTS if args.get(f"{name}-{part}")}}
    return filters, shown, problems


def _listing(filters: audit_trail.Filters, shown: dict, sort: str, endpoint: str = "admin.audit") -> ListPage:
    return ListPage(endpoint, {"person": filters.person_id, "action": filters.action or "",
                               "user": filters.actor_id, **shown["dates"]}, sort, SORTS, "newest")


def render():
    filters, shown, problems = read_filters(request.args)
    sort = request.args.get("sort") if request.args.get("sort") in SORTS else "newest"
    listing = _listing(filters, shown, sort)
    found, lines = audit_trail.search(current_user, filters, sort=sort, after=request.args.get("after"))
    selected = listing.selected({"person": ("Person", shown["person_name"]), "action": ("Action", shown["action"]),
                                 "user": ("Who", shown["who"])})
    for name, label, day in (("from", "From", filters.since), ("to", "To", filters.until)):
        if day:
            selected.append({"heading": label, "text": f"{day.day} {day:%B %Y}",
                             "href": listing.url(**{f"{name}-{p}": None for p in DATE_PARTS}, after=None)})
    export = _listing(filters, shown, "newest", "admin.audit_export").url()
    return render_template("admin/audit.html", lines=lines, page=found, listing=listing, selected=selected,
                           shown=shown, export_url=export,
                           errors=PageErrors(problems, ORDER, dates=("from", "to")),
                           pagination=listing.pagination(found))


# The CSV's columns, in words: it is read by people (an investigator, the ICO), not by programs.
COLUMNS = ("When (UK time)", "Who", "What happened", "Person", "Case reference", "Reason or purpose given",
           "Action code", "From", "Event number")
SOURCES = {"page": "A page", "api": "The API", "cli": "The command line"}


def _row(line: audit_descriptions.Line) -> list:
    event = line.event
    when = event.occurred_at.astimezone(audit_trail.LONDON)
    return [when.strftime("%Y-%m-%d %H:%M:%S"), line.actor or "Nobody signed in", line.text, line.person or "",
            line.reference or "", event.justification or "", event.action, SOURCES.get(event.source, event.source),
            event.id]


def _csv(filters: audit_trail.Filters) -> Response:
    def lines():
        buffer = io.StringIO()
        writer = csv_safe.writer(buffer)  # no cell a spreadsheet would run as a formula
        writer.writerow(COLUMNS)
        for line in audit_trail.export_lines(filters):
            writer.writerow(_row(line))
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate(0)
        yield buffer.getvalue()

    response = Response(stream_with_context(lines()), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="audit-trail-{clock.today().isoformat()}.csv"'
    return response


def render_export():
    """GET: the filters chosen and a purpose to give; POST: record the disclosure, then stream the CSV."""
    source = request.form if request.method == "POST" else request.args
    filters, shown, problems = read_filters(source)
    # A bad filter here came from an edited address (the trail's link gives good ones): said, never exported.
    errors = PageErrors(problems, ORDER, dates=("from", "to"))
    status = 422 if problems and request.method == "POST" else 200
    if request.method == "POST" and not problems:
        try:
            audit_trail.disclose(filters, request.form.get("purpose"), actor=current_user)
        except ValidationFailed as failure:
            errors, status = PageErrors(failure.fields), 422
        else:
            # The request's one commit (after_request) lands the disclosure before the first row is streamed.
            return _csv(filters)
    chosen = [(label, text) for label, text in (
        ("Person", shown["person_name"]), ("Action", shown["action"]), ("Who", shown["who"]),
        ("From", filters.since and f"{filters.since.day} {filters.since:%B %Y}"),
        ("To", filters.until and f"{filters.until.day} {filters.until:%B %Y}")) if text]
    back = _listing(filters, shown, "newest").url()
    return render_template("admin/audit_export.html", filters=filters, shown=shown, chosen=chosen, back=back,
                           errors=errors, purpose=request.form.get("purpose", "")), status
