"""Export jobs' rules: their states, the line that ends every complete file, and who may fetch a file.

A long export is made in the background and kept for a while for the person who asked for it. A file is whole
only if it ends with its trailer, `# rows: N, complete`, N being the data rows after the header, and the job
record (rows, bytes, SHA-256) agrees: a file cut off on its way anywhere lacks the trailer, so it cannot be
taken for a whole one. The trailer is one CSV cell starting with `#`, which no spreadsheet reads as a formula.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATUSES = (QUEUED, RUNNING, DONE, FAILED)
# What the requester sees: GOV.UK tag text and colour for each state (an expired file shows as "Expired").
TAGS = {QUEUED: ("Waiting", "grey"), RUNNING: ("Being made", "blue"), DONE: ("Ready", "green"),
        FAILED: ("Failed", "red"), "expired": ("Expired", "grey")}
ERRORS = {  # codes on a failed job, in words
    "export_failed": "Something went wrong while the file was being made. Nothing was kept: ask for it again.",
    "interrupted": "The file was not finished (the process making it stopped). Nothing was kept: ask for it again.",
    "unknown_kind": "This kind of export can no longer be made.",
}
# The exports made as jobs (the rest are a few rows each and stream at once).
JOB_KINDS = frozenset({"checkpoint-cases"})

_TRAILER = re.compile(r"# rows: (\d+), complete")


def trailer(rows: int) -> str:
    """The last line's one cell: how many data rows the file holds, and that it is complete."""
    return f"# rows: {rows}, complete"


def rows_in_trailer(cell: str) -> int | None:
    """The row count a trailer cell states, or None when the cell is not a trailer (a cut-off file)."""
    found = _TRAILER.fullmatch(cell.strip())
    return int(found.group(1)) if found else None


def may_download(*, status: str, expired: bool, requested_by_id: int, viewer_id: int) -> bool:
    """Only the person who asked (their disclosure, with their stated purpose), and only a whole file."""
    return requested_by_id == viewer_id and status == DONE and not expired


def may_see(*, requested_by_id: int, viewer_id: int) -> bool:
    """A job is its requester's alone: anyone else (administrators too) is told it is not found."""
    return requested_by_id == viewer_id


def is_abandoned(*, status: str, started_at: datetime | None, now: datetime, limit: timedelta) -> bool:
    """A job still `running` long after any export could take: the process making it died mid-way."""
    return status == RUNNING and started_at is not None and now - started_at > limit


def tag(status: str, expired: bool) -> tuple[str, str]:
    return TAGS["expired"] if expired and status == DONE else TAGS[status]
