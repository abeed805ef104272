"""Months as people type them into a GOV.UK date input: a number ("2", "02") or a name ("Feb", "february",
"Sept"). The Design System asks services to accept month names and abbreviations in the month box."""
from __future__ import annotations

_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
# Every word people use for a month: the full name, its first three letters, and "sept".
_WORDS = {name: number for number, name in enumerate(_NAMES, start=1)}
_WORDS.update({name[:3]: number for number, name in enumerate(_NAMES, start=1)})
_WORDS["sept"] = 9


def month_number(text: str | None) -> int | None:
    """1–12 for a month typed as a number or a name (case, a trailing full stop and spaces ignored);
    None for anything else ("13", "Febr", "", "٢")."""
    if text is None:
        return None
    word = text.strip().rstrip(".").strip().lower()
    if word.isascii() and word.isdigit():
        number = int(word)
        return number if 1 <= number <= 12 else None
    return _WORDS.get(word)
