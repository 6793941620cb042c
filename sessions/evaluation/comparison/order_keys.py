"""Which gold output columns a top-level ORDER BY sorts on, for order-aware result comparison.

Kept apart from the comparison itself: it reads SQL (sqlglot), while the rest of the comparison
only reads values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tools.databases.base import ResultColumn


def order_keys(gold_sql: str, dialect: str, gold_columns: Sequence[ResultColumn | str]) -> tuple[tuple[int, ...], bool]:
    """(gold output columns the top-level ORDER BY sorts on, whether a top-level LIMIT exists).

    A key resolves by position (`ORDER BY 2`), output alias or name, or as the same expression as
    a select item (`ORDER BY COUNT(*)` with `COUNT(*) AS n` selected); keys on unselected
    expressions are left out (rule 5).  Unparseable SQL gives ((), False).
    """
    import sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(gold_sql, read=dialect)
    except Exception:
        return (), False
    while isinstance(tree, (exp.Subquery, exp.Paren)) and not tree.args.get("order") and not tree.args.get("limit"):
        tree = tree.this
    has_limit = tree.args.get("limit") is not None or tree.args.get("fetch") is not None
    if tree.args.get("order") is None:
        return (), has_limit
    names = [(c.name if isinstance(c, ResultColumn) else str(c)).lower() for c in gold_columns]
    select = tree
    while isinstance(select, exp.SetOperation):
        select = select.this
    items = list(select.expressions) if isinstance(select, exp.Select) else []
    if any(isinstance(i, exp.Star) or (isinstance(i, exp.Column) and isinstance(i.this, exp.Star)) for i in items):
        items = []  # select items no longer line up with output positions
    keys: list[int] = []
    for ordered in tree.args["order"].expressions:
        idx = _key_index(ordered.this if isinstance(ordered, exp.Ordered) else ordered, items, names, dialect)
        if idx is not None and 0 <= idx < len(names) and idx not in keys:
            keys.append(idx)
    return tuple(keys), has_limit


def _key_index(e: Any, items: list[Any], names: list[str], dialect: str) -> int | None:
    from sqlglot import exp

    if isinstance(e, exp.Literal) and not e.is_string:
        return int(e.name) - 1 if e.name.isdigit() else None
    column = e.name.lower() if isinstance(e, exp.Column) else None
    if column is not None and not e.table:  # an output alias wins over a source column
        for i, item in enumerate(items):
            if isinstance(item, exp.Alias) and item.alias.lower() == column:
                return i
    text = e.sql(dialect=dialect).lower()
    for i, item in enumerate(items):
        if item.unalias().sql(dialect=dialect).lower() == text:
            return i
    if column is not None:
        for i, item in enumerate(items):
            if isinstance(item, exp.Column) and item.name.lower() == column:
                return i
        if column in names:
            return names.index(column)
    return None
