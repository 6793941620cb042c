"""Shared plumbing for the fake provider servers.

The fakes exist so the *real* OpenAI / Anthropic SDKs can be exercised end to
end (retries, timeouts, SSE parsing, error mapping) without mocking the
clients and without touching the network.  Everything protocol-neutral lives
here (reply validation, the scripted queue, the request log, the failure
modes: hang, delay, error, garbage, dropped stream); the socket lifecycle is in
``_http`` and the provider modules only decide what bytes go on the wire.
"""

from __future__ import annotations

import copy
import json
import math
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Self

from ._http import LOOPBACK, FakeHandler, LoopbackServer

#: Keys a scripted reply may carry.  Unknown keys are rejected at queue time so
#: a typo in a test ("tool_call") fails loudly instead of silently doing nothing.
REPLY_KEYS = frozenset(
    {
        "text",
        "tool_calls",
        "usage",
        "stop_reason",
        "delay_ms",
        "error",
        # fake-only keys
        "garbage",
        "drop_after_chunks",
        "hang",
        "chunk_delay_ms",
    }
)
TOOL_CALL_KEYS = frozenset({"name", "arguments", "raw_arguments", "id"})
ERROR_KEYS = frozenset({"status", "message", "retry_after_ms", "type", "code"})
GARBAGE_BODY = b"<html><body>502 Bad Gateway (fake garbage, not JSON)</body></html>"


@dataclass
class RecordedRequest:
    """One HTTP request as the fake saw it; kept so tests can audit headers and bodies."""

    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    raw_body: str
    body: Any = None  # parsed JSON, or None when the body isn't JSON


def validate_reply(reply: Mapping[str, Any] | str) -> dict[str, Any]:
    """Normalise and check a scripted reply; a bare string means ``{"text": s}``."""
    if isinstance(reply, str):
        return {"text": reply}
    if not isinstance(reply, Mapping):
        raise TypeError(f"reply must be a dict or str, got {type(reply).__name__}")
    unknown = set(reply) - REPLY_KEYS
    if unknown:
        raise ValueError(f"unknown reply keys {sorted(unknown)}; allowed: {sorted(REPLY_KEYS)}")
    for call in reply.get("tool_calls") or []:
        bad = set(call) - TOOL_CALL_KEYS
        if bad or "name" not in call:
            raise ValueError(f"bad tool call {call!r}; keys allowed: {sorted(TOOL_CALL_KEYS)}, 'name' required")
    error = reply.get("error")
    if error is not None:
        bad = set(error) - ERROR_KEYS
        if bad or "status" not in error:
            raise ValueError(f"bad error {error!r}; keys allowed: {sorted(ERROR_KEYS)}, 'status' required")
    return copy.deepcopy(dict(reply))


def split_words(text: str) -> list[str]:
    """Split text into word-sized pieces whose concatenation is exactly ``text``.

    Several small deltas (rather than one) make sure clients really reassemble
    the stream instead of only reading the first chunk.
    """
    return re.findall(r"\S+\s*|\s+", text)


def split_fragments(data: str, parts: int = 3) -> list[str]:
    """Cut a JSON string into ``parts`` arbitrary fragments, mid-token on purpose."""
    if not data:
        return []
    size = max(1, math.ceil(len(data) / parts))
    return [data[i : i + size] for i in range(0, len(data), size)]


def tool_arguments_json(call: Mapping[str, Any]) -> str:
    """The argument string for a tool call: ``raw_arguments`` verbatim, else JSON of ``arguments``."""
    if "raw_arguments" in call:
        return str(call["raw_arguments"])
    return json.dumps(call.get("arguments", {}), separators=(",", ":"))


def retry_headers(error: Mapping[str, Any]) -> dict[str, str]:
    """Both retry headers: ``retry-after-ms`` (what the SDKs prefer) and whole-second ``retry-after``."""
    ms = error.get("retry_after_ms")
    if ms is None:
        return {}
    return {"retry-after-ms": str(ms), "retry-after": str(max(0, math.ceil(ms / 1000)))}


