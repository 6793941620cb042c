"""Running queries' cancel switches, shared by their watchdog timers, `interrupt` and streams.

It remembers why the query was cancelled (`timeout` or `interrupt`), because the server reports
both the same way and the caller must tell the person which one happened.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any


class Watch:
    """One running query's cancel switch; after `finish` a late timer or interrupt does nothing."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.reason: str | None = None
        self._done = False
        self._terminated = False
        self._lock = threading.Lock()

    def cancel(self, reason: str) -> None:
        with self._lock:
            if self._done or self.reason is not None:
                return
            self.reason = reason
            try:
                self.conn.cancel_safe(timeout=5.0)  # psycopg >= 3.2; a separate cancel connection
            except Exception:
                pass

    def terminate(self, terminate_backend: Callable[[int], None]) -> None:
        """End the query's backend (it did not stop when cancelled: a function with no interrupt
        point); once per watch. The server still ends it only at its next interrupt check."""
        with self._lock:
            if self._done or self._terminated:
                return
            self._terminated = True
            try:
                pid = int(self.conn.info.backend_pid)
            except Exception:
                return
        try:
            terminate_backend(pid)
        except Exception:
            pass

    def finish(self) -> None:
        with self._lock:
            self._done = True


class Watches:
    """The watches of one database's running queries: `interrupt` cancels them all, and a query
    past its limit whose server did not stop can be found and its backend terminated."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: set[Watch] = set()

    def add(self, conn: Any) -> Watch:
        watch = Watch(conn)
        with self._lock:
            self._running.add(watch)
        return watch

    def remove(self, watch: Watch) -> None:
        watch.finish()
        with self._lock:
            self._running.discard(watch)

    @contextlib.contextmanager
    def timed(self, conn: Any, timeout_s: float) -> Iterator[Watch]:
        """A watch on `conn` whose timer cancels it at `timeout_s`, for the `with` block."""
        watch = self.add(conn)
        timer = threading.Timer(timeout_s, watch.cancel, args=("timeout",))
        timer.daemon = True
        timer.start()
        try:
            yield watch
        finally:
            timer.cancel()
            self.remove(watch)

    def cancel_all(self, reason: str) -> None:
        with self._lock:
            watches = list(self._running)
        for watch in watches:
            watch.cancel(reason)

    def terminate_cancelled(self, terminate_backend: Callable[[int], None]) -> None:
        """Terminate the backends of queries cancelled but still running."""
        with self._lock:
            stuck = [w for w in self._running if w.reason is not None]
        for watch in stuck:
            watch.terminate(terminate_backend)
