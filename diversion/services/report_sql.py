"""SQL pieces the reports need that SQLite and PostgreSQL spell differently."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class ymd(FunctionElement):
    """A date as the integer YYYYMMDD (so that whole years of age are a subtraction and a division)."""
    type = sa.Integer()
    inherit_cache = True


@compiles(ymd, "sqlite")
def _ymd_sqlite(element, compiler, **kw):
    return "CAST(strftime('%%Y%%m%%d', %s) AS INTEGER)" % compiler.process(element.clauses, **kw)


@compiles(ymd, "postgresql")
def _ymd_postgresql(element, compiler, **kw):
    return "CAST(to_char(%s, 'YYYYMMDD') AS INTEGER)" % compiler.process(element.clauses, **kw)


class days_between(FunctionElement):
    """Whole days from the first date to the second."""
    type = sa.Integer()
    inherit_cache = True


@compiles(days_between, "sqlite")
def _days_sqlite(element, compiler, **kw):
    start, end = list(element.clauses)
    return "CAST(julianday(%s) - julianday(%s) AS INTEGER)" % (compiler.process(end, **kw),
                                                                compiler.process(start, **kw))


@compiles(days_between, "postgresql")
def _days_postgresql(element, compiler, **kw):
    start, end = list(element.clauses)
    return "(%s - %s)" % (compiler.process(end, **kw), compiler.process(start, **kw))


def age_on(date_of_birth, day):
    """Whole years of age on `day`: (YYYYMMDD(day) - YYYYMMDD(birth)) // 10000, an integer division."""
    return (ymd(day) - ymd(date_of_birth)) // 10000


def age_band(date_of_birth, day, bands: tuple[str, ...], lower_bounds: tuple[int, ...]):
    age = age_on(date_of_birth, day)
    whens = [(age >= lower, band) for band, lower in reversed(list(zip(bands, lower_bounds))) if lower > 0]
    return sa.case(*whens, else_=bands[0])


class year_month(FunctionElement):
    """A date's month as 'YYYY-MM'."""
    type = sa.String()
    inherit_cache = True


@compiles(year_month, "sqlite")
def _ym_sqlite(element, compiler, **kw):
    return "strftime('%%Y-%%m', %s)" % compiler.process(element.clauses, **kw)


@compiles(year_month, "postgresql")
def _ym_postgresql(element, compiler, **kw):
    return "to_char(%s, 'YYYY-MM')" % compiler.process(element.clauses, **kw)
