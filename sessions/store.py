"""Logged sessions on disk: find one by id or path, and summarize turns for listing and export."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sessions.log import LogContents, read_log
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


@dataclass
class Turn:
    """One question of a session and what happened to it, read from its events."""

    number: int
    question: str
    status: str | None = None
    error: dict[str, Any] | None = None
    answer: str | None = None
    grounded: bool | None = None  # False: the answer is the model's words, no query backs it; None: not logged
    sql: str | None = None  # the last SQL that executed
    decisions: list[dict[str, Any]] = field(default_factory=list)
    executed: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)
    timeline: list[dict[str, Any]] = field(default_factory=list)  # every check, decision, query and question, in order
    responses: list[dict[str, Any]] = field(default_factory=list)
    templates: list[tuple[str, str]] = field(default_factory=list)  # (template name, hash) per model call
    rating: str | None = None
    cost_usd: float | None = 0.0
    tokens: int = 0
    started_at: str | None = None
    conversation: int = 1  # counts up at each new conversation (ctrl+n in the app) of the session

    @property
    def clarifications(self) -> list[dict[str, Any]]:
        """The model's questions and the person's replies, in order."""
        return [e for e in self.timeline if e.get("type") in ("clarification_requested", "clarification_answered")]

    @property
    def screen_queries(self) -> list[dict[str, Any]]:
        """Queries run from the results (pages, samples, exports) after the turn."""
        return [e for e in self.timeline if e.get("type") == "screen_query_ran"]

    @property
    def complete(self) -> bool:
        return self.status is not None


@dataclass(frozen=True)
class SessionRecord:
    id: str
    path: Path
    started: dict[str, Any]  # the session_started event
    turns: tuple[Turn, ...]
    torn: bool
    bad_lines: tuple[int, ...]

    @property
    def database(self) -> str:
        return str(self.started.get("database", ""))

    @property
    def model(self) -> str:
        return str(self.started.get("model", ""))


_TIMELINE = frozenset(
    {
        "sql_checked",
        "approval_decided",
        "query_executed",
        "query_failed",
        "screen_query_ran",
        "clarification_requested",
        "clarification_answered",
    }
)


def turns_of(contents: LogContents) -> tuple[dict[str, Any], list[Turn]]:
    started: dict[str, Any] = {}
    turns: list[Turn] = []
    conversation = 1
    for event in contents.events:
        kind = event.get("type")
        if kind == "session_started":
            started = event
            continue
        if kind == "conversation_started":
            conversation += 1
            continue
        if kind == "question_asked":
            turns.append(
                Turn(len(turns) + 1, event.get("question", ""), started_at=event.get("at"), conversation=conversation)
            )
            continue
        if not turns:
            continue
        turn = turns[-1]
        if kind in _TIMELINE:
            turn.timeline.append(event)
        if kind == "model_called":
            turn.templates.append((str(event.get("template", "")), str(event.get("template_hash", ""))))
        elif kind == "model_responded":
            turn.responses.append(event)
            usage = event.get("usage") or {}
            turn.tokens += int(usage.get("input_tokens", 0)) + int(usage.get("output_tokens", 0))
            # a call without a known price (or without reported usage) logs cost_usd null: the
            # turn's cost is then unknown, never $0
            if event.get("cost_usd") is None or turn.cost_usd is None:
                turn.cost_usd = None
            else:
                turn.cost_usd += event["cost_usd"]
        elif kind == "model_failed":
            turn.responses.append(event)
        elif kind == "sql_checked":
            turn.checks.append(event)
        elif kind == "approval_decided":
            turn.decisions.append(event)
        elif kind == "query_executed":
            turn.executed.append(event)
            turn.sql = event.get("sql")
        elif kind == "query_failed":
            turn.failed.append(event)
        elif kind == "answer_given":
            turn.answer = event.get("text")
            turn.grounded = event.get("grounded")
        elif kind == "answer_rated":
            turn.rating = event.get("verdict")
        elif kind == "run_finished":
            turn.status = event.get("status")
            turn.error = event.get("error")
    return started, turns


def load_session(path: Path) -> SessionRecord:
    try:
        contents = read_log(path)
    except OSError as exc:
        raise SessionNotFound(f"cannot read {path}: {exc.strerror or exc}") from None
    started, turns = turns_of(contents)
    if not started:
        raise SessionNotFound(
            f"{path} is not a session log (no session_started event); `analyst sessions list` shows the sessions"
        )
    return SessionRecord(
        str(started.get("session", path.stem)), path, started, tuple(turns), contents.torn, contents.bad_lines
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


def session_start(record: SessionRecord) -> Any:
    """When the session started (UTC), as `list_sessions` orders them."""
    return _start_key(record)[0]


def _start_key(record: SessionRecord) -> tuple[Any, ...]:
    """When a session started: its first event's time (UTC, ISO-8601), else the id's second."""
    import datetime as dt

    at = record.started.get("at")
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
