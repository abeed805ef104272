"""Several report-counter reads in one round trip (issue 14: the dashboard's statements, at most 12 a page).

The dashboard's sections each read the counters with a statement of their own (services/reports.py `_read`). A page
that shows them all first hands the same statements, built by the same functions, to `prefetch`: they go to the
database as one UNION ALL, each row tagged with the statement it belongs to and its columns padded to a common list,
and the rows of each are kept on the session (so for this request only, and dropped with it) under the statement's
compiled SQL and parameters. `take` then gives a section the rows of the statement it built, once; a statement that
was not fetched (a section that changed without its page's prefetch) is simply run on its own, so a missed
prefetch costs a statement, never a wrong figure.
"""
from __future__ import annotations

from collections import namedtuple
from functools import cache

import sqlalchemy as sa

KEY = "counter_batch"


def _key(session, statement) -> tuple:
    """The statement's structure (SQLAlchemy's own cache key, as its compiled-SQL cache uses) and the values bound
    in it: equal only for statements that read the same rows. (Compiling each statement to text to compare them
    cost more than the reads it saved.)"""
    cache_key = statement._generate_cache_key()
    if cache_key is None:  # not cacheable: compare the compiled text
        compiled = statement.compile(dialect=session.get_bind().dialect)
        return str(compiled), tuple(sorted((name, repr(value)) for name, value in compiled.params.items()))
    return cache_key.key, tuple(repr(bind.effective_value) for bind in cache_key.bindparams)


def prefetch(session, execute, statements: list) -> None:
    """Run `statements` (each a SELECT of counter rows) as one statement through `execute`; keep their rows."""
    statements = [statement for statement in statements if statement is not None]
    if not statements:
        return
    # Keyed before they are compiled into the union (compiling can change what a statement's cache key holds).
    keys = [_key(session, statement) for statement in statements]
    columns: dict[str, sa.types.TypeEngine] = {}
    for statement in statements:
        for column in statement.selected_columns:
            known = columns.setdefault(column.key, column.type)
            if type(known) is not type(column.type) and not (
                    isinstance(known, sa.Integer) and isinstance(column.type, sa.Integer)):
                raise TypeError(f"counter statements disagree on the type of {column.key!r}")
    parts = []
    for number, statement in enumerate(statements):
        inner = statement.subquery()
        parts.append(sa.select(sa.literal(number).label("_statement"), *(
            inner.c[name] if name in inner.c else sa.null().cast(kind).label(name)
            for name, kind in columns.items())))
    found: dict[int, list] = {number: [] for number in range(len(statements))}
    names = list(columns)
    for row in execute(sa.union_all(*parts)):
        found[row[0]].append(dict(zip(names, row[1:])))
    kept = session.info.setdefault(KEY, {})
    for number, statement in enumerate(statements):
        own = tuple(column.key for column in statement.selected_columns)
        shape = _row_shape(own)
        kept[keys[number]] = [shape(*(values[name] for name in own)) for values in found[number]]


@cache
def _row_shape(names: tuple[str, ...]):
    """The row class of a statement with these columns (made once per process: a class a statement, every request,
    cost more than reading the rows)."""
    return namedtuple("CounterRow", names, rename=True)


def take(session, statement) -> list | None:
    """The prefetched rows of `statement` (then forgotten), or None when it was not prefetched."""
    kept = session.info.get(KEY)
    if not kept:
        return None
    return kept.pop(_key(session, statement), None)


def forget(session) -> None:
    session.info.pop(KEY, None)
