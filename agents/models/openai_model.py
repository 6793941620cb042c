"""OpenAI Chat Completions adapter; also any OpenAI-compatible server (Ollama, vLLM, llama.cpp).

The key and base URL are handed in explicitly so the SDK never picks up stray environment
variables, and every SDK failure becomes one `ProviderError` line with the key redacted.
The small helpers at the top (argument parsing, redaction, error details) are shared with the
Anthropic adapter so both report failures in the same words.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from agents.models.base import (
    Message,
    ModelRequest,
    ModelResponse,
    ProviderError,
    Usage,
)
from agents.models.sdk_common import (
    error_detail,
    from_transport,
    one_line,
    parse_arguments,
    provider_error,
    redact,
    shown,
)


def to_openai_messages(system: str, messages: tuple[Message, ...]) -> list[dict[str, Any]]:
    """Translate neutral messages to Chat Completions messages."""
    out: list[dict[str, Any]] = [{"role": "system", "content": system}] if system else []
    for message in messages:
        if message.role == "tool":
            out.append({"role": "tool", "tool_call_id": message.tool_call_id, "content": message.text})
        elif message.role == "assistant" and message.tool_calls:
            out.append(
                {
                    "role": "assistant",
                    "content": message.text or None,
                    "tool_calls": [
                        {
                            "id": call.id,
                            "type": "function",
                            "function": {"name": call.name, "arguments": json.dumps(call.arguments)},
                        }
                        for call in message.tool_calls
                    ],
                }
            )
        else:
            out.append({"role": message.role, "content": message.text})
    return out


class OpenAIModel:
    """Chat Completions with optional tools and optional streaming of text deltas."""

    def __init__(
        self,
        name: str,
        model: str,
        *,
        api_key: str,
        base_url: str | None,
        timeout: float = 60.0,
        max_retries: int = 2,
        supports_tools: bool = True,
        context_window: int | None = 128_000,
        stream: bool = False,
    ) -> None:
        self.name = name
        self.model = model
        self.supports_tools = supports_tools
        self.context_window = context_window
        self.stream = stream
        self._api_key = api_key
        self._client_args: dict[str, Any] = {
            "api_key": api_key,
            "base_url": base_url,
            "timeout": timeout,
            "max_retries": max_retries,
        }
        self._lazy_lock = threading.Lock()
        self._sdk: Any = None
        self._client_obj: Any = None

    @property
    def _client(self) -> Any:
        """The SDK client, built on first use: importing openai costs ~0.7 s of start-up."""
        with self._lazy_lock:
            if self._client_obj is None:
                import openai

                self._sdk = openai
                self._client_obj = openai.OpenAI(**self._client_args)
        return self._client_obj

    @property
    def _openai(self) -> Any:
        self._client  # noqa: B018  (imports the SDK)
        return self._sdk

    def complete(self, request: ModelRequest, on_text: Callable[[str], None] | None = None) -> ModelResponse:
        # OpenAI's own API rejects `max_tokens` for reasoning models (o-series, gpt-5) and wants
        # `max_completion_tokens`; compatible servers (Ollama, llama.cpp) often know only the old name.
        limit_key = "max_completion_tokens" if self.name.startswith("openai:") else "max_tokens"
        params: dict[str, Any] = {
            "model": self.model,
            "messages": to_openai_messages(request.system, request.messages),
            limit_key: request.max_output_tokens,
        }
        if request.tools and self.supports_tools:
            params["tools"] = [
                {
                    "type": "function",
                    "function": {"name": t.name, "description": t.description, "parameters": t.parameters},
                }
                for t in request.tools
            ]
            params["parallel_tool_calls"] = False
        started = time.perf_counter()
        try:
            if self.stream or on_text is not None:
                response = self._complete_streaming(params, on_text)
            else:
                response = self._complete_once(params)
        except self._openai.OpenAIError as exc:
            raise provider_error(
                exc, self._openai, name=self.name, api_key=self._api_key, base_url=self._client.base_url
            ) from None
        return ModelResponse(
            text=response.text,
            tool_calls=response.tool_calls,
            usage=response.usage,
            stop_reason=response.stop_reason,
            latency_ms=(time.perf_counter() - started) * 1000,
        )

    def _complete_once(self, params: dict[str, Any]) -> ModelResponse:
        malformed = f"{self.name} returned a malformed response ({{}}); is the base URL an OpenAI-compatible API?"
        try:
            completion = self._client.chat.completions.create(**params)
            if isinstance(completion, str):
                # a non-JSON content type (a proxy's HTML error page) comes back as the raw body
                raise ProviderError(malformed.format("not JSON"))
            if not getattr(completion, "choices", None):
                raise ProviderError(f"{self.name} returned a response with no choices")
            choice = completion.choices[0]
            message = choice.message
            calls = tuple(
                parse_arguments(tc.id or f"call_{n}", tc.function.name, tc.function.arguments)
                for n, tc in enumerate(message.tool_calls or [])
                if getattr(tc, "function", None) is not None
            )
            usage = None
            if completion.usage is not None:
                usage = Usage(completion.usage.prompt_tokens or 0, completion.usage.completion_tokens or 0)
            return ModelResponse(message.content or "", calls, usage, choice.finish_reason)
        except (ValueError, TypeError, AttributeError, KeyError) as exc:
            # a JSON content type with a non-JSON body surfaces as a bare JSONDecodeError
            raise ProviderError(malformed.format(type(exc).__name__)) from None

    def _complete_streaming(self, params: dict[str, Any], on_text: Callable[[str], None] | None) -> ModelResponse:
        stream = self._client.chat.completions.create(**params, stream=True, stream_options={"include_usage": True})
        text_parts: list[str] = []
        calls: dict[int, dict[str, str]] = {}
        usage = None
        finish = None
        with stream:  # released even when on_text raises (e.g. the user interrupts)
            for chunk in self._chunks(stream, text_parts):
                new_text: list[str] = []
                try:
                    if chunk.usage is not None:
                        usage = Usage(chunk.usage.prompt_tokens or 0, chunk.usage.completion_tokens or 0)
                    for choice in chunk.choices or []:
                        delta = choice.delta
                        if delta is not None and delta.content:
                            new_text.append(delta.content)
                        for tc in (delta.tool_calls or []) if delta is not None else []:
                            slot = calls.setdefault(tc.index, {"id": "", "name": "", "arguments": ""})
                            if tc.id:
                                slot["id"] = tc.id
                            if tc.function is not None:
                                slot["name"] += tc.function.name or ""
                                slot["arguments"] += tc.function.arguments or ""
                        if choice.finish_reason:
                            finish = choice.finish_reason
                except (AttributeError, TypeError, KeyError, ValueError):
                    raise ProviderError(f"{self.name} sent a malformed stream chunk{shown(text_parts)}") from None
                for piece in new_text:
                    text_parts.append(piece)
                    if on_text:
                        on_text(piece)  # outside all error handling: the caller's errors are not ours
        if finish is None:
            raise ProviderError(f"{self.name} stream ended early{shown(text_parts)} (no finish reason)")
        tool_calls = tuple(
            parse_arguments(slot["id"] or f"call_{index}", slot["name"], slot["arguments"])
            for index, slot in sorted(calls.items())
        )
        return ModelResponse("".join(text_parts), tool_calls, usage, finish)

    def _chunks(self, stream: Any, text_parts: list[str]) -> Iterator[Any]:
        """Yield stream chunks, turning a mid-stream failure into one ProviderError.

        Only `next()` is guarded, so an exception from the caller's `on_text` passes through
        untouched; a dropped stream is reported, never retried (text may already be on screen).
        """
        iterator = iter(stream)
        while True:
            try:
                chunk = next(iterator)
            except StopIteration:
                return
            except self._openai.APITimeoutError:
                raise ProviderError(
                    f"{self.name} stopped sending mid-stream{shown(text_parts)} (raise --model-timeout if the model is slow)"
                ) from None
            except self._openai.APIConnectionError:
                raise ProviderError(
                    f"{self.name} stream dropped{shown(text_parts)}: the connection closed before the reply finished"
                ) from None
            except self._openai.APIError as exc:  # an error event inside the stream
                detail = redact(error_detail(exc), self._api_key)
                raise ProviderError(f"{self.name} reported an error mid-stream{shown(text_parts)}: {detail}") from None
            except ValueError:
                raise ProviderError(
                    f"{self.name} sent a malformed stream event{shown(text_parts)}; is the base URL an OpenAI-compatible API?"
                ) from None
            except Exception as exc:
                if from_transport(exc):  # openai 3.0 let the transport's own error through unwrapped
                    raise ProviderError(
                        f"{self.name} stream dropped{shown(text_parts)}: the connection closed before the reply finished"
                    ) from None
                raise ProviderError(
                    f"{self.name} stream broke{shown(text_parts)}: {redact(one_line(str(exc)) or type(exc).__name__, self._api_key)}"
                ) from None
            yield chunk