class FakeServerBase:
    """A scripted fake provider on 127.0.0.1 with a random free port.

    Each request to :attr:`scripted_path` consumes one queued reply (SDK retries
    included: a retried request takes the next reply).  An empty queue yields a
    500 marked ``x-should-retry: false`` so the SDK gives up at once and the
    test fails loudly instead of hanging in back-off.
    """

    scripted_path = ""
    models_path = "/v1/models"

    def __init__(
        self,
        *,
        models: Iterable[str] = (),
        require_key: str | None = None,
    ) -> None:
        self.models = list(models)
        self.require_key = require_key
        self._lock = threading.Lock()
        self._replies: list[dict[str, Any]] = []
        self._requests: list[dict[str, Any]] = []
        self._received: list[RecordedRequest] = []
        self._server: LoopbackServer | None = None
        self._thread: threading.Thread | None = None
        self._counters: dict[str, int] = {}
        self.unscripted = 0  # requests that found the queue empty
        # when set, answers requests the queue does not: reply = responder(request_body);
        # lets concurrent tests answer by content instead of by arrival order
        self.responder: Any = None

    # -- lifecycle ----------------------------------------------------------
    def start(self) -> Self:
        if self._server is not None:
            raise RuntimeError("fake already started")
        self._server = LoopbackServer(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name=f"{type(self).__name__}-serve",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, wake hung handlers, cut keep-alive sockets, join all threads."""
        server, self._server = self._server, None
        if server is None:
            return
        server.stopping.set()
        server.shutdown()
        server.cut_connections()
        server.server_close()  # joins the per-request threads
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("fake not started; use it as a context manager")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """Server root, without any API prefix."""
        return f"http://{LOOPBACK}:{self.port}"

    # -- scripting ----------------------------------------------------------
    def queue(self, reply: Mapping[str, Any] | str) -> Self:
        """Script the next reply; validated now so a malformed script fails at the call site."""
        checked = validate_reply(reply)
        with self._lock:
            self._replies.append(checked)
        return self

    def queue_many(self, replies: Iterable[Mapping[str, Any] | str]) -> Self:
        """Script several replies at once, e.g. ``[429-error, 429-error, "ok"]`` for a retry test."""
        checked = [validate_reply(r) for r in replies]
        with self._lock:
            self._replies.extend(checked)
        return self

    @property
    def pending(self) -> int:
        """Replies still queued; a finished test usually wants 0."""
        with self._lock:
            return len(self._replies)

    @property
    def requests(self) -> list[dict[str, Any]]:
        """Parsed JSON bodies sent to the scripted endpoint, in arrival order."""
        with self._lock:
            return list(self._requests)

    @property
    def received(self) -> list[RecordedRequest]:
        """Every HTTP request (any path), with headers, for auditing what the client sent."""
        with self._lock:
            return list(self._received)

    def headers(self, index: int = -1) -> dict[str, str]:
        """Lower-cased headers of the ``index``-th scripted-endpoint request."""
        scripted = [r for r in self.received if r.path.split("?")[0] == self.scripted_path]
        return scripted[index].headers

    def secret_locations(self, secret: str) -> list[str]:
        """Where ``secret`` appeared: ``"<METHOD> <path> header:<name>"`` / ``body`` / ``path``.

        Lets a test assert an API key only ever travels in the auth header.
        """
        found: list[str] = []
        for rec in self.received:
            where = f"{rec.method} {rec.path.split('?')[0]}"
            if secret in rec.path:
                found.append(f"{where} path")
            for name, value in rec.headers.items():
                if secret in value:
                    found.append(f"{where} header:{name}")
            if secret in rec.raw_body:
                found.append(f"{where} body")
        return found

    def _next_id(self, prefix: str) -> str:
        with self._lock:
            n = self._counters.get(prefix, 0) + 1
            self._counters[prefix] = n
        return f"{prefix}{n}"

    # -- dispatch -----------------------------------------------------------
    def _dispatch(self, h: FakeHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        text = raw.decode("utf-8", errors="replace")
        try:
            parsed: Any = json.loads(text) if text else None
        except ValueError:
            parsed = None
        path = h.path.split("?")[0]
        rec = RecordedRequest(h.command, h.path, {k.lower(): v for k, v in h.headers.items()}, text, parsed)
        with self._lock:
            self._received.append(rec)
        try:
            if self.require_key is not None and not self._auth_ok(rec.headers):
                h.send_json(401, self.error_body(401, "invalid api key (fake)", None, None))
            elif h.command == "POST" and path == self.scripted_path:
                self._scripted(h, rec)
            elif h.command == "GET" and path == self.models_path:
                h.send_json(200, self.models_body())
            else:
                h.send_json(404, self.error_body(404, f"fake has no route {h.command} {path}", None, None))
        except (BrokenPipeError, ConnectionResetError):
            h.close_connection = True  # the client gave up (timeout / dropped stream)

    def _scripted(self, h: FakeHandler, rec: RecordedRequest) -> None:
        if not isinstance(rec.body, dict):
            h.send_json(400, self.error_body(400, "fake: request body is not a JSON object", None, None))
            return
        with self._lock:
            self._requests.append(rec.body)
            reply = self._replies.pop(0) if self._replies else None
            if reply is None and self.responder is not None:
                reply = validate_reply(self.responder(rec.body))
            if reply is None:
                self.unscripted += 1
        if reply is None:
            msg = f"{type(self).__name__} ran out of scripted replies (request #{len(self.requests)})"
            h.send_json(500, self.error_body(500, msg, None, None), {"x-should-retry": "false"})
            return
        if reply.get("hang"):
            h.server.stopping.wait()  # until stop(); the client's own timeout fires first
            h.close_connection = True
            return
        if reply.get("delay_ms") and not h.wait(reply["delay_ms"] / 1000):
            h.close_connection = True
            return
        error = reply.get("error")
        if error is not None:
            body = self.error_body(
                int(error["status"]), error.get("message") or "fake error", error.get("type"), error.get("code")
            )
            h.send_json(int(error["status"]), body, retry_headers(error))
            return
        stream = rec.body.get("stream") is True
        garbage = reply.get("garbage")
        if garbage:
            if stream and garbage is True:
                h.start_sse()
                h.send_chunk(self.garbage_sse)
                h.end_chunks()
            else:  # a string names the content type, e.g. "text/html" for a proxy error page
                h.send_bytes(200, GARBAGE_BODY, "application/json" if garbage is True else str(garbage))
            return
        if stream:
            self._stream(h, rec.body, reply)
        else:
            h.send_json(200, self.completion_body(rec.body, reply))

    def _stream(self, h: FakeHandler, request: dict[str, Any], reply: dict[str, Any]) -> None:
        events = self.stream_events(request, reply)
        drop = reply.get("drop_after_chunks")
        gap = (reply.get("chunk_delay_ms") or 0) / 1000
        h.start_sse()
        for n, event in enumerate(events):
            if drop is not None and n >= drop:
                h.abort()
                return
            if n and gap and not h.wait(gap):
                h.abort()
                return
            h.send_chunk(event)
        h.end_chunks()

    # -- provider hooks -----------------------------------------------------
    #: one framed SSE event whose data is not JSON (used by ``garbage`` on streams)
    garbage_sse = b"data: " + GARBAGE_BODY + b"\n\n"

    def _auth_ok(self, headers: Mapping[str, str]) -> bool:
        return headers.get("authorization") == f"Bearer {self.require_key}"

    def error_body(self, status: int, message: str, type_: str | None, code: str | None) -> dict[str, Any]:
        raise NotImplementedError

    def models_body(self) -> dict[str, Any]:
        raise NotImplementedError

    def completion_body(self, request: dict[str, Any], reply: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def stream_events(self, request: dict[str, Any], reply: dict[str, Any]) -> list[bytes]:
        """Every SSE event, already framed; ``drop_after_chunks`` counts these."""
        raise NotImplementedError


@dataclass
class Usage:
    """Token counts from a reply; zero when the script doesn't care."""

    input_tokens: int = 0
    output_tokens: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, reply: Mapping[str, Any]) -> Usage:
        u = dict(reply.get("usage") or {})
        return cls(int(u.pop("input_tokens", 0)), int(u.pop("output_tokens", 0)), u)
