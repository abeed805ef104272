"""Calendar months added to a date in SQL, with the month-end clamp of domain/deadlines.add_calendar_months
(31 Aug + 6 months = 28 Feb), on SQLite and PostgreSQL alike."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class add_months(FunctionElement):
    """add_months(date_column, n): the date n calendar months later (n a Python int, n >= 0)."""
    type = sa.Date()
    inherit_cache = True

    def __init__(self, day, months: int):
        if not isinstance(months, int) or isinstance(months, bool) or months < 0:
            raise ValueError(f"months must be a whole number of 0 or more (got {months!r})")
        # The count as a literal clause, so that it is part of the statement's cache key.
        super().__init__(day, sa.literal_column(str(months)))


@compiles(add_months, "postgresql")
def _add_months_postgresql(element, compiler, **kw):
    # date + interval clamps at the month's end, as the domain rule does.
    day, months = _parts(element, compiler, **kw)
    return "CAST(%s + INTERVAL '%d months' AS DATE)" % (day, months)


@compiles(add_months, "sqlite")
def _add_months_sqlite(element, compiler, **kw):
    # SQLite's '+n months' runs over into the next month (31 Aug + 6 months = 3 Mar); the earlier of that and the
    # last day of the target month is the clamped date.
    day, months = _parts(element, compiler, **kw)
    return ("min(date(%s, '+%d months'), date(%s, 'start of month', '+%d months', '-1 day'))"
            % (day, months, day, months + 1))


def _parts(element, compiler, **kw) -> tuple[str, int]:
    day, months = list(element.clauses)
    return compiler.process(day, **kw), int(months.name)
