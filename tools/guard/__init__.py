"""The SQL guard: whether SQL may run, why not, and what a person should look at twice.

Every front end (the loop, the TUI's editor, `analyst check`) checks through `check_for`, which
runs `check_sql` against a database's catalog with its engine's own cross-check; approval shows
`sql_warnings` (the advice: SQL the guard allows but a person may not mean).

The modules: `problems` (Problem, Verdict, the hash approval binds to) and `names` (how the
engines match names) are leaves the database layer may import; `parse`, `statements`,
`functions`, `tables`, `hidden` (with `binding`) and `columns` are the rules, `query` the one
query they judge, `check` the order they run in, and `advice` the warnings.
"""

from tools.guard.advice import sql_warnings
from tools.guard.check import RULES, Engine, check_for, check_sql
from tools.guard.problems import Problem, Verdict, sql_hash, typed_text

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
