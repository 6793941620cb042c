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
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")

STOP_GRACE_S = 2.0  # after the interrupt, how long a statement gets to stop before it is abandoned


class Workers:
    """Threads kept between statements (a warm thread is ~0.5 ms a query cheaper than a new one
        on DuckDB). A statement past its limit keeps its thread; the next statement gets another, so
        one stuck statement never delays the rest. Daemon threads: the process exits without them, but
    not through the interpreter's shutdown (see `analyst.cli.entry`)."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._idle = 0
        self._busy = 0
        self._lock = threading.Lock()
        self._quiet = threading.Condition(self._lock)

    @property
    def busy(self) -> int:
        """Statements still running, abandoned ones included."""
        with self._lock:
            return self._busy

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no statement runs; False if one still does after `timeout` seconds."""
        with self._quiet:
            return self._quiet.wait_for(lambda: self._busy == 0, timeout)

    def run(self, job: Callable[[], None]) -> None:
        with self._lock:
            self._busy += 1
            start = self._idle == 0
            if not start:
                self._idle -= 1
        self._jobs.put(job)
        if start:
            threading.Thread(target=self._serve, name="statement", daemon=True).start()

    def _serve(self) -> None:
        while True:
            job = self._jobs.get()
            try:
                job()
            except Exception:  # a job hands its own errors to its caller; this thread must live on
                pass
            finally:
                with self._lock:
                    self._idle += 1
                    self._busy -= 1
                    self._quiet.notify_all()


WORKERS = Workers()


@dataclass(frozen=True)
class Unfinished:
    """The caller stopped waiting for a statement: Ctrl+C in the waiting thread (`interrupted`,
    after `on_interrupt` had `STOP_GRACE_S`), or the wait ran out (the statement goes on, abandoned)."""

    interrupted: bool
    elapsed_ms: float


def run_bounded(statement: Callable[[], T], wait_s: float, on_interrupt: Callable[[], None]) -> T | Unfinished:
    """`statement()` on a worker while the caller waits at most `wait_s`; its exception is raised
    here. The statement's own watchdog cancels it; this is the caller's backstop when the engine
    does not stop (a function with no interrupt point)."""
    done = threading.Event()
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["value"] = statement()
        except BaseException as exc:
            outcome["error"] = exc
        finally:
            done.set()

    started = time.perf_counter()
    WORKERS.run(work)
    try:
        finished = done.wait(wait_s)
    except KeyboardInterrupt:
        on_interrupt()
        done.wait(STOP_GRACE_S)
        return Unfinished(True, (time.perf_counter() - started) * 1000)
    if not finished:
        return Unfinished(False, (time.perf_counter() - started) * 1000)
    if "error" in outcome:
        raise outcome["error"]
    value: T = outcome["value"]
    return value
