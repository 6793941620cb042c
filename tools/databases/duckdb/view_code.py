"""Whether a DuckDB view's data can come from anywhere but plain table and view references.

A view is judged by the tables it names; a macro, a table function, `query_table('secret')`,
`query('SELECT ...')` or `read_csv(...)` reads what no name in the view says, so while anything
is excluded such a view counts as reading everything. What may appear is the guard's own
allowlist of scalar functions (`tools.sql_functions`), minus every name the database defines
itself (a macro named `upper` is the database's code).
"""

from __future__ import annotations

import re

from sqlglot import exp

from tools.sql_functions import SAFE_CLASSES, safe_function_names

_ANONYMOUS = (exp.Anonymous, exp.AnonymousAggFunc)
_TABLE_POSITIONS = (exp.Table, exp.From, exp.Join, exp.Lateral)


def reads_anything(tree: exp.Expr, sql: str, user_functions: frozenset[str]) -> bool:
    """True when the view calls a user function (macro) or a function off the allowlist, or
    reads from anything but a named table or view (a table function, a file, a string)."""
    if any(re.search(rf"(?<![\w$]){re.escape(name)}\s*\(", sql, re.IGNORECASE) for name in user_functions):
        return True  # also a macro spelled so that sqlglot parses it as a built-in class
    allowed = safe_function_names("duckdb")
    for node in tree.walk():
        if isinstance(node, exp.Table) and not isinstance(node.this, exp.Identifier):
            return True  # FROM range(3), FROM read_csv(...), FROM query_table(...)
        if isinstance(node, exp.Table) and node.this.quoted and "." in node.name:
            return True  # FROM 'file.csv' reads a file
        if not isinstance(node, exp.Func):
            continue
        if isinstance(node.parent, _TABLE_POSITIONS) and node.arg_key == "this":
            return True
        if isinstance(node.parent, exp.Dot) and node.arg_key == "expression":
            return True  # schema.fn(x) or x.fn(): not what the allowlist names
        name = node.name.lower() if isinstance(node, _ANONYMOUS) else ""
        if (name not in allowed) if isinstance(node, _ANONYMOUS) else type(node).__name__ not in SAFE_CLASSES:
            return True
    return False
