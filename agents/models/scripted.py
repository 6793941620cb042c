"""A model that plays back queued responses: for tests, demos and replaying recorded sessions.

File format (ARCHITECTURE.md §1, agents/models): one JSON object per line, consumed in order, one per model call:
`{"text": ..., "tool_calls": [{"name", "arguments"}], "usage"?, "stop_reason"?, "delay_ms"?,
"error"?: {"status", "message"}}`. Running out of lines is an error that names the source; so is
a file that is not UTF-8 or a reply with a field of the wrong type (naming the line and reply).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from agents.models.base import (
    ModelRequest,
    ModelResponse,
    ProviderError,
    ToolCall,
    Usage,
)
from tools.jsonl import JsonlError, decode_text, jsonl_objects


class ScriptError(Exception):
    """The script file is unreadable or malformed; the message names the file and line."""


def load_script(path: Path) -> list[dict[str, Any]]:
    """Read a scripted-model JSONL file, naming the line of any malformed entry."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ScriptError(f"cannot read scripted model file {path}: {exc.strerror}") from None
    try:
        rows = jsonl_objects(decode_text(data, f"scripted model file {path}"), path)
    except JsonlError as exc:
        raise ScriptError(str(exc)) from None
    for reply, (line, entry) in enumerate(rows, start=1):
        problem = _entry_problem(entry)
        if problem:
            raise ScriptError(f"scripted model file {path}, line {line} (reply {reply}): {problem}")
    return [entry for _, entry in rows]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)  # JSON true is not 1


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


REPLY_KEYS = frozenset({"text", "tool_calls", "usage", "stop_reason", "delay_ms", "error"})


def _entry_problem(entry: dict[str, Any]) -> str | None:
    """What is wrong with one reply of a script file, said so the person can fix it; None if fine."""
    unknown = sorted(set(entry) - REPLY_KEYS)
    if unknown:  # a typo ("txt", "tool_call") would otherwise script an empty reply without a word
        return f"unknown key {unknown[0]!r}; a reply may hold {', '.join(sorted(REPLY_KEYS))}"
    for key in ("text", "stop_reason"):
        if entry.get(key) is not None and not isinstance(entry[key], str):
            return f'"{key}" must be a string'
    calls = entry.get("tool_calls")
    if calls is not None and (problem := _calls_problem(calls)):
        return problem
    usage = entry.get("usage")
    if usage is not None and not (
        isinstance(usage, dict) and all(_is_count(usage.get(k, 0)) for k in ("input_tokens", "output_tokens"))
    ):
        return '"usage" must be an object like {"input_tokens": 100, "output_tokens": 20} (whole numbers, 0 or more)'
    delay = entry.get("delay_ms")
    if delay is not None and not (_is_number(delay) and 0 <= delay < float("inf")):
        return '"delay_ms" must be a number of milliseconds, 0 or more'
    error = entry.get("error")
    return None if error is None else _error_problem(error)


def _calls_problem(calls: Any) -> str | None:
    """What is wrong with a reply's "tool_calls"; None if fine."""
    if not isinstance(calls, list):
        return '"tool_calls" must be a list like [{"name": "run_sql", "arguments": {"sql": "SELECT ..."}}]'
    for number, call in enumerate(calls, start=1):
        where = f'"tool_calls" item {number}'
        if not isinstance(call, dict):
            return f'{where} must be an object like {{"name": "run_sql", "arguments": {{"sql": "SELECT ..."}}}}'
        if not isinstance(call.get("name"), str):
            return f'{where} needs a "name" string'
        if call.get("arguments") is not None and not isinstance(call["arguments"], dict):
            return f'{where}: "arguments" must be an object like {{"sql": "SELECT ..."}}'
        for key in ("id", "error"):
            if call.get(key) is not None and not isinstance(call[key], str):
                return f'{where}: "{key}" must be a string'
    return None


def _error_problem(error: Any) -> str | None:
    """What is wrong with a reply's scripted provider "error"; None if fine."""
    example = '{"status": 429, "message": "rate limited"}'
    if not isinstance(error, dict):
        return f'"error" must be an object like {example}'
    if error.get("status") is not None and not _is_count(error["status"]):
        return f'"error": "status" must be an HTTP status number, as in {example}'
    if error.get("message") is not None and not isinstance(error["message"], str):
        return f'"error": "message" must be a string, as in {example}'
    return None


class ScriptedModel:
    """Answers each call with the next queued entry; thread-safe so batch workers can share it."""

    supports_tools = True
    context_window: int | None = 128_000

    def __init__(
        self, entries: Iterable[dict[str, Any]], *, source: str, name: str | None = None, supports_tools: bool = True
    ) -> None:
        self._entries = list(entries)
        self._next = 0
        self._lock = threading.Lock()
        self.source = source
        self.name = name or f"scripted:{source}"
        self.supports_tools = supports_tools
        self.requests: list[ModelRequest] = []

    @classmethod
    def from_file(cls, path: Path) -> ScriptedModel:
        return cls(load_script(path), source=str(path))

    @property
    def remaining(self) -> int:
        return len(self._entries) - self._next

    def complete(self, request: ModelRequest, on_text: Callable[[str], None] | None = None) -> ModelResponse:
        with self._lock:
            if self._next >= len(self._entries):
                raise ProviderError(
                    f"scripted model {self.source} ran out of responses after {self._next} calls",
                    kind="script",
                )
            entry = self._entries[self._next]
            self._next += 1
            self.requests.append(request)
        started = time.perf_counter()
        if entry.get("delay_ms"):
            time.sleep(float(entry["delay_ms"]) / 1000)
        if entry.get("error"):
            error = entry["error"]
            raise ProviderError(
                f"provider error {error.get('status', '?')}: {error.get('message', 'scripted failure')}",
                status=error.get("status"),
            )
        text = entry.get("text") or ""
        if on_text and text:
            on_text(text)
        calls = tuple(
            ToolCall(
                id=call.get("id") or f"call_{self._next}_{i}",
                name=call.get("name", ""),
                arguments=call.get("arguments") if isinstance(call.get("arguments"), dict) else {},
                error=call.get("error"),
            )
            for i, call in enumerate(entry.get("tool_calls") or [])
        )
        usage = entry.get("usage")
        return ModelResponse(
            text=text,
            tool_calls=calls,
            usage=Usage(int(usage.get("input_tokens", 0)), int(usage.get("output_tokens", 0))) if usage else None,
            stop_reason=entry.get("stop_reason") or ("tool_calls" if calls else "stop"),
            latency_ms=(time.perf_counter() - started) * 1000,
        )
