"""The guard's advice: SQL it allows but a person may not mean.

The rules decide what may run; these warnings only point at shapes that usually give a surprising
answer (every row paired with every row, an arbitrary top N), so the person looks twice before
approving. Every approval shows them: the TUI's approval screen and `ask --approve ask`'s prompt.
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError


def sql_warnings(sql: str, dialect: str) -> list[str]:
    """Plain-language warnings about `sql` (already accepted by the guard)."""
    try:
        tree = sqlglot.parse_one(sql, read=dialect)
    except SqlglotError:
        return []
    if tree is None:
        return []
    warnings: list[str] = []
    for select in tree.find_all(exp.Select):
        warnings.extend(_unconditioned_joins(select))
    if isinstance(tree, exp.Query) and tree.args.get("limit") is not None and tree.args.get("order") is None:
        warnings.append("LIMIT without ORDER BY: which rows come back is arbitrary.")
    return list(dict.fromkeys(warnings))


def _unconditioned_joins(select: exp.Select) -> list[str]:
    """Joins with no ON/USING (explicit or comma joins) whose tables no WHERE clause relates."""
    from_ = select.args.get("from") or select.args.get("from_")
    first = _name(from_.this) if from_ is not None else "?"
    where = select.args.get("where")
    related = _related_pairs(where.this) if where is not None else set()
    found = []
    for join in select.args.get("joins") or []:
        if join.args.get("on") is not None or join.args.get("using"):
            continue
        kind = (join.args.get("kind") or "").upper()
        right = _name(join.this)
        if kind == "CROSS" and right.lower() not in related:
            found.append(f"CROSS JOIN {right}: every row of one side is paired with every row of the other.")
        elif right.lower() not in related:
            found.append(f"Join of {first} and {right} without a join condition: every row is paired with every row.")
    return found


def _related_pairs(condition: exp.Expression) -> set[str]:
    """Table names that appear in an equality between columns of two different tables."""
    names: set[str] = set()
    for eq in condition.find_all(exp.EQ):
        left, right = eq.this, eq.expression
        if (
            isinstance(left, exp.Column)
            and isinstance(right, exp.Column)
            and left.table
            and right.table
            and left.table != right.table
        ):
            names.update({left.table.lower(), right.table.lower()})
    return names


def _name(node: exp.Expression | None) -> str:
    if isinstance(node, exp.Table):
        return node.alias_or_name
    if node is None:
        return "?"
    return node.alias_or_name or node.sql()[:30]
