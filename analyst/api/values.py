"""What the Python API hands back: frozen values a caller can keep, compare and print.

Why values and not the loop's own objects: a program wiring analyst in should not depend on the
loop's internals (turns, verdicts, history), only on this small documented surface, which
`tests/analyst/test_api_surface.py` pins so that a change to it is deliberate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agents.models.base import Usage
from agents.outcome import RunError, Status
from tools.databases.base import Limits
from tools.guard.problems import Problem


@dataclass(frozen=True)
class Column:
    """One result column: its name and the engine's type name."""

    name: str
    type: str


@dataclass(frozen=True)
class Result:
    """How `ask` or `run` ended: the SQL that ran, its rows (capped by `max_rows`), the answer in
    words (`ask` only), and the session that logged it.

    `status` is `Status.ANSWERED` when SQL ran (and, for `ask`, the model answered); `problems`
    holds the guard's reasons when it refused (`Status.REJECTED`)."""

    status: Status
    sql: str | None
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    row_count: int
    truncated: bool
    answer: str | None
    session_id: str
    usage: Usage
    error: RunError | None
    problems: tuple[Problem, ...] = ()
    cost_usd: float | None = None
    clarification: str | None = None

    @property
    def ok(self) -> bool:
        """Did SQL run and return rows (or, for a dry run, pass the guard)?"""
        return self.status in (Status.ANSWERED, Status.DRY_RUN) and self.error is None


@dataclass(frozen=True)
class Check:
    """The guard's verdict on one statement: whether it may run, the exact text that would run
    (and its hash, which an approval binds to), the tables it reads, and why not."""

    ok: bool
    sql: str | None
    sql_hash: str | None
    tables: tuple[str, ...]
    problems: tuple[Problem, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class PendingSql:
    """What an approval callable is shown: the exact SQL that would run, its hash, the tables it
    reads, the limits it runs under, and the advice a person should look at twice. `problems` is
    set when an edit the callable returned failed the guard (it is asked again)."""

    sql: str
    sql_hash: str
    tables: tuple[str, ...]
    limits: Limits
    warnings: tuple[str, ...]
    problems: tuple[Problem, ...] = ()
    question: str | None = None


@dataclass(frozen=True)
class SchemaColumn:
    name: str
    type: str
    comment: str | None


@dataclass(frozen=True)
class SchemaTable:
    """A table as the model would see it: `why` says why retrieval chose it (empty for the whole schema)."""

    name: str
    row_count: int | None
    comment: str | None
    columns: tuple[SchemaColumn, ...]
    why: str = ""


@dataclass(frozen=True)
class Schema:
    """The catalog, or the slice of it `ask` would send for a question: DDL text plus the tables."""

    ddl: str
    tables: tuple[SchemaTable, ...]
    join_hints: tuple[str, ...]
    tokens: int
    full_tokens: int
