"""Logged sessions on disk: find one by id or path, and summarize turns for listing and export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents.events import (
    AnswerGiven,
    AnswerRated,
    ApprovalDecided,
    ClarificationAnswered,
    ClarificationRequested,
    ConversationStarted,
    Event,
    ExamplesUsed,
    ModelCalled,
    ModelFailed,
    ModelResponded,
    QueryExecuted,
    QueryFailed,
    QuestionAsked,
    RunFinished,
    SchemaRetrieved,
    ScreenQueryRan,
    SessionStarted,
    SqlChecked,
)
from agents.outcome import RunError, Status
from sessions.log import LogContents, Logged, read_log
from sessions.refs import is_file, looks_like_path, path_problem, unusable


class SessionNotFound(Exception):
    """No session with that id or path; the message says where we looked."""


def find_session(ref: str, sessions_dir: Path) -> Path:
    """A session by path, by full id, or by a unique id prefix.

    Ids are matched by string prefix, never by glob: `[`, `*` or an absolute path in a
    reference are plain characters, and every miss is a SessionNotFound with one line."""
    hint = "pass a session id or its .jsonl file (`analyst sessions list` shows them)"
    problem = unusable(ref)
    if problem:
        raise SessionNotFound(f"{problem}; {hint}")
    if looks_like_path(ref):
        path = Path(ref).expanduser()
        in_dir = sessions_dir / path.name
        if path.name == ref and not is_file(path) and is_file(in_dir):  # `ID.jsonl`: a file in the sessions folder
            return in_dir
        problem = path_problem(ref, "session")
        if problem:
            raise SessionNotFound(f"{problem}; {hint}")
        return path
    exact = sessions_dir / f"{ref}.jsonl"
    if is_file(exact):
        return exact
    matches = sorted(p for p in _session_files(sessions_dir) if p.stem.startswith(ref))
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise SessionNotFound(f"{ref!r} matches {len(matches)} sessions; give more of the id")
    raise SessionNotFound(f"no session {ref!r} in {sessions_dir} (run `analyst sessions list`)")


def _session_files(sessions_dir: Path) -> list[Path]:
    try:
        return [p for p in sessions_dir.glob("*.jsonl") if p.is_file()] if sessions_dir.is_dir() else []
    except OSError:
        return []


Response = ModelResponded | ModelFailed
Exchange = ClarificationRequested | ClarificationAnswered


@dataclass
class TurnRecord:
    """One question of a session and what happened to it, read from its events."""

    number: int
    question: str
    status: Status | None = None
    error: RunError | None = None
    answer: str | None = None
    grounded: bool | None = None  # False: the answer is the model's words, no query backs it; None: not logged
    sql: str | None = None  # the last SQL that executed
    decisions: list[ApprovalDecided] = field(default_factory=list)
    executed: list[QueryExecuted] = field(default_factory=list)
    failed: list[QueryFailed] = field(default_factory=list)
    checks: list[SqlChecked] = field(default_factory=list)
    timeline: list[Event] = field(default_factory=list)  # every check, decision, query and question, in order
    responses: list[Response] = field(default_factory=list)
    templates: list[tuple[str, str]] = field(default_factory=list)  # (template name, hash) per model call
    rating: str | None = None
    cost_usd: float | None = 0.0
    tokens: int = 0
    started_at: str | None = None
    conversation: int = 1  # counts up at each new conversation (ctrl+n in the app) of the session
    examples: list[dict[str, Any]] = field(default_factory=list)  # the verified examples its prompt carried
    schema: SchemaRetrieved | None = None  # the schema slice its question carried (tables, tokens)

    @property
    def clarifications(self) -> list[Exchange]:
        """The model's questions and the person's replies, in order."""
        return [e for e in self.timeline if isinstance(e, (ClarificationRequested, ClarificationAnswered))]

    @property
    def screen_queries(self) -> list[ScreenQueryRan]:
        """Queries run from the results (pages, samples, exports) after the turn."""
        return [e for e in self.timeline if isinstance(e, ScreenQueryRan)]

    @property
    def complete(self) -> bool:
        return self.status is not None

    @property
    def direct(self) -> bool:
        """SQL the calling program wrote (the Python API's `run`, MCP's `run_sql`): no model, no question."""
        return bool(self.checks) and self.checks[0].source == "caller"

    def add(self, event: Event) -> None:
        """Take one event of this turn into account (events of other types change nothing)."""
        if isinstance(event, _TIMELINE):
            self.timeline.append(event)
        record = _RECORD.get(type(event))
        if record is not None:
            record(self, event)

    def _responded(self, event: ModelResponded) -> None:
        self.responses.append(event)
        usage = event.usage or {}
        self.tokens += int(usage.get("input_tokens", 0)) + int(usage.get("output_tokens", 0))
        # a call without a known price (or without reported usage) logs cost_usd null: the
        # turn's cost is then unknown, never $0
        if event.cost_usd is None or self.cost_usd is None:
            self.cost_usd = None
        else:
            self.cost_usd += event.cost_usd

    def _executed(self, event: QueryExecuted) -> None:
        self.executed.append(event)
        self.sql = event.sql

    def _answered(self, event: AnswerGiven) -> None:
        self.answer, self.grounded = event.text, event.grounded

    def _rated(self, event: AnswerRated) -> None:
        self.rating = event.verdict

    def _finished(self, event: RunFinished) -> None:
        self.status, self.error = event.status, event.error


_TIMELINE = (
    ExamplesUsed,
    SqlChecked,
    ApprovalDecided,
    QueryExecuted,
    QueryFailed,
    ScreenQueryRan,
    ClarificationRequested,
    ClarificationAnswered,
)
_RECORD: dict[type[Event], Callable[[TurnRecord, Any], None]] = {
    ExamplesUsed: lambda turn, e: turn.examples.extend(e.examples),
    SchemaRetrieved: lambda turn, e: setattr(turn, "schema", turn.schema or e),
    ModelCalled: lambda turn, e: turn.templates.append((e.template, e.template_hash)),
    ModelResponded: TurnRecord._responded,
    ModelFailed: lambda turn, e: turn.responses.append(e),
    SqlChecked: lambda turn, e: turn.checks.append(e),
    ApprovalDecided: lambda turn, e: turn.decisions.append(e),
    QueryExecuted: TurnRecord._executed,
    QueryFailed: lambda turn, e: turn.failed.append(e),
    AnswerGiven: TurnRecord._answered,
    AnswerRated: TurnRecord._rated,
    RunFinished: TurnRecord._finished,
}


@dataclass(frozen=True)
class SessionRecord:
    id: str
    path: Path
    started: SessionStarted
    turns: tuple[TurnRecord, ...]
    torn: bool
    bad_lines: tuple[int, ...]
    started_at: str | None = None  # when the session_started event was logged

    @property
    def database(self) -> str:
        return self.started.database

    @property
    def model(self) -> str:
        return self.started.model


def turns_of(contents: LogContents) -> tuple[Logged | None, list[TurnRecord]]:
    """The session_started line (None if the log has none) and the turns, in order."""
    started: Logged | None = None
    turns: list[TurnRecord] = []
    conversation = 1
    for logged in contents.events:
        event = logged.event
        if isinstance(event, SessionStarted):
            started = logged
        elif isinstance(event, ConversationStarted):
            conversation += 1
        elif isinstance(event, QuestionAsked):
            turns.append(TurnRecord(len(turns) + 1, event.question, started_at=logged.at, conversation=conversation))
        elif turns:
            turns[-1].add(event)
    return started, turns


def load_session(path: Path) -> SessionRecord:
    try:
        contents = read_log(path)
    except OSError as exc:
        raise SessionNotFound(f"cannot read {path}: {exc.strerror or exc}") from None
    started, turns = turns_of(contents)
    if started is None or not isinstance(started.event, SessionStarted):
        raise SessionNotFound(
            f"{path} is not a session log (no session_started event); `analyst sessions list` shows the sessions"
        )
    return SessionRecord(
        started.session or path.stem,
        path,
        started.event,
        tuple(turns),
        contents.torn,
        contents.bad_lines,
        started.at,
    )


def list_sessions(sessions_dir: Path) -> list[SessionRecord]:
    """All readable sessions, newest first; unreadable files are skipped, not fatal.

    Ids sort by the second only (then a random suffix), so sessions started in the same second
    are ordered by their first event's millisecond timestamp.
    """
    records = []
    for path in sessions_dir.glob("*.jsonl") if sessions_dir.exists() else []:
        try:
            records.append(load_session(path))
        except (SessionNotFound, OSError):
            continue
    records.sort(key=_start_key, reverse=True)
    return records


def session_start(record: SessionRecord) -> dt.datetime:
    """When the session started (UTC), as `list_sessions` orders them."""
    return _start_key(record)[0]


def _start_key(record: SessionRecord) -> tuple[dt.datetime, str]:
    """When a session started: its first event's time (UTC, ISO-8601), else the id's second."""
    at = record.started_at
    started: dt.datetime | None
    try:
        started = dt.datetime.fromisoformat(str(at).replace("Z", "+00:00")).astimezone(dt.UTC)
    except ValueError:
        started = None
    if started is None:
        try:
            started = dt.datetime.strptime(record.id[:16], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
        except ValueError:
            started = dt.datetime.min.replace(tzinfo=dt.UTC)
    return (started, record.path.name)
