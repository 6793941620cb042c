"""The model boundary: one provider-neutral request in, one response out.

Adapters translate these values to and from each SDK, so the loop, the session log and replay
never see a provider's wire format, and a provider can be swapped by name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    parameters: dict[str, Any]  # JSON schema of the arguments


@dataclass(frozen=True)
class ToolCall:
    """A tool call as the model sent it; `error` is set when its arguments were not valid JSON."""

    id: str
    name: str
    arguments: dict[str, Any]
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name, "arguments": self.arguments}
        if self.error:
            out["error"] = self.error
        return out


@dataclass(frozen=True)
class Message:
    """One conversation message; `tool_call_id` marks a tool result (role `tool`)."""

    role: str  # "user", "assistant" or "tool"
    text: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None
    tool_name: str | None = None


@dataclass(frozen=True)
class ModelRequest:
    system: str
    messages: tuple[Message, ...]
    tools: tuple[ToolSpec, ...] = ()
    max_output_tokens: int = 2048
    purpose: str = "think"


@dataclass(frozen=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(self.input_tokens + other.input_tokens, self.output_tokens + other.output_tokens)

    def to_json(self) -> dict[str, int]:
        return {"input_tokens": self.input_tokens, "output_tokens": self.output_tokens}


@dataclass(frozen=True)
class ModelResponse:
    text: str
    tool_calls: tuple[ToolCall, ...] = ()
    usage: Usage | None = None
    stop_reason: str | None = None
    latency_ms: float = 0.0
    raw: dict[str, Any] = field(default_factory=dict)  # recorded for replay, never secrets


class ProviderError(Exception):
    """The provider failed after the SDK's retries: auth, rate limit, timeout, bad response."""

    def __init__(self, message: str, *, status: int | None = None, kind: str = "provider") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.kind = kind


class Model(Protocol):
    """A chat model with optional native tool calling."""

    name: str  # "provider:model"
    supports_tools: bool
    context_window: int | None

    def complete(self, request: ModelRequest, on_text: Callable[[str], None] | None = None) -> ModelResponse: ...
