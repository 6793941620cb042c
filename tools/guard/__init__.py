"""The SQL guard: whether SQL may run, why not, and what a person should look at twice.

Every front end (the loop, the TUI's editor, `analyst check`) checks through `check_for`, which
runs `check_sql` against a database's catalog with its engine's own cross-check; approval shows
`sql_warnings` (the advice: SQL the guard allows but a person may not mean).

The modules: `problems` (Problem, Verdict, the hash approval binds to) and `names` (how the
engines match names) are leaves the database layer may import; `parse`, `statements`,
`functions`, `tables`, `hidden` (with `binding`) and `columns` are the rules, `query` the one
query they judge, `check` the order they run in, and `advice` the warnings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tools.lazy_names import load_name

# Each public name loads from its module on first use, so a backend importing the leaf
# `tools.guard.problems` (which runs this file first) does not load the rules and sqlglot.
_HOME = {
    "RULES": "tools.guard.check",
    "Engine": "tools.guard.check",
    "check_for": "tools.guard.check",
    "check_sql": "tools.guard.check",
    "Problem": "tools.guard.problems",
    "Verdict": "tools.guard.problems",
    "sql_hash": "tools.guard.problems",
    "typed_text": "tools.guard.problems",
    "sql_warnings": "tools.guard.advice",
}
__all__ = [
    "RULES",
    "Engine",
    "Problem",
    "Verdict",
    "check_for",
    "check_sql",
    "sql_hash",
    "sql_warnings",
    "typed_text",
]


def __getattr__(name: str) -> Any:
    return load_name(__name__, _HOME, globals(), name)


if TYPE_CHECKING:
    from tools.guard.advice import sql_warnings
    from tools.guard.check import RULES, Engine, check_for, check_sql
    from tools.guard.problems import Problem, Verdict, sql_hash, typed_text
