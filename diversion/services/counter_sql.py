"""SQL pieces the counters' rebuilds share (services/rollups.py, people_counts.py, reoffending_counts.py): the first
day of a day's month or year, in each database's words, and our own constants written into a statement."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class _unit_start(FunctionElement):
    """The first day of a day's month ('m') or year ('y')."""
    type = sa.Date()
    inherit_cache = True

    def __init__(self, unit: str, day):
        self.unit = {"m": "month", "y": "year"}[unit]
        super().__init__(day)


@compiles(_unit_start, "sqlite")
def _unit_start_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, 'start of {element.unit}')"


@compiles(_unit_start, "postgresql")
def _unit_start_postgresql(element, compiler, **kw):
    return f"CAST(date_trunc('{element.unit}', {compiler.process(element.clauses, **kw)}) AS DATE)"


def _constant(value: str | int):
    """One of our own constants (a scheme, grouping, unit or measure name) written into the SQL."""
    return sa.literal_column(str(value) if isinstance(value, int) else "'" + value.replace("'", "''") + "'")
