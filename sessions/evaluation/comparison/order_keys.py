"""What a gold query's top level says about its result's order: sort keys, LIMIT, the query past it.

Kept apart from the comparison itself: it reads SQL (sqlglot), while the rest of the comparison
only reads values.  A gold query is parsed once per process (`_parsed`, cached by its text): a
suite scores every prediction of a question against the same gold, and parsing was most of the
time spent scoring a large labelled set (benchmarks/judge_agreement.py).  Resolving the keys
against the gold's output column names is cached too, and needs no tree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from tools.databases.base import ResultColumn


@dataclass(frozen=True)
class _SelectItem:
    alias: str | None  # lower-cased output alias
    text: str  # the unaliased expression as SQL, lower-cased
    column: str | None  # the bare column name when the item is a column reference


@dataclass(frozen=True)
class _OrderItem:
    position: int | None  # `ORDER BY 2` -> 1
    column: str | None  # a column reference's name (lower-cased), when it is one
    qualified: bool  # the column reference names its table
    text: str  # the expression as SQL, lower-cased


@dataclass(frozen=True)
class _Parsed:
    ordered: bool
    has_limit: bool
    items: tuple[_SelectItem, ...]  # empty when `*` makes positions unknowable
    order: tuple[_OrderItem, ...]
    past_limit_sql: str | None  # the top-level query without its LIMIT, when it is ordered and limited


@dataclass(frozen=True)
class GoldShape:
    """The facts the comparison needs from a gold query's text (see `gold_shape`)."""

    ordered: bool  # a top-level ORDER BY: row order is part of the gold answer
    keys: tuple[int, ...]  # output columns the ORDER BY sorts on (resolvable ones only)
    has_limit: bool
    past_limit_sql: str | None  # run this to see the rows past the LIMIT (rule 6 of verdict.py)
    keys_complete: bool = True  # every ORDER BY item is an output column (else ties are on hidden values)


def gold_shape(gold_sql: str, dialect: str, gold_columns: Sequence[ResultColumn | str]) -> GoldShape:
    """The gold's order facts; unparseable SQL has none (unordered, no keys, no LIMIT)."""
    names = tuple((c.name if isinstance(c, ResultColumn) else str(c)).lower() for c in gold_columns)
    return _shape(gold_sql, dialect, names)


def order_keys(gold_sql: str, dialect: str, gold_columns: Sequence[ResultColumn | str]) -> tuple[tuple[int, ...], bool]:
    """(gold output columns the top-level ORDER BY sorts on, whether a top-level LIMIT exists).

    A key resolves by position (`ORDER BY 2`), output alias or name, or as the same expression as
    a select item (`ORDER BY COUNT(*)` with `COUNT(*) AS n` selected); keys on unselected
    expressions are left out (rule 5).  Unparseable SQL gives ((), False).
    """
    shape = gold_shape(gold_sql, dialect, gold_columns)
    return shape.keys, shape.has_limit


@lru_cache(maxsize=4096)
def _shape(gold_sql: str, dialect: str, names: tuple[str, ...]) -> GoldShape:
    parsed = _parsed(gold_sql, dialect)
    if parsed is None:
        return GoldShape(False, (), False, None)
    keys: list[int] = []
    complete = True
    for item in parsed.order:
        idx = _key_index(item, parsed.items, names)
        if idx is None or not 0 <= idx < len(names):
            complete = False
        elif idx not in keys:
            keys.append(idx)
    return GoldShape(parsed.ordered, tuple(keys), parsed.has_limit, parsed.past_limit_sql, complete)


@lru_cache(maxsize=1024)
def _parsed(gold_sql: str, dialect: str) -> _Parsed | None:
    import sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(gold_sql, read=dialect)
    except Exception:
        return None
    while isinstance(tree, (exp.Subquery, exp.Paren)) and not tree.args.get("order") and not tree.args.get("limit"):
        tree = tree.this
    has_limit = tree.args.get("limit") is not None or tree.args.get("fetch") is not None
    order = tree.args.get("order")
    if order is None:
        return _Parsed(False, has_limit, (), (), None)
    select = tree
    while isinstance(select, exp.SetOperation):
        select = select.this
    raw = list(select.expressions) if isinstance(select, exp.Select) else []
    if any(isinstance(i, exp.Star) or (isinstance(i, exp.Column) and isinstance(i.this, exp.Star)) for i in raw):
        raw = []  # select items no longer line up with output positions
    items = tuple(
        _SelectItem(
            i.alias.lower() if isinstance(i, exp.Alias) else None,
            i.unalias().sql(dialect=dialect).lower(),
            i.name.lower() if isinstance(i, exp.Column) else None,
        )
        for i in raw
    )
    orders = tuple(_order_item(o.this if isinstance(o, exp.Ordered) else o, dialect) for o in order.expressions)
    past = None
    if has_limit:
        cut = tree.copy()
        cut.set("limit", None)
        cut.set("fetch", None)
        past = cut.sql(dialect=dialect)
    return _Parsed(True, has_limit, items, orders, past)


def _order_item(e: Any, dialect: str) -> _OrderItem:
    from sqlglot import exp

    position = int(e.name) - 1 if isinstance(e, exp.Literal) and not e.is_string and e.name.isdigit() else None
    column = e.name.lower() if isinstance(e, exp.Column) else None
    qualified = bool(e.table) if isinstance(e, exp.Column) else False
    return _OrderItem(position, column, qualified, e.sql(dialect=dialect).lower())


def _key_index(e: _OrderItem, items: tuple[_SelectItem, ...], names: tuple[str, ...]) -> int | None:
    if e.position is not None:
        return e.position
    if e.column is not None and not e.qualified:  # an output alias wins over a source column
        for i, item in enumerate(items):
            if item.alias == e.column:
                return i
    for i, item in enumerate(items):
        if item.text == e.text:
            return i
    if e.column is not None:
        for i, item in enumerate(items):
            if item.column == e.column:
                return i
        if e.column in names:
            return names.index(e.column)
    return None
