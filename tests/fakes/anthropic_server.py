"""A fake Anthropic Messages server for driving the real ``anthropic`` SDK.

Why a server and not a mock: retry-after handling, SSE event parsing, error
class mapping and timeouts all happen inside the SDK's HTTP layer, so only
real HTTP on the loopback interface tests our use of it honestly.

Wire format mirrors api.anthropic.com:

* ``POST /v1/messages`` -> a ``message`` object, or with ``"stream": true``
  named SSE events (``event: <type>`` + ``data: {...}``): ``message_start``,
  ``ping``, per block ``content_block_start`` / ``content_block_delta``
  (``text_delta`` or ``input_json_delta``) / ``content_block_stop``, then
  ``message_delta`` (stop_reason + cumulative output usage) and ``message_stop``.
  There is no ``[DONE]`` sentinel; the SDK ignores events without a name.
* ``GET /v1/models`` -> ``{"data": [...], "has_more": false, ...}``.
* errors -> ``{"type": "error", "error": {"type", "message"}, "request_id"}``
  plus ``retry-after-ms`` / ``retry-after`` when scripted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from ._base import GARBAGE_BODY, FakeServerBase, Usage, split_fragments, split_words, tool_arguments_json

#: Provider-neutral stop reasons (OpenAI vocabulary) mapped to Anthropic's.
_STOP_REASONS = {"stop": "end_turn", "tool_calls": "tool_use", "length": "max_tokens"}

_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}


def _event(payload: dict[str, Any]) -> bytes:
    return f"event: {payload['type']}\ndata: {json.dumps(payload)}\n\n".encode()


class FakeAnthropic(FakeServerBase):
    """Scripted stand-in for the Anthropic API; use as ``with FakeAnthropic() as fake:``.

    ``base_url`` is the bare server root (no ``/v1``) because the anthropic SDK
    requests the absolute path ``/v1/messages`` against its base URL (default
    ``https://api.anthropic.com``).
    """

    scripted_path = "/v1/messages"
    models_path = "/v1/models"
    # named, because the SDK silently skips SSE events that have no ``event:`` line
    garbage_sse = b"event: message_start\ndata: " + GARBAGE_BODY + b"\n\n"

    def __init__(
        self,
        *,
        models: Iterable[str] = ("claude-sonnet-4-5", "claude-haiku-4-5"),
        require_key: str | None = None,
    ) -> None:
        super().__init__(models=models, require_key=require_key)

    @property
    def base_url(self) -> str:
        return self.url

    def _auth_ok(self, headers: Mapping[str, str]) -> bool:
        # The real API takes either header; this SDK version sends the key as a Bearer token.
        return headers.get("x-api-key") == self.require_key or super()._auth_ok(headers)

    # -- bodies -------------------------------------------------------------
    def error_body(self, status: int, message: str, type_: str | None, code: str | None) -> dict[str, Any]:
        if type_ is None:
            type_ = _ERROR_TYPES.get(status, "api_error" if status >= 500 else "invalid_request_error")
        return {
            "type": "error",
            "error": {"type": type_, "message": message},
            "request_id": self._next_id("req_fake_"),
        }

    def models_body(self) -> dict[str, Any]:
        data = [
            {"type": "model", "id": m, "display_name": m, "created_at": "2025-01-01T00:00:00Z"} for m in self.models
        ]
        return {
            "data": data,
            "has_more": False,
            "first_id": data[0]["id"] if data else None,
            "last_id": data[-1]["id"] if data else None,
        }

    def _tool_blocks(self, reply: Mapping[str, Any]) -> list[tuple[dict[str, Any], str]]:
        """(tool_use block, argument JSON text) pairs; ids ``toolu_1``... are assigned here.

        Non-streaming ``input`` is the parsed arguments.  With ``raw_arguments``
        that don't parse, ``input`` carries the raw string verbatim - the real
        API can't do that, but it lets a client's defensive parsing be tested;
        streaming sends the raw text as ``input_json_delta`` fragments, which
        is how broken tool JSON really arrives.
        """
        out = []
        for call in reply.get("tool_calls") or []:
            raw = tool_arguments_json(call)
            try:
                parsed: Any = json.loads(raw)
            except ValueError:
                parsed = raw
            block = {
                "type": "tool_use",
                "id": call.get("id") or self._next_id("toolu_"),
                "name": call["name"],
                "input": parsed,
            }
            out.append((block, raw))
        return out

    @staticmethod
    def _stop_reason(reply: Mapping[str, Any], has_tools: bool) -> str:
        given = reply.get("stop_reason")
        if given:
            return _STOP_REASONS.get(given, given)
        return "tool_use" if has_tools else "end_turn"

    def _message(self, request: dict[str, Any], content: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "id": self._next_id("msg_fake_"),
            "type": "message",
            "role": "assistant",
            "model": request.get("model", "fake-model"),
            "content": content,
            "stop_reason": None,
            "stop_sequence": None,
        }

    def completion_body(self, request: dict[str, Any], reply: dict[str, Any]) -> dict[str, Any]:
        tools = self._tool_blocks(reply)
        content: list[dict[str, Any]] = []
        if reply.get("text"):
            content.append({"type": "text", "text": reply["text"]})
        content += [block for block, _ in tools]
        u = Usage.of(reply)
        message = self._message(request, content)
        message["stop_reason"] = self._stop_reason(reply, bool(tools))
        message["usage"] = {"input_tokens": u.input_tokens, "output_tokens": u.output_tokens, **u.extra}
        return message

    def stream_events(self, request: dict[str, Any], reply: dict[str, Any]) -> list[bytes]:
        """Events in real-API order; ``drop_after_chunks`` counts every event (ping included)."""
        tools = self._tool_blocks(reply)
        u = Usage.of(reply)
        start = self._message(request, [])
        # Like the real API: input usage up front, a token-ish output count that
        # message_delta later *replaces* (cumulative), which catches clients that add them.
        start["usage"] = {"input_tokens": u.input_tokens, "output_tokens": min(1, u.output_tokens), **u.extra}
        events = [_event({"type": "message_start", "message": start}), _event({"type": "ping"})]
        index = 0
        if reply.get("text"):
            events.append(
                _event({"type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}})
            )
            for piece in split_words(reply["text"]):
                events.append(
                    _event(
                        {"type": "content_block_delta", "index": index, "delta": {"type": "text_delta", "text": piece}}
                    )
                )
            events.append(_event({"type": "content_block_stop", "index": index}))
            index += 1
        for block, raw in tools:
            events.append(
                _event({"type": "content_block_start", "index": index, "content_block": {**block, "input": {}}})
            )
            for frag in [""] + split_fragments(raw):  # the real API opens with an empty fragment
                events.append(
                    _event(
                        {
                            "type": "content_block_delta",
                            "index": index,
                            "delta": {"type": "input_json_delta", "partial_json": frag},
                        }
                    )
                )
            events.append(_event({"type": "content_block_stop", "index": index}))
            index += 1
        events.append(
            _event(
                {
                    "type": "message_delta",
                    "delta": {"stop_reason": self._stop_reason(reply, bool(tools)), "stop_sequence": None},
                    "usage": {"output_tokens": u.output_tokens},
                }
            )
        )
        events.append(_event({"type": "message_stop"}))
        return events
