"""One running statement's cancel switch: `KILL QUERY` for its connection, sent from another one.

The server's own limit (`max_statement_time` / `max_execution_time`) is a backstop that a SELECT
could outlast in a function with no check point; the client's switch does not depend on it. It
remembers why the statement was stopped (`timeout` or `interrupt`), because the server reports
both the same way, and it never kills after `finish`: the connection may then run someone else's
statement.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class Watch:
    """Kill one connection's running statement at most once; `finish` disarms it."""

    def __init__(self, thread_id: int, side_connection: Callable[[], Any]) -> None:
        self.thread_id = thread_id
        self.reason: str | None = None
        self._side_connection = side_connection
        self._done = False
        self._terminated = False
        self._lock = threading.Lock()

    def cancel(self, reason: str) -> None:
        with self._lock:
            if self._done or self.reason is not None:
                return
            self.reason = reason
            self.kill()

    def terminate(self) -> None:
        """KILL CONNECTION for a statement that did not stop when killed; once, never after `finish`."""
        with self._lock:
            if self._done or self._terminated:
                return
            self._terminated = True
        self.kill("CONNECTION")

    def kill(self, what: str = "QUERY") -> None:
        """KILL QUERY (or CONNECTION) from a fresh connection of the same account; failures are
        the caller's limit's to handle (the worker still returns at the limit, and the server's
        own limit follows)."""
        try:
            conn = self._side_connection()
        except Exception:
            return
        try:
            with conn.cursor() as cur:
                cur.execute(f"KILL {what} {int(self.thread_id)}")
        except Exception:
            pass
        finally:
            try:
                conn.close()
            except Exception:
                pass

    def finish(self) -> None:
        with self._lock:
            self._done = True
