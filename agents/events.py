"""Events: the one vocabulary shared by the TUI, batch output, the session log and replay.

Each is a frozen dataclass named in the past tense; `type` is its log name (DESIGN §6, v1). The
session log adds `v`, `session`, `seq`, `turn` and `at`; events carry only what happened.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

from agents.outcome import RunError, Status


@dataclass(frozen=True)
class Event:
    type: ClassVar[str] = "event"

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, **asdict(self)}


@dataclass(frozen=True)
class SessionStarted(Event):
    type: ClassVar[str] = "session_started"
    database: str
    dialect: str
    database_fingerprint: str
    model: str
    settings: dict[str, Any]
    code_version: str


@dataclass(frozen=True)
class ConversationStarted(Event):
    """The person started a new conversation in the same session: the next question is asked
    without the earlier turns (replay starts a fresh history at the same point)."""

    type: ClassVar[str] = "conversation_started"


@dataclass(frozen=True)
class QuestionAsked(Event):
    type: ClassVar[str] = "question_asked"
    question: str


@dataclass(frozen=True)
class SchemaRetrieved(Event):
    type: ClassVar[str] = "schema_retrieved"
    tables: list[str]
    why: dict[str, str]
    tokens: int
    full_tokens: int
    whole: bool


@dataclass(frozen=True)
class ModelCalled(Event):
    type: ClassVar[str] = "model_called"
    purpose: str  # "think", "summarize" or "repair"
    template: str
    template_hash: str
    model: str
    messages: int


@dataclass(frozen=True)
class ModelResponded(Event):
    type: ClassVar[str] = "model_responded"
    purpose: str
    text: str
    tool_calls: list[dict[str, Any]]
    usage: dict[str, int] | None
    cost_usd: float | None
    stop_reason: str | None
    latency_ms: float


@dataclass(frozen=True)
class ModelFailed(Event):
    type: ClassVar[str] = "model_failed"
    purpose: str
    message: str
    status: int | None


@dataclass(frozen=True)
class ToolRan(Event):
    type: ClassVar[str] = "tool_ran"
    name: str
    arguments: dict[str, Any]
    ok: bool
    summary: str


@dataclass(frozen=True)
class SqlChecked(Event):
    type: ClassVar[str] = "sql_checked"
    source: str  # "model" or "human"
    sql_in: str
    sql_out: str | None
    hash: str | None
    ok: bool
    problems: list[dict[str, str]]
    tables: list[str]


@dataclass(frozen=True)
class ApprovalRequested(Event):
    type: ClassVar[str] = "approval_requested"
    sql: str
    hash: str
    tables: list[str]


@dataclass(frozen=True)
class ApprovalDecided(Event):
    type: ClassVar[str] = "approval_decided"
    hash: str
    decision: str  # "approve", "edit", "reject", "abort", "dry_run"
    decided_by: str  # "human", "policy" or "replay"
    edited_sql: str | None = None
    edited_hash: str | None = None
    feedback: str | None = None


@dataclass(frozen=True)
class QueryExecuted(Event):
    type: ClassVar[str] = "query_executed"
    sql: str
    hash: str
    columns: list[dict[str, str]]
    row_count: int
    truncated: bool
    elapsed_ms: float
    fingerprint: str
    rows: list[list[Any]] | None = None  # only with --log-rows


@dataclass(frozen=True)
class QueryFailed(Event):
    type: ClassVar[str] = "query_failed"
    sql: str
    hash: str
    kind: str  # "error", "timeout", "interrupted"
    message: str
    elapsed_ms: float


@dataclass(frozen=True)
class ClarificationRequested(Event):
    """The model asked the person a question instead of guessing (the `ask_user` tool, or a
    `CLARIFY:` line without tools)."""

    type: ClassVar[str] = "clarification_requested"
    question: str


@dataclass(frozen=True)
class ClarificationAnswered(Event):
    """The person's reply to a clarifying question; the same turn goes on with it."""

    type: ClassVar[str] = "clarification_answered"
    text: str
    answered_by: str  # "human" or "replay"


@dataclass(frozen=True)
class ScreenQueryRan(Event):
    """A query the person ran from the results, outside the loop: "more" (a page of the shown
    result: its approved SQL again, rows `target`), "sample" (a table's first rows) or "export"
    (every row to the file `target`). Logged so the session shows everything that ran against the
    database, and when."""

    type: ClassVar[str] = "screen_query_ran"
    purpose: str  # "more" (a page), "sample" or "export"
    sql: str
    hash: str
    ok: bool
    row_count: int | None
    truncated: bool
    elapsed_ms: float | None
    error_kind: str | None = None
    error: str | None = None
    target: str | None = None  # the export's file, or the page's rows ("rows 6-10")


@dataclass(frozen=True)
class AnswerGiven(Event):
    type: ClassVar[str] = "answer_given"
    text: str
    unverified_numbers: list[str] = field(default_factory=list)
    grounded: bool = True  # False: the words are the model's alone, no query that succeeded backs them


@dataclass(frozen=True)
class AnswerRated(Event):
    type: ClassVar[str] = "answer_rated"
    verdict: str  # "good" or "bad"
    sql_hash: str | None = None


@dataclass(frozen=True)
class RunFinished(Event):
    type: ClassVar[str] = "run_finished"
    status: Status
    error: RunError | None
    usage: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        error = self.error.to_json() if self.error is not None else None
        return {"type": self.type, "status": self.status.value, "error": error, "usage": self.usage}
