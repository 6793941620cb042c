"""Loopback HTTP plumbing for the fakes: a threaded server that can always shut down.

Kept apart from the scripting logic because the tricky part here is lifecycle:
keep-alive connections and deliberately hung requests must never make
``stop()`` block, and clients hanging up mid-response must not spew
tracebacks into the test output.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

LOOPBACK = "127.0.0.1"


class Dispatcher(Protocol):
    """What the server needs from a fake: one entry point per request."""

    def _dispatch(self, h: FakeHandler) -> None: ...


class LoopbackServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that can cut its open connections, so close never blocks."""

    daemon_threads = True
    allow_reuse_address = False

    def __init__(self, fake: Dispatcher) -> None:
        self.fake = fake
        self.stopping = threading.Event()
        self.connections: set[socket.socket] = set()
        self.conn_lock = threading.Lock()
        super().__init__((LOOPBACK, 0), FakeHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up mid-response is expected here (timeouts, dropped streams)."""
        return

    def cut_connections(self) -> None:
        with self.conn_lock:
            conns = list(self.connections)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class FakeHandler(BaseHTTPRequestHandler):
    """Routes every request to the owning fake; adds helpers for JSON, SSE and aborts."""

    protocol_version = "HTTP/1.1"  # keep-alive + chunked streams, like the real APIs
    disable_nagle_algorithm = True  # headers and body go out at once: no 40 ms delayed-ACK stalls
    timeout = 30  # safety net: an idle keep-alive connection can't pin a thread forever
    server: LoopbackServer

    def setup(self) -> None:
        super().setup()
        with self.server.conn_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.conn_lock:
            self.server.connections.discard(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    def log_message(self, format: str, *args: Any) -> None:
        return  # keep pytest output clean

    def do_GET(self) -> None:
        self.server.fake._dispatch(self)

    def do_POST(self) -> None:
        self.server.fake._dispatch(self)

    def do_DELETE(self) -> None:
        self.server.fake._dispatch(self)

    # -- response helpers ---------------------------------------------------
    def send_json(self, status: int, payload: Any, headers: Mapping[str, str] | None = None) -> None:
        self.send_bytes(status, json.dumps(payload).encode(), "application/json", headers)

    def send_bytes(self, status: int, data: bytes, content_type: str, headers: Mapping[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def start_sse(self, headers: Mapping[str, str] | None = None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.flush()

    def send_chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def end_chunks(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def abort(self) -> None:
        """Hang up without finishing the body: the client sees an incomplete chunked read."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def wait(self, seconds: float) -> bool:
        """Sleep, but wake at shutdown; returns False when the server is stopping."""
        return not self.server.stopping.wait(max(0.0, seconds))
