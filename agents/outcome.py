"""What a turn of the loop stops with: paused for a person (`Pending`, `Clarification`) or ended
(`Outcome`), as the drivers (ask, chat, batch, eval, replay) receive it.

How a turn ends is a closed vocabulary (`Status`, and `ErrorKind` for the failures) because the
session log, `ask --format json`, exit codes, batch records and eval scores all branch on it: a
misspelt string would be a silent wrong branch, an enum member is a NameError. They are `StrEnum`s
so they serialise as their values and compare equal to the strings older logs hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from agents.models.base import Usage

if TYPE_CHECKING:
    from tools.databases.base import QueryError, QueryResult
    from tools.guard import Problem


class Status(StrEnum):
    """How a turn ended (the README's exit-code table maps each to an exit code)."""

    ANSWERED = "answered"
    NEEDS_CLARIFICATION = "needs_clarification"  # the model asked and nobody could answer
    DRY_RUN = "dry_run"  # checked, not executed (`--approve never`)
    ABORTED = "aborted"
    REJECTED = "rejected"  # the guard still refused after the repair budget
    FAILED = "failed"  # see the error's kind
    INTERRUPTED = "interrupted"


class ErrorKind(StrEnum):
    """Why a turn that did not answer ended so (`RunError.kind`)."""

    INTERRUPTED = "interrupted"  # the person stopped it (Ctrl+C, Esc)
    PROVIDER = "provider"  # the model's provider failed after retries (auth, rate limit, outage)
    COST_CAP = "cost_cap"
    TOKEN_CAP = "token_cap"
    STEP_CAP = "step_cap"
    CONTEXT = "context"  # the request no longer fits the model's context window
    GUARD = "guard"  # the guard rejected every attempt (status rejected)
    DATABASE = "database"  # the database failed every attempt
    NO_RESULT = "no_result"  # SQL was proposed, none succeeded: the words are not from the data


@dataclass(frozen=True)
class RunError:
    """Why a turn ended without an answer; logged in `run_finished` and printed by `--format json`
    as `{"kind", "message"}`, plus `http_status` when a provider gave one (401: every call fails)."""

    kind: ErrorKind
    message: str
    http_status: int | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind.value, "message": self.message}
        if self.http_status is not None:
            out["http_status"] = self.http_status
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunError:
        """The logged form back; a kind this code does not know raises ValueError."""
        status = data.get("http_status")
        return cls(ErrorKind(data["kind"]), str(data.get("message", "")), status if isinstance(status, int) else None)


@dataclass(frozen=True)
class Pending:
    """The loop is paused: a person (or policy) must decide about this exact SQL."""

    sql: str
    sql_hash: str
    tables: tuple[str, ...]
    problems: tuple[Problem, ...] = ()  # set when an edited SQL failed the guard
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

    status: Status
    question: str
    answer: str | None
    sql: str | None
    result: QueryResult | None
    queries: tuple[ExecutedQuery, ...]
    error: RunError | None
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


@dataclass(frozen=True)
class RunEnded:
    """A terminal phase was reached: the value a phase (or a model call, or a cap check) returns to
    end the turn. A value, not an exception, so every way out of a phase is in its signature and
    the loop's `_run` is the one place that turns it into the turn's `Outcome`."""

    status: Status
    error: RunError | None = None

    @classmethod
    def failed(cls, kind: ErrorKind, message: str, http_status: int | None = None) -> RunEnded:
        return cls(Status.FAILED, RunError(kind, message, http_status))

    @classmethod
    def interrupted(cls, message: str = "interrupted by the user") -> RunEnded:
        return cls(Status.INTERRUPTED, RunError(ErrorKind.INTERRUPTED, message))
