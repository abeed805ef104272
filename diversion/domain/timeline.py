"""One timeline per case (revision 2, casework): the kinds of thing on it, and where a thing known only by its day
sits among things known to the minute. Pure: services/timeline.py gathers the rows.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")

NOTE, PROGRESS, CONDITION_STATUS, APPOINTMENT = "note", "progress", "condition_status", "appointment"
ALERT, OUTCOME, NAVIGATOR_CHANGE = "alert", "outcome", "navigator_change"
DIVERT_EVENT = "divert_event"
# The kinds on a contract's timeline (api-contract "Revision 2: casework"), with the filter's labels.
KINDS = {
    NOTE: "Notes",
    PROGRESS: "Progress",
    CONDITION_STATUS: "Conditions met or failed",
    APPOINTMENT: "Appointments",
    ALERT: "Alerts",
    OUTCOME: "Outcome",
    NAVIGATOR_CHANGE: "Navigator changes",
}
# Among things at the same moment, the later stage of a case comes first (newest first): an outcome after the
# condition it settled, a condition marked after the progress that met it.
_STAGE = {kind: i for i, kind in enumerate((NAVIGATOR_CHANGE, ALERT, APPOINTMENT, NOTE, PROGRESS, CONDITION_STATUS,
                                            OUTCOME, DIVERT_EVENT))}
MIDDAY = time(12, 0)


def unknown_kinds(kinds) -> list[str]:
    """The asked-for kinds that are not on a timeline, in the order asked."""
    return [kind for kind in kinds if kind not in KINDS]


def day_moment(day: date | None, recorded_at: datetime) -> datetime:
    """Where something known only by its day (progress, a DIVERT event) sits on a timeline of instants: the moment it
    was recorded when that was on the same UK day (the usual case, and it keeps the order things were entered in);
    otherwise midday UK time on its day (it was recorded later, or back-dated). No day: when it was recorded."""
    if day is None or recorded_at.astimezone(UK).date() == day:
        return recorded_at
    return datetime.combine(day, MIDDAY, tzinfo=UK).astimezone(UTC)


def sort_key(moment: datetime, kind: str, row_id: int) -> tuple:
    """Newest first when sorted in reverse: by moment, then the stage of the case, then the order rows were made."""
    return (moment, _STAGE.get(kind, 0), row_id)
