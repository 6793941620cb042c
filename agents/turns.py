"""One question's turn: the state the loop keeps across its pauses, and the values it ends with.

A turn can pause for approval and resume on a different call (`decide`), possibly from another
thread, so its state lives in one object rather than in the call stack. It ends either paused
(`Pending`) or finished (`Outcome`); `RunEnded` carries a terminal phase out of the phase code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agents.models.base import ToolCall, Usage
from tools.databases.base import QueryError, QueryResult
from tools.guard import Verdict


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


@dataclass
class Proposal:
    """SQL (or a schema lookup) the model asked for, with the tool call that still needs a result."""

    sql: str
    call: ToolCall | None  # None when the SQL came in a ```sql block


@dataclass
class Turn:
    """Counters and the current proposal of one question, kept while the loop waits on a decision."""

    question: str
    steps: int = 0
    rejections: int = 0
    db_errors: int = 0
    queries: list[ExecutedQuery] = field(default_factory=list)
    proposal: Proposal | None = None
    verdict: Verdict | None = None
    pending: bool = False
    last_text: str = ""
    attempts: list[str] = field(default_factory=list)  # what became of each SQL the model proposed
    sql_texts: list[str] = field(default_factory=list)  # every SQL checked this turn, as proposed and as regenerated
    clarifying: str | None = None  # the model's question while the turn waits for the person's reply
    asked: str | None = None  # the latest question the model asked this turn
    finished: Outcome | None = None  # set once, so an abandoned turn's late worker gets the same outcome

    def last_success(self) -> ExecutedQuery | None:
        """The latest query that returned rows: the one an answer describes."""
        return next((q for q in reversed(self.queries) if q.result is not None), None)

    def outcome(
        self,
        ended: RunEnded,
        answer: str | None,
        flagged: tuple[str, ...],
        usage: Usage,
        cost: float | None,
        clarification: str | None = None,
    ) -> Outcome:
        """The turn as it ended; a dry run reports the SQL it checked, since nothing ran."""
        last_ok = self.last_success()
        sql = last_ok.sql if last_ok else (self.verdict.sql if ended.status == "dry_run" and self.verdict else None)
        return Outcome(
            status=ended.status,
            question=self.question,
            answer=answer,
            sql=sql,
            result=last_ok.result if last_ok else None,
            queries=tuple(self.queries),
            error=ended.error,
            usage=usage,
            cost_usd=cost,
            unverified_numbers=flagged,
            clarification=clarification,
            proposed_sql=(self.verdict.sql or self.verdict.sql_in) if self.verdict else None,
        )
