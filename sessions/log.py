"""The session log: one JSONL file per session, append-only, flushed per event.

Decisions and results are fsynced: if a decision cannot be written durably, the exception stops
the loop before anything executes. Readers tolerate a torn last line (a crash mid-write).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agents.events import Event, EventFormatError, from_json
from tools.redaction import redact_secrets

LOG_VERSION = 1
DURABLE = frozenset(
    {"approval_decided", "query_executed", "query_failed", "screen_query_ran", "answer_rated", "run_finished"}
)


class LogWriteError(Exception):
    """The session log could not be written; nothing may execute without a durable record."""


def new_session_id(now: dt.datetime | None = None) -> str:
    """Sortable and unique: UTC time to the second plus six random hex digits."""
    now = now or dt.datetime.now(dt.UTC)
    return f"{now.strftime('%Y%m%dT%H%M%SZ')}-{secrets.token_hex(3)}"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class SessionLog:
    """Writes events for one session; `turn` advances with each question asked."""

    def __init__(self, path: Path, session_id: str, secrets_to_redact: Iterable[str] = ()) -> None:
        self.path = path
        self.session_id = session_id
        self.seq = 0
        self.turn = 0
        self._secrets = tuple(s for s in secrets_to_redact if s)
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            raise LogWriteError(f"cannot create session log {path}: {exc.strerror}") from None

    @classmethod
    def create(cls, sessions_dir: Path, secrets_to_redact: Iterable[str] = ()) -> SessionLog:
        session_id = new_session_id()
        return cls(sessions_dir / f"{session_id}.jsonl", session_id, secrets_to_redact)

    def write(self, event: Event) -> None:
        """Append one event; fsync the ones a replay or an audit depends on."""
        if event.type == "question_asked":
            self.turn += 1
        self.seq += 1
        record: dict[str, Any] = {
            "v": LOG_VERSION,
            "session": self.session_id,
            "seq": self.seq,
            "turn": self.turn,
            "at": _now(),
            **event.to_json(),
        }
        line = redact_secrets(json.dumps(record, ensure_ascii=False, default=str), self._secrets) + "\n"
        # A lone surrogate (from argv or a "\udcff" escape in an input file) has no UTF-8 form, and
        # a failed write would lose the event. Written as the JSON escape \udcff, the line stays
        # valid JSON and reads back as the same string: surrogates occur only inside JSON strings,
        # where json.dumps has already escaped every backslash, so the escape cannot be misread.
        data = line.encode("utf-8", errors="backslashreplace")
        try:
            written = 0
            while written < len(data):
                written += os.write(self._fd, data[written:])
            if event.type in DURABLE:
                os.fsync(self._fd)
        except OSError as exc:
            raise LogWriteError(f"cannot write session log {self.path}: {exc.strerror}") from None

    def close(self) -> None:
        try:
            os.close(self._fd)
        except OSError:
            pass


@dataclass(frozen=True)
class Logged:
    """One line of a session log: the event, and where the log placed it (absent for events a
    replay collects as they happen, before any log holds them)."""

    event: Event
    at: str | None = None  # UTC, ISO-8601 to the millisecond
    session: str | None = None
    seq: int | None = None
    turn: int | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Logged:
        """One parsed log line; EventFormatError if it is no event this code can read."""
        at, session, seq, turn = (data.get(k) for k in ("at", "session", "seq", "turn"))
        return cls(
            from_json(data),
            at if isinstance(at, str) else None,
            session if isinstance(session, str) else None,
            seq if isinstance(seq, int) else None,
            turn if isinstance(turn, int) else None,
        )


@dataclass(frozen=True)
class LogContents:
    events: tuple[Logged, ...]
    torn: bool  # the last line was incomplete (a crash mid-write) and was skipped
    bad_lines: tuple[int, ...]  # lines that are no event: not JSON, not an object, or a malformed event


def _json_object(line: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None  # a JSON line that is no object (`5`, `[1]`) is no event


def _logged(data: dict[str, Any]) -> Logged | None:
    try:
        return Logged.from_json(data)
    except EventFormatError:
        return None


def read_log(path: Path) -> LogContents:
    """Read a session log into typed events, skipping a torn last line and reporting any other
    line that holds no readable event."""
    raw = path.read_bytes()
    lines = raw.split(b"\n")
    torn = bool(lines and lines[-1].strip())
    events: list[Logged] = []
    bad: list[int] = []
    for number, line in enumerate(lines, start=1):
        last = number == len(lines)
        if not line.strip():
            continue
        data = _json_object(line)
        if last and data is None:
            break  # torn: a crash mid-write
        torn = torn and not last
        logged = _logged(data) if data is not None else None
        if logged is not None:
            events.append(logged)
        else:
            bad.append(number)
    return LogContents(tuple(events), torn, tuple(bad))
