"""Anthropic Messages API adapter, through the official `anthropic` SDK.

Mirrors the OpenAI adapter: key and base URL are passed explicitly (the SDK otherwise reads
ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL / profiles on its own), and every failure becomes one
`ProviderError` line with the key redacted.

Streaming reads the raw event stream (`messages.create(stream=True)`) instead of the SDK's
`messages.stream()` helper: the helper raises a bare ValueError on invalid tool JSON and quietly
turns truncated JSON into `{}`, whereas here the `input_json_delta` fragments are joined and parsed
once, so a broken call reaches the loop as a ToolCall with `error` set for the model to fix.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from agents.models.base import (
    Message,
    ModelRequest,
    ModelResponse,
    ProviderError,
    ToolCall,
    Usage,
)
from agents.models.sdk_common import (
    error_detail,
    one_line,
    parse_arguments,
    provider_error,
    redact,
    shown,
)

DEFAULT_BASE_URL = "https://api.anthropic.com"
_TOOL_ID_UNSAFE = re.compile(r"[^a-zA-Z0-9_-]")


def _tool_id(call_id: str | None) -> str:
    """Anthropic only accepts ids matching [a-zA-Z0-9_-]+; ids recorded by another provider may not."""
    return _TOOL_ID_UNSAFE.sub("_", call_id or "") or "toolu_missing"


def _has_text(text: str) -> bool:
    # the API rejects empty and whitespace-only text blocks
    return bool(text and text.strip())


def to_anthropic_messages(messages: tuple[Message, ...]) -> list[dict[str, Any]]:
    """Translate neutral messages to Messages API turns.

    The API wants strictly alternating user/assistant turns and carries tool results inside a user
    turn, so tool results (and any user text right after them) are merged into one user message,
    with the `tool_result` blocks first as the API requires.
    """
    out: list[dict[str, Any]] = []
    for message in messages:
        blocks: list[dict[str, Any]] = []
        if message.role == "tool":
            role = "user"
            result: dict[str, Any] = {"type": "tool_result", "tool_use_id": _tool_id(message.tool_call_id)}
            if message.text:
                result["content"] = message.text
            blocks.append(result)
        else:
            role = "assistant" if message.role == "assistant" else "user"
            if _has_text(message.text):
                blocks.append({"type": "text", "text": message.text})
            if role == "assistant":
                blocks += [
                    {"type": "tool_use", "id": _tool_id(call.id), "name": call.name, "input": call.arguments}
                    for call in message.tool_calls
                ]
        if not blocks:
            continue  # an empty turn would be rejected; dropping it lets its neighbours merge
        if out and out[-1]["role"] == role:
            out[-1]["content"].extend(blocks)
        else:
            out.append({"role": role, "content": blocks})
    for turn in out:
        if turn["role"] == "user":
            turn["content"].sort(key=lambda block: block["type"] != "tool_result")  # stable
    return out


def _usage(raw: Any, previous: Usage | None = None) -> Usage:
    """Neutral usage from an SDK usage object; fields a message_delta omits keep their earlier value.

    Cache reads/writes count as input (like OpenAI's prompt_tokens), so a cost cap errs high.
    Output tokens in message_delta are cumulative: they replace the message_start count.
    """

    def field_(name: str) -> int | None:
        value = getattr(raw, name, None)
        return value if isinstance(value, int) else None

    parts = [field_("input_tokens"), field_("cache_creation_input_tokens"), field_("cache_read_input_tokens")]
    input_tokens = sum(p or 0 for p in parts)
    if previous is not None:  # counts are cumulative, so a partial delta never lowers them
        input_tokens = max(input_tokens, previous.input_tokens)
    output = field_("output_tokens")
    if output is None:
        output = previous.output_tokens if previous is not None else 0
    return Usage(input_tokens, output)


@dataclass
class _Block:
    """One content block being assembled from stream events."""

    kind: str
    id: str = ""
    name: str = ""
    json_parts: list[str] = field(default_factory=list)
    start_input: Any = None


@dataclass
class _StreamState:
    """What the raw event stream has said so far; `apply` returns any new text to show."""

    text_parts: list[str] = field(default_factory=list)
    blocks: dict[int, _Block] = field(default_factory=dict)
    usage: Usage | None = None
    stop_reason: str | None = None
    finished: bool = False

    def apply(self, event: Any) -> str:
        kind = event.type
        text = ""
        if kind == "message_start":
            if event.message.usage is not None:
                self.usage = _usage(event.message.usage)
        elif kind == "content_block_start":
            block = event.content_block
            self.blocks[event.index] = _Block(
                block.type,
                getattr(block, "id", "") or "",
                getattr(block, "name", "") or "",
                start_input=getattr(block, "input", None),
            )
            if block.type == "text":
                text = getattr(block, "text", "") or ""
        elif kind == "content_block_delta":
            delta = event.delta
            if delta.type == "text_delta":
                text = delta.text or ""
            elif delta.type == "input_json_delta":
                self.blocks.setdefault(event.index, _Block("tool_use")).json_parts.append(delta.partial_json or "")
        elif kind == "message_delta":
            self.stop_reason = event.delta.stop_reason or self.stop_reason
            if event.usage is not None:
                self.usage = _usage(event.usage, self.usage)
        elif kind == "message_stop":
            self.finished = True
        if text:
            self.text_parts.append(text)
        return text

    def tool_calls(self) -> tuple[ToolCall, ...]:
        """Each tool_use block's fragments joined and parsed once; bad JSON sets `error`."""
        calls = []
        for index, block in sorted(self.blocks.items()):
            if block.kind != "tool_use":
                continue
            raw = "".join(block.json_parts)
            call_id = block.id or f"toolu_{index}"
            if not raw.strip() and isinstance(block.start_input, dict) and block.start_input:
                calls.append(ToolCall(call_id, block.name, block.start_input))
            else:
                calls.append(parse_arguments(call_id, block.name, raw))
        return tuple(calls)


class AnthropicModel:
    """Messages API with tools and optional streaming of text deltas."""

    supports_tools = True

    def __init__(
        self,
        name: str,
        model: str,
        *,
        api_key: str,
        base_url: str | None,
        timeout: float = 60.0,
        max_retries: int = 2,
        context_window: int | None = 200_000,
        stream: bool = False,
    ) -> None:
        self.name = name
        self.model = model
        self.context_window = context_window
        self.stream = stream
        self._api_key = api_key
        self._base_url = base_url or DEFAULT_BASE_URL
        # api_key given explicitly (even "") stops the SDK consulting env vars and profiles
        self._client_args: dict[str, Any] = {
            "api_key": api_key,
            "base_url": self._base_url,
            "timeout": timeout,
            "max_retries": max_retries,
        }
        self._lazy_lock = threading.Lock()
        self._sdk: Any = None
        self._transport: Any = None
        self._client_obj: Any = None

    @property
    def _client(self) -> Any:
        """The SDK client, built on first use: importing anthropic costs ~1.8 s of start-up."""
        with self._lazy_lock:
            if self._client_obj is None:
                import anthropic
                import httpx2  # the SDK's transport; it lets cut streams through unwrapped

                self._sdk, self._transport = anthropic, httpx2
                self._client_obj = anthropic.Anthropic(**self._client_args)
        return self._client_obj

    @property
    def _anthropic(self) -> Any:
        self._client  # noqa: B018  (imports the SDK)
        return self._sdk

    @property
    def _httpx(self) -> Any:
        self._client  # noqa: B018  (imports the SDK)
        return self._transport

    def complete(self, request: ModelRequest, on_text: Callable[[str], None] | None = None) -> ModelResponse:
        params: dict[str, Any] = {
            "model": self.model,
            "max_tokens": request.max_output_tokens,
            "messages": to_anthropic_messages(request.messages),
        }
        if request.system:
            params["system"] = request.system
        if request.tools and self.supports_tools:
            params["tools"] = [
                {"name": t.name, "description": t.description, "input_schema": t.parameters} for t in request.tools
            ]
            # the loop runs one tool per turn; same as parallel_tool_calls=False for OpenAI
            params["tool_choice"] = {"type": "auto", "disable_parallel_tool_use": True}
        started = time.perf_counter()
        sdk = self._anthropic
        try:
            if self.stream or on_text is not None:
                response = self._complete_streaming(params, on_text)
            else:
                response = self._complete_once(params)
        except sdk.AnthropicError as exc:
            raise provider_error(exc, sdk, name=self.name, api_key=self._api_key, base_url=self._base_url) from None
        return ModelResponse(
            text=response.text,
            tool_calls=response.tool_calls,
            usage=response.usage,
            stop_reason=response.stop_reason,
            latency_ms=(time.perf_counter() - started) * 1000,
        )

    def _complete_once(self, params: dict[str, Any]) -> ModelResponse:
        malformed = f"{self.name} returned a malformed response ({{}}); is the base URL the Anthropic API?"
        try:
            message = self._client.messages.create(**params)
            if isinstance(message, str):
                # a non-JSON content type (a proxy's HTML error page) comes back as the raw body
                raise ProviderError(malformed.format("not JSON"))
            text_parts: list[str] = []
            calls: list[ToolCall] = []
            for block in message.content or []:
                if block.type == "text":
                    text_parts.append(block.text or "")
                elif block.type == "tool_use":
                    calls.append(self._tool_call(block.id, block.name, block.input))
            usage = _usage(message.usage) if getattr(message, "usage", None) is not None else None
            return ModelResponse("".join(text_parts), tuple(calls), usage, message.stop_reason)
        except (ValueError, TypeError, AttributeError, KeyError) as exc:
            # a JSON content type with a non-JSON body surfaces as a bare JSONDecodeError
            raise ProviderError(malformed.format(type(exc).__name__)) from None

    @staticmethod
    def _tool_call(call_id: str, name: str, arguments: Any) -> ToolCall:
        """A ToolCall from a non-streamed `input`, which should be an object but is not trusted."""
        if isinstance(arguments, dict):
            return ToolCall(call_id, name, arguments)
        if isinstance(arguments, str):
            return parse_arguments(call_id, name, arguments)
        return ToolCall(call_id, name, {}, error="arguments must be a JSON object")

    def _complete_streaming(self, params: dict[str, Any], on_text: Callable[[str], None] | None) -> ModelResponse:
        stream = self._client.messages.create(**params, stream=True)
        state = _StreamState()
        with stream:  # released even when on_text raises (e.g. the user interrupts)
            for event in self._events(stream, state.text_parts):
                try:
                    text = state.apply(event)
                except (AttributeError, TypeError, KeyError, ValueError):
                    raise ProviderError(f"{self.name} sent a malformed stream event{shown(state.text_parts)}") from None
                if text and on_text:
                    on_text(text)  # outside all error handling: the caller's errors are not ours
        if not state.finished:
            raise ProviderError(f"{self.name} stream ended early{shown(state.text_parts)} (no message_stop)")
        return ModelResponse("".join(state.text_parts), state.tool_calls(), state.usage, state.stop_reason)

    def _events(self, stream: Any, text_parts: list[str]) -> Iterator[Any]:
        """Yield stream events, turning a mid-stream failure into one ProviderError.

        This SDK lets a cut connection escape as a raw transport error, so those are caught here
        too. A dropped stream is reported, never retried: text may already be on screen.
        """
        sdk, httpx = self._anthropic, self._httpx
        iterator = iter(stream)
        while True:
            try:
                event = next(iterator)
            except StopIteration:
                return
            except (sdk.APITimeoutError, httpx.TimeoutException):
                raise ProviderError(
                    f"{self.name} stopped sending mid-stream{shown(text_parts)} (raise --model-timeout if the model is slow)"
                ) from None
            except (sdk.APIConnectionError, httpx.TransportError):
                raise ProviderError(
                    f"{self.name} stream dropped{shown(text_parts)}: the connection closed before the reply finished"
                ) from None
            except sdk.APIStatusError as exc:  # an `error` event inside a 200 stream
                detail = redact(error_detail(exc), self._api_key)
                status = exc.status_code if exc.status_code >= 400 else None
                raise ProviderError(
                    f"{self.name} reported an error mid-stream{shown(text_parts)}: {detail}", status=status
                ) from None
            except ValueError:
                raise ProviderError(
                    f"{self.name} sent a malformed stream event{shown(text_parts)}; is the base URL the Anthropic API?"
                ) from None
            except Exception as exc:
                raise ProviderError(
                    f"{self.name} stream broke{shown(text_parts)}: {redact(one_line(str(exc)) or type(exc).__name__, self._api_key)}"
                ) from None
            yield event
