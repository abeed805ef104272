"""Importing proven reoffences (api-contract, Revision 2: outcomes): up to 10,000 records a call through the API,
or a CSV extract of any size from the command line. Every record is checked first (a bad one anywhere and nothing
is saved); then the rows are loaded set-based and matched to people by PNC id in SQL (reoffending_staging.py). On
PostgreSQL a file whose every line is plainly sound is staged by COPY without reading it row by row here
(reoffending_copy.py); any other file is read row by row, which names each problem by its line.

The answer counts the records sent: `matched` (their PNC id is held by a person here) and `unmatched`; `added`
says how many were new and `duplicates` how many were not (a record already held, or repeated in the same import:
the same PNC id and dates).
"""
from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

from diversion import audit, clock
from diversion.domain import reoffending as rules
from diversion.errors import ValidationFailed
from diversion.extensions import db
from diversion.models import ReoffenceImport
from diversion.services import reoffending_copy as copying
from diversion.services import reoffending_staging as staging

COLUMNS = ("pnc_id", "offence_date", "disposal_date")
FIELDS_SHOWN = 20  # problems listed for a bad file (all are counted)


def import_records(body: dict, *, actor) -> dict:
    """The API's import: `{"records": [{"pnc_id", "offence_date", "disposal_date"}, ...]}`."""
    rows = _checked_records(body.get("records"))
    batch = _start("api", None, actor)
    staging.open_staging()
    staging.stage(rows)
    return _finish(batch, actor)


def _checked_records(records: object) -> list[tuple[str, str, str]]:
    if not isinstance(records, list) or not records:
        raise ValidationFailed(fields={"records": ["Send a list of one or more records"]})
    if len(records) > rules.MAX_RECORDS:
        raise ValidationFailed(fields={"records": [f"Send at most {rules.MAX_RECORDS:,} records in one call "
                                                   f"(this had {len(records):,})"]})
    today, seen = clock.today(), {}
    fields: dict[str, list[str]] = {}
    rows = []
    for i, record in enumerate(records):
        if not isinstance(record, dict):
            fields[f"records.{i}"] = ["Must be an object"]
            continue
        checked, problems = rules.check_record(record.get("pnc_id"), record.get("offence_date"),
                                               record.get("disposal_date"), today, seen)
        for name, problem in problems.items():
            fields[f"records.{i}.{name}"] = [problem]
        if checked:
            rows.append((checked[0], record["offence_date"], record["disposal_date"]))
    if fields:
        raise ValidationFailed(fields=fields)
    return rows


def import_file(path: str | Path, *, progress: Callable[[int], None] | None = None, actor=None,
                file_name: str | None = None) -> dict:
    """The import of a CSV extract with the columns pnc_id, offence_date and disposal_date (a header line, in any
    order; other columns ignored): from the command line (no `actor`: an operator's long import, with no statement
    timeout), or uploaded by a manager on the reports pages (`actor` given: a web request, its timeouts kept, the
    upload's size limited by the page). `progress(n)` is told of every n lines read."""
    path = Path(path)
    batch = _start("upload" if actor else "cli", (file_name or path.name)[:255], actor)
    if actor is None:
        staging.no_statement_timeout()
    # A plainly sound file straight into staging with COPY (PostgreSQL); any other, or on SQLite, row by row.
    if not copying.copy_extract(path, clock.today(), progress):
        _stage_file_rows(path, progress)
    return _finish(batch, actor)


def _stage_file_rows(path: Path, progress: Callable[[int], None] | None) -> None:
    """Every row checked in Python (normalised where it can be, its problems named by line), then staged."""
    staging.open_staging()
    problems = FileProblems()
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        positions = _header(next(reader, None))
        rows = _file_rows(reader, positions, problems, progress)
        staging.stage(rows)
    problems.raise_if_any()


class FileProblems:
    """Problems in a file: the first few named by line and column, all of them counted."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}
        self.count = 0

    def add(self, line: int, name: str, problem: str) -> None:
        self.count += 1
        if len(self.fields) < FIELDS_SHOWN:
            self.fields[f"line {line}: {name}"] = [problem]

    def raise_if_any(self) -> None:
        if self.count:
            raise ValidationFailed(f"{self.count:,} problems in the file; nothing was imported.", fields=self.fields)


def _header(header: list[str] | None) -> tuple[int, int, int]:
    names = [name.strip().lower() for name in header or []]
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        raise ValidationFailed("The file's first line must name its columns.",
                               fields={"header": [f"Missing the column{'s' if len(missing) > 1 else ''} "
                                                  f"{', '.join(missing)} (the columns are {', '.join(COLUMNS)})"]})
    return tuple(names.index(column) for column in COLUMNS)


def _file_rows(reader, positions: tuple[int, int, int], problems: FileProblems,
               progress: Callable[[int], None] | None) -> Iterator[tuple[str, str, str]]:
    """The checked rows of the file; bad ones are noted in `problems` and left out (nothing is saved then)."""
    check = rules.RecordChecker(clock.today())
    p, o, d = positions
    width = max(positions) + 1
    line = 1
    for line, row in enumerate(reader, start=2):
        if progress and line % 10_000 == 0:
            progress(10_000)
        if len(row) < width:
            if any(cell.strip() for cell in row):
                problems.add(line, "row", f"Expected {width} columns, found {len(row)}")
            continue  # a blank line is skipped
        pnc, found = check(row[p], row[o], row[d])
        if found:
            for name, problem in found.items():
                problems.add(line, name, problem)
            continue
        yield pnc, row[o], row[d]
    if progress:
        progress(line % 10_000)


def _start(source: str, file_name: str | None, actor) -> ReoffenceImport:
    batch = ReoffenceImport(source=source, file_name=file_name, imported_by_id=getattr(actor, "id", None),
                            imported_at=clock.now())
    db.session.add(batch)
    db.session.flush()
    return batch


def _finish(batch: ReoffenceImport, actor) -> dict:
    outcome = staging.merge(batch.id)
    batch.received, batch.matched, batch.unmatched, batch.added = (outcome.received, outcome.matched,
                                                                   outcome.unmatched, outcome.added)
    # Counts only: an extract names people by PNC id, and the audit trail does not repeat them.
    audit.record("reoffending.import", actor=actor, object_type="reoffence_import", object_id=batch.id,
                 details={"source": batch.source, "file_name": batch.file_name, "received": outcome.received,
                          "matched": outcome.matched, "unmatched": outcome.unmatched, "added": outcome.added})
    db.session.flush()
    return {"matched": outcome.matched, "unmatched": outcome.unmatched, "added": outcome.added,
            "duplicates": outcome.received - outcome.added, "import_id": batch.id}
