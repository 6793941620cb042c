"""A model that plays back queued responses: for tests, demos and replaying recorded sessions.

File format (DESIGN §4): one JSON object per line, consumed in order, one per model call:
`{"text": ..., "tool_calls": [{"name", "arguments"}], "usage"?, "stop_reason"?, "delay_ms"?,
"error"?: {"status", "message"}}`. Running out of lines is an error that names the source.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterable

from agents.models.base import (
    ModelRequest,
    ModelResponse,
    ProviderError,
    ToolCall,
    Usage,
)
from tools.jsonl import JsonlError, jsonl_objects


class ScriptError(Exception):
    """The script file is unreadable or malformed; the message names the file and line."""


def load_script(path: Path) -> list[dict[str, Any]]:
    """Read a scripted-model JSONL file, naming the line of any malformed entry."""
    try:
        return [entry for _, entry in jsonl_objects(path.read_text(encoding="utf-8"), path)]
    except OSError as exc:
        raise ScriptError(f"cannot read scripted model file {path}: {exc.strerror}") from None
    except JsonlError as exc:
        raise ScriptError(str(exc)) from None


class ScriptedModel:
    """Answers each call with the next queued entry; thread-safe so batch workers can share it."""

    supports_tools = True
    context_window: int | None = 128_000

    def __init__(self, entries: Iterable[dict[str, Any]], *, source: str, name: str | None = None, supports_tools: bool = True) -> None:
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

    def complete(
        self, request: ModelRequest, on_text: Callable[[str], None] | None = None
    ) -> ModelResponse:
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
