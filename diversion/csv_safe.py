"""CSV that a spreadsheet opens as data, never as formulas (OWASP "CSV injection").

Every CSV the app writes goes through `writer` (or `cell` for one value). A text cell whose first character a
spreadsheet would read as the start of a formula (`=`, `+`, `-`, `@`, their full-width forms, a tab or a carriage
return, also after leading spaces) gets a single quote in front: Excel, LibreOffice and Google Sheets then show
it as text. Numbers stay numbers: an int, float or Decimal the app computed (a disparity of -0.12) is written as
it is, and so is text that is nothing but a plain number ("-3", "2.5"), which cannot be a formula. Anything else
beginning with a minus sign ("-2+3", "-cmd|...") is quoted like the rest.
"""
from __future__ import annotations

import csv
import re
from decimal import Decimal
from typing import Any, Iterable

FORMULA_STARTS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def cell(value: Any) -> Any:
    """The value as it may safely be written to a CSV cell ('' for None)."""
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)):  # bool too: written True/False as before
        return value
    text = value if isinstance(value, str) else str(value)
    if not text or _PLAIN_NUMBER.fullmatch(text):
        return text
    first = text[0] if text[0] in "\t\r" else text.lstrip(" ")[:1]
    return "'" + text if first in FORMULA_STARTS else text


def row(values: Iterable[Any]) -> list:
    return [cell(value) for value in values]


class _SafeWriter:
    """csv.writer with every cell neutralised."""

    def __init__(self, stream, **options):
        self._writer = csv.writer(stream, **options)

    def writerow(self, values: Iterable[Any]):
        return self._writer.writerow(row(values))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for values in rows:
            self.writerow(values)


def writer(stream, **options) -> _SafeWriter:
    return _SafeWriter(stream, **options)
