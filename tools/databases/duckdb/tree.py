"""Which unqualified column names DuckDB binds where, read from its own parse tree
(`json_serialize_sql`), for the cross-check of hidden (`--exclude-column`) columns.

A column written `email` in a SELECT's own clauses binds to that SELECT's FROM items first; when
a CTE or subquery there certainly outputs a column of that name and no table holding a hidden
`email` is among them, it reads that output, not the hidden column. These helpers find a
SELECT's own column references, its FROM items, and the names a query certainly outputs — the
same rule as `tools.guard.binding`, applied to DuckDB's tree instead of sqlglot's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tools.guard.names import fold

_OWN_LEVEL_KEYS = ("select_list", "where_clause", "group_expressions", "having", "qualify", "modifiers")


def own_level_columns(select: dict[str, Any]) -> list[dict[str, Any]]:
    """Column refs in a SELECT's own clauses (not in its FROM, a subquery or a lambda)."""
    found: list[dict[str, Any]] = []
    stack: list[Any] = [select.get(key) for key in _OWN_LEVEL_KEYS]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            if item.get("class") == "SUBQUERY":
                stack.append(item.get("child"))  # `x IN (SELECT ...)`: x is on this level
                continue
            if item.get("class") == "LAMBDA" or ("class" not in item and str(item.get("type", "")).endswith("_NODE")):
                continue
            if item.get("class") == "COLUMN_REF":
                found.append(item)
            stack.extend(item.values())
    return found


def from_items(ref: Any) -> list[dict[str, Any]]:
    """The relations a FROM clause joins (the leaves of its join tree)."""
    if not isinstance(ref, dict):
        return []
    if ref.get("type") == "JOIN":
        return from_items(ref.get("left")) + from_items(ref.get("right"))
    return [ref]


def query_outputs(node: Any, aliases: list[str]) -> set[str]:
    """Output names (folded) of a query node: the alias list by position, then the names the
    leftmost SELECT gives its remaining columns (an alias or a plain column reference)."""
    while isinstance(node, dict) and node.get("type") in ("SET_OPERATION_NODE", "RECURSIVE_CTE_NODE"):
        children = node.get("children") or []
        node = children[0] if children else node.get("left")
    out = set(aliases)
    if not isinstance(node, dict) or node.get("type") != "SELECT_NODE":
        return out
    names: list[str | None] = []
    widths_known = True
    for item in node.get("select_list") or []:
        cls = item.get("class")
        if _may_be_several_columns(item):
            names.append(None)
            widths_known = False  # `*`, COLUMNS(...), unnest of a struct: may be several columns
        elif item.get("alias"):
            names.append(fold(str(item["alias"])))
        elif cls == "COLUMN_REF" and item.get("column_names"):
            names.append(fold(str(item["column_names"][-1])))
        else:
            names.append(None)
    if aliases and not widths_known:
        return out
    return out | {n for n in names[len(aliases) :] if n}


_MULTI_COLUMN_FUNCTIONS = frozenset({"unnest", "unpack", "struct_unpack"})


def _may_be_several_columns(item: dict[str, Any]) -> bool:
    """`*`, COLUMNS(...) anywhere in the expression, or unnest of a struct (alias dropped)."""
    stack: list[Any] = [item]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            cls = node.get("class")
            if cls == "SUBQUERY":
                continue
            if cls == "STAR" or (
                cls == "FUNCTION" and fold(str(node.get("function_name", ""))) in _MULTI_COLUMN_FUNCTIONS
            ):
                return True
            stack.extend(node.values())
    return False


def all_dicts(node: Any) -> Iterator[dict[str, Any]]:
    """Every dict anywhere under `node` (json_serialize_sql output is dicts and lists)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            yield item
            stack.extend(item.values())


def contains(tree: Any, target: dict[str, Any]) -> bool:
    return any(item is target for item in all_dicts(tree))


def dicts_with_key(node: Any, key: str) -> list[dict[str, Any]]:
    return [item for item in all_dicts(node) if key in item]
