"""A fake OpenAI Chat Completions server for driving the real ``openai`` SDK.

Why a server and not a mock: the interesting failures (retry-after handling,
SSE reassembly, timeouts, malformed bodies) live inside the SDK and its HTTP
stack, so only real HTTP on the loopback interface exercises them.

Wire format mirrors api.openai.com:

* ``POST /v1/chat/completions`` -> ``chat.completion`` JSON, or with
  ``"stream": true`` an SSE stream of ``chat.completion.chunk`` objects
  (``data: {...}`` lines, no ``event:`` names) ending in ``data: [DONE]``.
* ``GET /v1/models`` -> ``{"object": "list", "data": [...]}``.
* errors -> ``{"error": {"message", "type", "param", "code"}}`` plus
  ``retry-after-ms`` / ``retry-after`` headers when scripted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from ._base import FakeServerBase, Usage, split_fragments, split_words, tool_arguments_json

CREATED = 1_700_000_000  # fixed so recorded transcripts are deterministic

#: Provider-neutral stop reasons (Anthropic vocabulary) mapped to OpenAI's.
_FINISH_REASONS = {"end_turn": "stop", "tool_use": "tool_calls", "max_tokens": "length", "stop_sequence": "stop"}


def _sse(payload: Any) -> bytes:
    data = payload if isinstance(payload, str) else json.dumps(payload)
    return f"data: {data}\n\n".encode()


class FakeOpenAI(FakeServerBase):
    """Scripted stand-in for the OpenAI API; use as ``with FakeOpenAI() as fake:``.

    ``base_url`` already ends in ``/v1`` because the openai SDK appends
    ``/chat/completions`` directly to its base URL (default
    ``https://api.openai.com/v1``).
    """

    scripted_path = "/v1/chat/completions"
    models_path = "/v1/models"

    def __init__(
        self,
        *,
        models: Iterable[str] = ("gpt-4o-mini", "gpt-4o"),
        require_key: str | None = None,
    ) -> None:
        super().__init__(models=models, require_key=require_key)

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    # -- bodies -------------------------------------------------------------
    def error_body(self, status: int, message: str, type_: str | None, code: str | None) -> dict[str, Any]:
        if type_ is None:
            type_ = "requests" if status == 429 else "server_error" if status >= 500 else "invalid_request_error"
        if code is None:
            code = {429: "rate_limit_exceeded", 401: "invalid_api_key"}.get(status)
        return {"error": {"message": message, "type": type_, "param": None, "code": code}}

    def models_body(self) -> dict[str, Any]:
        return {
            "object": "list",
            "data": [{"id": m, "object": "model", "created": CREATED, "owned_by": "fake"} for m in self.models],
        }

    def _tool_calls(self, reply: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Materialise tool calls once per reply, so ids (``call_1``...) are stable."""
        return [
            {
                "id": call.get("id") or self._next_id("call_"),
                "type": "function",
                "function": {"name": call["name"], "arguments": tool_arguments_json(call)},
            }
            for call in reply.get("tool_calls") or []
        ]

    @staticmethod
    def _finish_reason(reply: Mapping[str, Any], has_tools: bool) -> str:
        given = reply.get("stop_reason")
        if given:
            return _FINISH_REASONS.get(given, given)
        return "tool_calls" if has_tools else "stop"

    @staticmethod
    def _usage(reply: Mapping[str, Any]) -> dict[str, Any]:
        u = Usage.of(reply)
        return {
            "prompt_tokens": u.input_tokens,
            "completion_tokens": u.output_tokens,
            "total_tokens": u.input_tokens + u.output_tokens,
            **u.extra,
        }

    def completion_body(self, request: dict[str, Any], reply: dict[str, Any]) -> dict[str, Any]:
        calls = self._tool_calls(reply)
        text = reply.get("text")
        message: dict[str, Any] = {
            "role": "assistant",
            # the real API sends null content alongside tool calls when there is no text
            "content": text if text is not None else (None if calls else ""),
            "refusal": None,
        }
        if calls:
            message["tool_calls"] = calls
        return {
            "id": self._next_id("chatcmpl-fake-"),
            "object": "chat.completion",
            "created": CREATED,
            "model": request.get("model", "fake-model"),
            "system_fingerprint": "fp_fake",
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "logprobs": None,
                    "finish_reason": self._finish_reason(reply, bool(calls)),
                }
            ],
            "usage": self._usage(reply),
        }

    def stream_events(self, request: dict[str, Any], reply: dict[str, Any]) -> list[bytes]:
        """Chunks in the order the real API sends them.

        1. role chunk (``{"role": "assistant", "content": ""}``)
        2. one content chunk per word of ``text``
        3. per tool call: a header chunk (index, id, type, name, ``arguments: ""``)
           then the argument string in ~3 fragments
        4. a finish chunk (empty delta + ``finish_reason``)
        5. with ``stream_options.include_usage``: a chunk with ``choices: []`` and usage
        6. ``data: [DONE]``
        """
        chunk_id = self._next_id("chatcmpl-fake-")
        include_usage = bool((request.get("stream_options") or {}).get("include_usage"))
        model = request.get("model", "fake-model")

        def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
            body: dict[str, Any] = {
                "id": chunk_id,
                "object": "chat.completion.chunk",
                "created": CREATED,
                "model": model,
                "system_fingerprint": "fp_fake",
                "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
            }
            if include_usage:
                body["usage"] = None
            return _sse(body)

        events = [chunk({"role": "assistant", "content": "", "refusal": None})]
        events += [chunk({"content": piece}) for piece in split_words(reply.get("text") or "")]
        calls = self._tool_calls(reply)
        for index, call in enumerate(calls):
            fn = call["function"]
            header = {
                "index": index,
                "id": call["id"],
                "type": "function",
                "function": {"name": fn["name"], "arguments": ""},
            }
            events.append(chunk({"tool_calls": [header]}))
            for frag in split_fragments(fn["arguments"]):
                events.append(chunk({"tool_calls": [{"index": index, "function": {"arguments": frag}}]}))
        events.append(chunk({}, self._finish_reason(reply, bool(calls))))
        if include_usage:
            events.append(
                _sse(
                    {
                        "id": chunk_id,
                        "object": "chat.completion.chunk",
                        "created": CREATED,
                        "model": model,
                        "system_fingerprint": "fp_fake",
                        "choices": [],
                        "usage": self._usage(reply),
                    }
                )
            )
        events.append(_sse("[DONE]"))
        return events
