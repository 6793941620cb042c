"""A ticking "running query 4.2 s (limit 30 s)" line on a terminal's stderr while a query runs.

It watches the loop's `executing` flag from a daemon thread rather than events: the flag is
exactly the time the database has the query. The loop's own events go through `observe` first,
so the line is cleared before the progress printer writes the result under it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TextIO

TICK_S = 0.2


def elapsed_text(seconds: float, limit_s: float) -> str:
    """`running query 4.2 s (limit 30 s)`: what the person sees while waiting."""
    return f"running query {seconds:.1f} s (limit {limit_s:g} s)"


class QueryClock:
    """Start with `start()`, stop with `stop()`; pass every loop event to `observe` before
    anything else prints it. Only for a terminal: the line is redrawn with a carriage return."""

    def __init__(self, stream: TextIO, limit_s: float, running: Callable[[], bool]) -> None:
        self.stream = stream
        self.limit_s = limit_s
        self.running = running
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._since: float | None = None  # when the current query started
        self._drawn = False
        self._done = False  # the current query's result arrived: draw nothing until the next one
        self._thread = threading.Thread(target=self._tick, name="analyst-query-clock", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(1.0)
        with self._lock:
            self._clear()

    def observe(self, event: Any) -> None:
        if getattr(event, "type", "") in ("query_executed", "query_failed"):
            with self._lock:
                self._clear()
                self._done = True

    def _tick(self) -> None:
        while not self._stop.wait(TICK_S):
            with self._lock:
                if not self.running():
                    self._since, self._done = None, False
                    self._clear()
                    continue
                if self._since is None:
                    self._since = time.monotonic()
                if not self._done:
                    self._draw(time.monotonic() - self._since)

    def _draw(self, seconds: float) -> None:
        self.stream.write("\r\x1b[2K" + elapsed_text(seconds, self.limit_s))
        self.stream.flush()
        self._drawn = True

    def _clear(self) -> None:
        if self._drawn:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self._drawn = False
