"""Daemon threads that run statements, so that a caller always gets its answer at the time limit.

An engine notices an interrupt only at its own check points: DuckDB between chunks of work,
PostgreSQL inside its executor loops. One call of some functions over one huge value has no such
point (a dozen string functions over a 100 MB value; md5() of a 400 MB string on PostgreSQL),
and an adversarial review held a 1 s limit for 28 s that way. So the statement runs on one of
these threads while the caller waits: if it has not stopped `STOP_GRACE_S` after the interrupt,
the caller gets the timeout and the thread is left to finish (and release its cursor or
connection) in the background.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

STOP_GRACE_S = 2.0  # after the interrupt, how long a statement gets to stop before it is abandoned


class Workers:
    """Threads kept between statements (a warm thread is ~0.5 ms a query cheaper than a new one
    on DuckDB). A statement past its limit keeps its thread; the next statement gets another, so
    one stuck statement never delays the rest. Daemon threads: the process exits without them."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._idle = 0
        self._lock = threading.Lock()

    def run(self, job: Callable[[], None]) -> None:
        with self._lock:
            start = self._idle == 0
            if not start:
                self._idle -= 1
        self._jobs.put(job)
        if start:
            threading.Thread(target=self._serve, name="statement", daemon=True).start()

    def _serve(self) -> None:
        while True:
            self._jobs.get()()
            with self._lock:
                self._idle += 1


WORKERS = Workers()
