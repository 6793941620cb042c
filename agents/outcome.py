"""What a turn of the loop stops with: paused for a person (`Pending`, `Clarification`) or ended
(`Outcome`), as the drivers (ask, chat, batch, eval, replay) receive it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agents.models.base import Usage
from tools.databases.base import QueryError, QueryResult


@dataclass(frozen=True)
class Pending:
    """The loop is paused: a person (or policy) must decide about this exact SQL."""

    sql: str
    sql_hash: str
    tables: tuple[str, ...]
    problems: tuple[Any, ...] = ()  # set when an edited SQL failed the guard
    rewritten_from: str | None = (
        None  # the person's text, when the engine reads it unlike the checker: `sql` is the checked rewrite
    )


@dataclass(frozen=True)
class Clarification:
    """The loop is paused: the model asks the person a question before it writes (more) SQL.

    Interactive drivers answer it with `reply(text)` and the same turn goes on; drivers that
    cannot ask anyone end the turn with `stop_unclarified()` (status `needs_clarification`)."""

    question: str


@dataclass(frozen=True)
class ExecutedQuery:
    sql: str
    sql_hash: str
    result: QueryResult | None
    error: QueryError | None
    fingerprint: str | None


@dataclass(frozen=True)
class Outcome:
    """How a turn ended."""

    status: str  # answered, dry_run, needs_clarification, aborted, rejected, failed, interrupted
    question: str
    answer: str | None
    sql: str | None
    result: QueryResult | None
    queries: tuple[ExecutedQuery, ...]
    error: dict[str, str] | None
    usage: Usage
    cost_usd: float | None
    unverified_numbers: tuple[str, ...] = ()
    clarification: str | None = None  # the model's question, when the status is needs_clarification
    proposed_sql: str | None = None  # the last SQL checked this turn, run or not (a refused one too)

    @property
    def grounded(self) -> bool:
        """Is the answer backed by a query that succeeded in this turn?  A reply in words alone
        (no query, or none that succeeded) is the model's, not the data's."""
        return self.result is not None


class RunEnded(Exception):
    """Internal: a terminal phase was reached."""

    def __init__(
        self, status: str, kind: str | None = None, message: str | None = None, http_status: int | None = None
    ) -> None:
        super().__init__(message or status)
        self.status = status
        self.error: dict[str, Any] | None = {"kind": kind, "message": message or status} if kind else None
        if self.error is not None and http_status is not None:
            self.error["http_status"] = http_status  # a provider's HTTP status: 401 means every call will fail
