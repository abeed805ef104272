"""Reading typed values out of a request's data, collecting every problem under its dotted field name.

Pages and the API hand services plain dicts (JSON as sent, or built from a form); these helpers turn
them into Python values and record what is wrong, in words a user understands.
"""
from __future__ import annotations

from datetime import date, datetime

from diversion.domain.text import storable
from diversion.errors import ValidationFailed


class Problems:
    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, name: str, problem: str) -> None:
        self.fields.setdefault(name, []).append(problem)

    def __bool__(self) -> bool:
        return bool(self.fields)

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationFailed(fields=self.fields)


def obj(data: object, name: str, problems: Problems, required: bool = True) -> dict:
    if isinstance(data, dict):
        return data
    if data is None and not required:
        return {}
    problems.add(name, "Must be an object")
    return {}


def text(data: dict, key: str, problems: Problems, *, name: str | None = None, required: bool = True,
         max_length: int = 200, label: str = "this", strip: bool = True) -> str | None:
    name = name or key
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.add(name, f"Enter {label}")
        return None
    if not isinstance(value, str):
        problems.add(name, f"Enter {label} as text")
        return None
    if len(value) > max_length:
        problems.add(name, f"Must be {max_length:,} characters or fewer")
        return None
    if not encodable(value):
        problems.add(name, "Contains characters that are not valid text")
        return None
    return value.strip() if strip else value


def encodable(value: str) -> bool:
    """Valid text a database can store (domain/text.py)."""
    return storable(value)


def whole_number(text: object) -> bool:
    """An ASCII whole number ("12", "-3"); str.isdigit() also accepts "²", which int() refuses."""
    import re

    return isinstance(text, str) and re.fullmatch(r"-?[0-9]{1,12}", text.strip()) is not None


def boolean(data: dict, key: str, problems: Problems, *, name: str | None = None, required: bool = True,
            default: bool = False, label: str = "yes or no") -> bool:
    name = name or key
    value = data.get(key)
    if value is None:
        if required:
            problems.add(name, f"Answer {label}")
        return default
    if not isinstance(value, bool):
        problems.add(name, "Must be true or false")
        return default
    return value


def choice(data: dict, key: str, options, problems: Problems, *, name: str | None = None, required: bool = True,
           label: str = "an option") -> str | None:
    name = name or key
    value = data.get(key)
    if value is None or value == "":
        if required:
            problems.add(name, f"Choose {label}")
        return None
    if not isinstance(value, str) or value not in options:
        problems.add(name, f"Choose {label} from the list")
        return None
    return value


def integer(data: dict, key: str, problems: Problems, *, name: str | None = None, required: bool = True,
            minimum: int | None = None, maximum: int | None = None, default: int | None = None,
            label: str = "a number") -> int | None:
    name = name or key
    value = data.get(key)
    if value is None or value == "":
        if required:
            problems.add(name, f"Enter {label}")
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        problems.add(name, f"Enter {label} as a whole number")
        return default
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        bounds = f"from {minimum} to {maximum}" if maximum is not None else f"of {minimum} or more"
        problems.add(name, f"Enter {label} {bounds}")
        return default
    return value


def iso_date(data: dict, key: str, problems: Problems, *, name: str | None = None, required: bool = True,
             label: str = "the date", today: date | None = None, not_future: bool = True) -> date | None:
    """A YYYY-MM-DD date; impossible dates (30 February) and, by default, future dates are refused."""
    name = name or key
    value = data.get(key)
    if value is None or value == "":
        if required:
            problems.add(name, f"Enter {label}")
        return None
    if not isinstance(value, str) or len(value) != 10:
        problems.add(name, f"Enter {label} as YYYY-MM-DD")
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        problems.add(name, f"{label[0].upper()}{label[1:]} must be a real date")
        return None
    if not_future and today is not None and parsed > today:
        problems.add(name, f"{label[0].upper()}{label[1:]} cannot be in the future")
        return None
    if parsed.year < 1900:
        problems.add(name, f"{label[0].upper()}{label[1:]} must be after 1900")
        return None
    return parsed


def timestamp(data: dict, key: str, problems: Problems, *, name: str | None = None,
              now: datetime | None = None, label: str = "the time") -> datetime | None:
    """An ISO 8601 timestamp with an offset; not in the future."""
    name = name or key
    value = data.get(key)
    if value is None or value == "":
        return None
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        problems.add(name, f"Enter {label} as an ISO 8601 timestamp with an offset, like 2026-03-01T14:30:00+00:00")
        return None
    if not 1900 <= parsed.year <= 9000:
        problems.add(name, f"{label[0].upper()}{label[1:]} must be after 1900")
        return None
    if now is not None and parsed > now:
        problems.add(name, f"{label[0].upper()}{label[1:]} cannot be in the future")
        return None
    return parsed
