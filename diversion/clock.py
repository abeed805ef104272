"""The one place the app asks what time it is, so tests can freeze it."""
from __future__ import annotations

from datetime import UTC, date, datetime

_frozen: datetime | None = None


def now() -> datetime:
    """The current instant, timezone-aware UTC."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def today() -> date:
    """Today's date in the UK (the schemes' dates are local calendar dates)."""
    from zoneinfo import ZoneInfo

    return now().astimezone(ZoneInfo("Europe/London")).date()


def freeze(moment: datetime | None) -> None:
    """Tests only: pin `now()` to `moment` (None unfreezes)."""
    global _frozen
    if moment is not None and moment.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    _frozen = moment
