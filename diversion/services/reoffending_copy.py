"""The command line's fast path on PostgreSQL: an extract whose every line is plainly sound goes into the staging
table with COPY, with no Python work per row. The lines are checked by their shape only (each digit read as 9 and
each capital letter as A, a few bytes' work per line in C): a PNC id in the stored form and two dates written
YYYY-MM-DD; COPY itself refuses a date that is not real, and one SQL statement then counts the dates before 1900,
after today or with the disposal before the offence.

Anything this cannot vouch for (another shape of line, a quote, a blank line, a column more, a date that is not
real) and it answers False, having staged nothing: the caller then reads the file row by row
(reoffending_import.py), normalising what can be normalised and naming every problem by line. The verdicts are the
same either way, because the rows taken here are exactly rows that RecordChecker passes on sight, taken as they
are.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import psycopg
import sqlalchemy as sa

from diversion.extensions import db
from diversion.services import reoffending_staging as staging

COLUMNS = ("pnc_id", "offence_date", "disposal_date")
CHUNK = 1 << 20  # bytes read at a time (whole lines are sent)
_SHAPE = bytes.maketrans(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"9" * 10 + b"A" * 26)
_PNC_SHAPES = [b"9" * year + b"/" + b"9" * number + b"A" for year in (2, 4) for number in range(1, 8)]
_DATE_SHAPE = b"9999-99-99"


class NotPlain(Exception):
    """A line the fast path cannot vouch for."""


def copy_extract(path: Path, today: date, progress: Callable[[int], None] | None = None) -> bool:
    """Stage the extract at `path` (PostgreSQL) if every line is plainly sound: True, and the staging table holds
    its rows; else False, and nothing is staged (the savepoint is rolled back)."""
    if not staging.is_postgresql():
        return False
    reported = 0

    def told(lines: int) -> None:
        nonlocal reported
        reported += lines
        if progress:
            progress(lines)

    with path.open("rb") as handle:
        order = _columns(handle.readline())
        if order is None:
            return False
        savepoint = db.session.begin_nested()
        try:
            staging.open_staging()
            staging.copy_csv(order, _plain_chunks(handle, _line_shapes(order), told))
            plain = not _out_of_range(today)
        except (NotPlain, psycopg.DataError):
            plain = False
    if plain:
        savepoint.commit()
        return True
    savepoint.rollback()
    if progress and reported:
        progress(-reported)  # the row-by-row reading starts again from the top
    return False


def _columns(header: bytes) -> tuple[str, ...] | None:
    """The three columns in the file's order, when the header names exactly those three (plainly)."""
    try:
        text = header.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError:
        return None
    names = tuple(name.strip().lower() for name in text.split(","))
    return names if '"' not in text and sorted(names) == sorted(COLUMNS) else None


def _line_shapes(order: tuple[str, ...]) -> frozenset[bytes]:
    shapes = [b""]
    for name in order:
        fields = _PNC_SHAPES if name == "pnc_id" else [_DATE_SHAPE]
        shapes = [shape + (b"," if shape else b"") + field for shape in shapes for field in fields]
    return frozenset(shapes + [shape + b"\r" for shape in shapes])  # \n or \r\n line ends


def _plain_chunks(handle, shapes: frozenset[bytes], told: Callable[[int], None]) -> Iterator[bytes]:
    """The file's lines after the header, a chunk of whole lines at a time, each line checked by its shape."""
    rest = b""
    while True:
        chunk = handle.read(CHUNK)
        data = rest + chunk
        if not chunk:  # the end: a last line without a line end
            if data:
                _check(data, shapes, last=True)
                told(1)
                yield data
            return
        cut = data.rfind(b"\n") + 1
        if not cut:
            rest = data
            continue
        data, rest = data[:cut], data[cut:]
        _check(data, shapes, last=False)
        lines = data.count(b"\n")
        told(lines)
        yield data


def _check(data: bytes, shapes: frozenset[bytes], *, last: bool) -> None:
    lines = data.translate(_SHAPE).split(b"\n")
    if not last:
        lines.pop()  # the nothing after the chunk's final line end (a blank line is a shape refused)
    if not shapes.issuperset(lines):
        raise NotPlain


def _out_of_range(today: date) -> int:
    """Staged rows whose dates are real but refused: before 1900, after today, or the disposal before the offence."""
    return db.session.connection().execute(sa.text(
        f"SELECT count(*) FROM {staging.STAGING} WHERE offence_date < DATE '1900-01-01' "
        "OR disposal_date < offence_date OR disposal_date > :today"), {"today": today}).scalar_one()
