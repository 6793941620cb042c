"""analyst: ask a database questions in plain language, with checked read-only SQL and approval.

The command line (analyst/cli.py) and the terminal app (analyst/tui/) are the person's surface;
for programs, the names below are the Python API (README, "Python API"; pinned by
tests/analyst/test_api_surface.py). Each loads on first use (`tools.lazy_names`), so `import
analyst` and `analyst --help` stay light.

>>> import analyst
>>> with analyst.connect() as a:
...     a.check("DELETE FROM orders").ok
False
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tools.lazy_names import load_name

_HOME = {
    "connect": "analyst.api",
    "Analyst": "analyst.api.connection",
    "Result": "analyst.api.values",
    "Column": "analyst.api.values",
    "Check": "analyst.api.values",
    "PendingSql": "analyst.api.values",
    "Schema": "analyst.api.values",
    "SchemaTable": "analyst.api.values",
    "SchemaColumn": "analyst.api.values",
    "Approve": "agents.decisions",
    "Edit": "agents.decisions",
    "Reject": "agents.decisions",
    "Abort": "agents.decisions",
    "Status": "agents.outcome",
    "RunError": "agents.outcome",
    "Problem": "tools.guard.problems",
    "Limits": "tools.databases.base",
    "Usage": "agents.models.base",
    "UserError": "analyst.errors",
}
__all__ = [
    "Abort",
    "Analyst",
    "Approve",
    "Check",
    "Column",
    "Edit",
    "Limits",
    "PendingSql",
    "Problem",
    "Reject",
    "Result",
    "RunError",
    "Schema",
    "SchemaColumn",
    "SchemaTable",
    "Status",
    "Usage",
    "UserError",
    "connect",
]


def __getattr__(name: str) -> Any:
    return load_name(__name__, _HOME, globals(), name)


if TYPE_CHECKING:
    from agents.decisions import Abort, Approve, Edit, Reject
    from agents.models.base import Usage
    from agents.outcome import RunError, Status
    from analyst.api import connect
    from analyst.api.connection import Analyst
    from analyst.api.values import Check, Column, PendingSql, Result, Schema, SchemaColumn, SchemaTable
    from analyst.errors import UserError
    from tools.databases.base import Limits
    from tools.guard.problems import Problem
