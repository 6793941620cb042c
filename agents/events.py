"""Events: the one vocabulary shared by the TUI, batch output, the session log and replay.

Each is a frozen dataclass named in the past tense; `type` is its log name (DESIGN §6, v1). The
session log adds `v`, `session`, `seq`, `turn` and `at`; events carry only what happened.

Every event class registers itself by its `type` (`EVENT_TYPES`), and `from_json` parses a
logged event back into its class on the way in, checking each field against the class's types:
readers (replay, `sessions show`, export) then work with typed events, and a malformed line is
refused where it is read instead of surfacing as a wrong value later. A type this code does not
know (a newer analyst wrote it) is kept as an `UnknownEvent`, so older code still reads newer
logs, as it always has.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from dataclasses import MISSING, asdict, dataclass, field, fields
from enum import Enum
from typing import Any, ClassVar

from agents.outcome import RunError, Status

ENVELOPE = frozenset({"v", "session", "seq", "turn", "at"})  # what the session log adds around an event
EVENT_TYPES: dict[str, type[Event]] = {}  # every event class by its log name


class EventFormatError(ValueError):
    """A logged event this code cannot read: no type, or a known type without its fields (or
    with a field of the wrong type). The message names the type and the field."""


@dataclass(frozen=True)
class Event:
    type: ClassVar[str] = "event"

    def __init_subclass__(cls, registered: bool = True, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if registered:
            if cls.type in EVENT_TYPES:
                raise TypeError(f"{cls.__name__} and {EVENT_TYPES[cls.type].__name__} are both {cls.type!r}")
            EVENT_TYPES[cls.type] = cls

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, **asdict(self)}

    @classmethod
    def from_fields(cls, data: Mapping[str, Any]) -> Event:
        """This event from its logged fields (others are ignored); a field with a default may be
        missing (it was added to the format later)."""
        hints = _hints(cls)
        values = {}
        for f in fields(cls):
            if f.name in data:
                values[f.name] = _parsed(hints[f.name], data[f.name], f"{cls.type}.{f.name}")
            elif f.default is MISSING and f.default_factory is MISSING:
                raise EventFormatError(f"a {cls.type} event without {f.name!r}")
        return cls(**values)


def from_json(data: Mapping[str, Any]) -> Event:
    """The event a log line holds (its envelope fields are not part of it)."""
    name = data.get("type")
    if not isinstance(name, str):
        raise EventFormatError("a line without an event type")
    cls = EVENT_TYPES.get(name)
    if cls is None:
        return UnknownEvent(name, {k: v for k, v in data.items() if k != "type" and k not in ENVELOPE})
    return cls.from_fields(data)


_HINTS: dict[type[Event], dict[str, Any]] = {}


def _hints(cls: type[Event]) -> dict[str, Any]:
    """The field types of an event class, resolved once (they are strings until then)."""
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _parsed(hint: Any, value: Any, where: str) -> Any:
    """`value` checked against the type `hint` (enums and RunError built from their JSON form)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        if value is None and type(None) in args:
            return None
        for arm in (a for a in args if a is not type(None)):
            try:
                return _parsed(arm, value, where)
            except EventFormatError:
                continue
        raise EventFormatError(f"{where} is {value!r}, not {hint}")
    if hint is Any:
        return value
    if origin is list and isinstance(value, list):
        return [_parsed(args[0], item, where) for item in value]
    if origin is dict and isinstance(value, dict):
        return {key: _parsed(args[1], item, where) for key, item in value.items()}
    if isinstance(hint, type) and issubclass(hint, Enum):
        try:
            return hint(value)
        except ValueError:
            raise EventFormatError(f"{where} is {value!r}, not one of {[m.value for m in hint]}") from None
    if hint is RunError and isinstance(value, dict):
        try:
            return RunError.from_json(value)
        except (KeyError, ValueError):
            raise EventFormatError(f"{where} is {value!r}, not an error with a known kind") from None
    if _is_a(hint, value):
        return value
    raise EventFormatError(f"{where} is {value!r}, not {getattr(hint, '__name__', hint)}")


def _is_a(hint: Any, value: Any) -> bool:
    """JSON's scalars: a bool is no number, and a whole number is a float too (`0` for `0.0`)."""
    if hint is bool or isinstance(value, bool):
        return hint is bool and isinstance(value, bool)
    if hint is float:
        return isinstance(value, (int, float))
    return hint in (str, int) and isinstance(value, hint)


@dataclass(frozen=True)
class UnknownEvent(Event, registered=False):
    """An event of a type this code does not know, kept as it was logged; nothing reads it."""

    type: ClassVar[str] = "unknown"
    name: str  # its logged type
    data: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"type": self.name, **self.data}


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
class ExamplesUsed(Event):
    """The verified examples a question's prompt carried: `[{id, hash, source, question, sql}]`
    (the text too, so a replay can carry exactly the same examples after the store changed)."""

    type: ClassVar[str] = "examples_used"
    examples: list[dict[str, Any]]


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
    source: str  # "model", "human" or "caller" (SQL the calling program wrote: agents/direct.py)
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
