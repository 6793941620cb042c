"""The MySQL variables rule: no user variable, server variable or optimizer hint in a query.

MySQL lets a SELECT assign a user variable (`@v := 1`), read one another query set, read any
server setting (`@@secure_file_priv`) and change settings for one statement through an optimizer
hint (`/*+ SET_VAR(...) */`, `MAX_EXECUTION_TIME`). None of that answers a question over the
tables, and each is session state or a setting, so all of it is refused in the MySQL dialect.
"""

from __future__ import annotations

from sqlglot import exp

from tools.guard.problems import Problem
from tools.guard.query import Query

_KINDS: tuple[tuple[type[exp.Expression], str], ...] = (
    (exp.PropertyEQ, "a variable assignment (:=)"),
    (exp.SessionParameter, "a server variable (@@...)"),
    (exp.Parameter, "a user variable (@...)"),
    (exp.Hint, "an optimizer hint (/*+ ... */)"),
)


def session_variables(query: Query) -> list[Problem]:
    if query.dialect != "mysql":
        return []
    found = {what: None for node in query.tree.walk() for kind, what in _KINDS if isinstance(node, kind)}
    if not found:
        return []
    return [
        Problem(
            "session_variable",
            f"The query uses {', '.join(found)}; only plain SELECT over the tables may run. "
            "Compute the value in the query itself (a CTE or subquery) instead.",
        )
    ]
