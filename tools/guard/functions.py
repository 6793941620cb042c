"""The function rule (guard layer 2c): every function a query calls is on the allowlist for its
position (FROM or not), and none is one the database redefines.

The written names allowed per dialect are data in `tools.sql_functions`, and so are the classes
sqlglot parses known names into (`date_trunc` -> `TimestampTrunc`), allowed by class name.
"""

from __future__ import annotations

import re

from sqlglot import exp
from sqlglot.errors import SqlglotError

from tools.guard.names import fold
from tools.guard.problems import Problem
from tools.guard.query import Query
from tools.sql_functions import (
    SAFE_CLASSES,
    SAFE_TABLE_CLASSES,
    refusal_reason,
    safe_function_names,
    safe_table_function_names,
)

_TABLE_POSITIONS = (exp.Table, exp.From, exp.Join, exp.Lateral)
_CALL_NAME = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(")
_ANONYMOUS = (exp.Anonymous, exp.AnonymousAggFunc)


def call_name(node: exp.Func, dialect: str) -> str:
    """The lower-cased name a function is written as in `dialect` (for messages and the log)."""
    if isinstance(node, _ANONYMOUS):
        return fold(node.name)
    try:
        match = _CALL_NAME.match(node.sql(dialect=dialect))
    except SqlglotError:
        match = None
    return fold(match.group(1) if match else node.sql_name())


def allowed_functions(query: Query) -> list[Problem]:
    """Every function call in the tree must be on the allowlist for its position (FROM or not);
    records the names called (`Query.functions`)."""
    dialect = query.dialect
    names: dict[str, None] = {}
    problems: list[Problem] = []
    scalar_names = safe_function_names(dialect)
    table_names = safe_table_function_names(dialect)
    for node in query.tree.walk():
        if not isinstance(node, exp.Func):
            continue
        name = call_name(node, dialect)
        names[name] = None
        anonymous = isinstance(node, _ANONYMOUS)
        if isinstance(node.parent, exp.Dot) and node.arg_key == "expression":
            # `public.upper(x)` parses as Dot(public, Upper(x)): the allowlist would see only
            # `upper` while the engine calls a function of that schema (DuckDB: `x.upper()`).
            problems.append(
                Problem(
                    "function_not_allowed",
                    f"Call {name}() directly: write {name}(x), not schema.{name}(x) or x.{name}().",
                )
            )
            continue
        if isinstance(node.parent, _TABLE_POSITIONS) and node.arg_key == "this":
            kind = type(node).__name__
            if not (name in table_names if anonymous else kind in SAFE_TABLE_CLASSES):
                problems.append(
                    Problem(
                        "table_function_not_allowed",
                        f"The table function {name}() is not allowed because {refusal_reason(name)}. "
                        f"In FROM use catalog tables, CTEs, subqueries or only: "
                        f"{', '.join(sorted(table_names))}.",
                    )
                )
        elif not (name in scalar_names if anonymous else type(node).__name__ in SAFE_CLASSES):
            problems.append(
                Problem(
                    "function_not_allowed",
                    f"The function {name}() is not allowed because {refusal_reason(name)}. Use "
                    "standard aggregate, window, date/time, string, math or list functions instead.",
                )
            )
    query.functions = tuple(names)
    return problems


def user_functions(query: Query) -> list[Problem]:
    """Calls the database itself could answer: a DuckDB macro or a PostgreSQL function in a user
    schema with an allowed name (`upper`) shadows or overloads the built-in and runs any SQL."""
    catalog = query.catalog
    shadowed = [f for f in query.functions if catalog is not None and f in catalog.user_functions]
    if not shadowed:
        return []
    return [
        Problem(
            "function_not_allowed",
            f"The function {', '.join(f + '()' for f in shadowed)} is redefined by this database, "
            "so calling it could run anything; compute the value another way.",
        )
    ]
