"""One DuckDB engine process seen from analyst: start it, ask it, stop it, kill it if it must.

A request waits for its reply until its deadline; then the engine is interrupted, and if it has
not answered `KILL_GRACE_S` later it is killed (SIGKILL), so within the time limit plus about a
second the engine is no longer working, whatever the statement. The same happens on a person's
interrupt (another thread's `interrupt`, or Ctrl+C in the waiting thread). A killed or crashed
engine is `dead`; the pool starts another for the next query.

Processes come from a fork server (zygote.py): a clean single-threaded process that has
imported DuckDB once and forks each engine in ~30 ms. The engine's own loop is its package's
(`target`, e.g. `tools.databases.duckdb.engine_child:serve`); this module only needs that every
request gets one reply and `Interrupt` none.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.databases.base import DatabaseOpenError, QueryError
from tools.databases.engine.wire import Interrupt, Opened, OpenFailed

KILL_GRACE_S = 1.0  # after an interrupt, how long the engine gets to stop before it is killed
OPEN_TIMEOUT_S = 60.0  # opening a database file; past this the engine is killed
POLL_S = 0.05  # how often a waiting request checks for an interrupt and a dead engine


@dataclass(frozen=True)
class Stopped:
    """A request that got no reply: `reason` is "timeout", "interrupted" or "died"; `killed`
    says the engine was killed to stop it (it no longer exists)."""

    reason: str
    killed: bool


def stopped_error(reason: str, timeout_s: float, elapsed_ms: float, killed: bool = False) -> QueryError | None:
    """What the caller is told of a request stopped at its time limit or by an interrupt (None
    for an engine that died: each engine says why in its own words)."""
    if reason == "timeout":
        force = " (the engine could not stop it at once, so it was stopped by force)" if killed else ""
        return QueryError("timeout", f"query stopped at the {timeout_s:g} s time limit{force}", elapsed_ms)
    if reason == "interrupted":
        return QueryError("interrupted", "query interrupted", elapsed_ms)
    return None


class EngineProcess:
    """A started engine process and the pipe to it; one request at a time."""

    def __init__(self, target: str, spec: Any, label: str) -> None:
        from tools.databases.engine.zygote import FORK_SERVER, Launch

        self.spec = spec
        self.label = label
        self.pid = 0
        self._send_lock = threading.Lock()
        self._stop_reason: str | None = None
        self.dead = False
        try:
            self._pipe = FORK_SERVER.start_engine(Launch(target, spec))
        except OSError as exc:
            raise DatabaseOpenError(
                f"cannot start the engine process for {label}: {exc.strerror or exc}",
                "check that this Python can start processes (ulimit -u, free memory)",
            ) from None
        self.pid = self._await_open().pid

    def _await_open(self) -> Opened:
        reply = self.call(None, OPEN_TIMEOUT_S)
        if isinstance(reply, Opened):
            return reply
        self.kill()
        if isinstance(reply, OpenFailed):
            raise DatabaseOpenError(reply.message, reply.fix)
        if isinstance(reply, Stopped) and reply.reason == "timeout":
            raise DatabaseOpenError(
                f"opening {self.label} took longer than {OPEN_TIMEOUT_S:g} s", "check the disk and try again"
            )
        raise DatabaseOpenError(
            f"the engine process for {self.label} stopped while opening it",
            "raise --max-memory, or check that the file is a valid DuckDB database",
        )

    def call(self, request: Any, timeout_s: float) -> Any:
        """Send `request` (None: only wait) and wait for its reply, at most `timeout_s` before the
        interrupt and `KILL_GRACE_S` after it."""
        self._stop_reason = None
        if request is not None and not self._send(request):
            return self._died()
        deadline = time.monotonic() + timeout_s
        stopped_at: float | None = None
        while True:
            try:
                ready = self._pipe.poll(POLL_S)
            except (EOFError, OSError):
                return self._died()
            except KeyboardInterrupt:  # Ctrl+C in the waiting thread
                self.interrupt("interrupted")
                continue
            if ready:
                try:
                    reply = self._pipe.recv()
                except (EOFError, OSError):
                    return self._died()
                return reply
            if not self.alive():
                return self._died()
            now = time.monotonic()
            if self._stop_reason is None and now >= deadline:
                self.interrupt("timeout")
            if self._stop_reason is not None:
                stopped_at = stopped_at or now
                if now - stopped_at >= KILL_GRACE_S:
                    reason = self._stop_reason
                    self.kill()
                    return Stopped(reason, killed=True)

    def interrupt(self, reason: str = "interrupted") -> None:
        """Ask the engine to stop the running request (any thread); the waiting caller kills it
        if it has not stopped `KILL_GRACE_S` later. The first reason given is kept."""
        if self._stop_reason is None:
            self._stop_reason = reason
        self._send(Interrupt())

    @property
    def stop_reason(self) -> str | None:
        return self._stop_reason

    def _send(self, message: Any) -> bool:
        with self._send_lock:
            try:
                self._pipe.send(message)
            except (OSError, EOFError, ValueError):
                return False
        return True

    def _died(self) -> Stopped:
        self.kill()  # it may have closed its pipe without exiting yet
        return Stopped(self._stop_reason or "died", killed=False)

    def alive(self) -> bool:
        """Whether the process still exists (before it said Opened: whether its pipe is open)."""
        if not self.pid:
            return not self._pipe.closed
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except OSError:
            return True
        return True

    def set_memory_ceiling(self, ceiling: int) -> None:
        """Lower or raise the engine's memory cap while it runs (Linux prlimit)."""
        if ceiling <= 0 or self.dead:
            return
        with contextlib.suppress(ImportError, AttributeError, ValueError, OSError):
            import resource

            _, hard = resource.prlimit(self.pid, resource.RLIMIT_DATA)
            resource.prlimit(self.pid, resource.RLIMIT_DATA, (ceiling, hard))

    def peak_memory(self) -> int:
        """The engine's peak resident memory so far, in bytes (Linux; 0 where unknown)."""
        with contextlib.suppress(OSError, ValueError):
            status = Path(f"/proc/{self.pid}/status").read_text()
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        return 0

    def kill(self) -> None:
        """Stop the process now, whatever it is doing, and wait until it is gone (the fork
        server reaps it); it is dead afterwards."""
        self.dead = True
        if self.pid:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
            self._wait_gone(5.0)
        with contextlib.suppress(Exception):
            self._pipe.close()

    def close(self) -> None:
        """Let the process end by closing its pipe (it exits at once); kill it if it lingers."""
        self.dead = True
        with contextlib.suppress(Exception):
            self._pipe.close()
        if self.pid and not self._wait_gone(2.0):
            self.kill()

    def _wait_gone(self, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        while self.alive():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.005)
        return True


@contextlib.contextmanager
def borrowed(pool: Any) -> Iterator[EngineProcess]:
    """An engine from `pool` for one request, given back (or dropped, if it died) afterwards."""
    engine = pool.acquire()
    try:
        yield engine
    finally:
        pool.release(engine)
