"""A `Database` whose in-process engine runs in engine processes (hosted_child.py).

Every call waits with a deadline: a query's own time limit (the hosted database stops it there
itself, `HOST_MARGIN_S` earlier than this side interrupts), the database's time limit for the
catalog and the checks. A call that has not answered `KILL_GRACE_S` after the interrupt has its
process killed, and the next call gets a new one: a statement the engine cannot interrupt never
outlives its limit by more than about a second, and nothing it did stays in memory.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from tools.catalog import Catalog
from tools.databases.base import DatabaseOpenError, Limits, QueryError, QueryResult, ResultColumn, StreamError
from tools.databases.engine.hosted_child import TARGET, Call, HostSpec, Raised, Returned
from tools.databases.engine.pool import EnginePool
from tools.databases.engine.process import EngineProcess, Stopped, borrowed, stopped_error
from tools.databases.error_classes import ErrorClass
from tools.guard.problems import Problem

HOST_MARGIN_S = 0.25  # the hosted database's own timeout answers first; this side's interrupt is the backstop


class HostedDatabase:
    """The parent's side: the `Database` protocol, each call forwarded to an engine process."""

    def __init__(
        self, opener: str, args: tuple[Any, ...], kwargs: dict[str, Any], *, max_memory: int, timeout_s: float
    ) -> None:
        spec = HostSpec(opener, args, kwargs)
        self._timeout_s = timeout_s
        label = str(args[0]) if args else opener
        self._engines = EnginePool(
            TARGET, lambda serial, ceiling: replace(spec, memory_ceiling=ceiling), label, max_memory
        )
        self._catalog: Catalog | None = None
        self._catalog_lock = threading.Lock()
        with borrowed(self._engines) as engine:
            described = engine.call(Call("describe"), timeout_s)
        if not isinstance(described, Returned):
            self._engines.close()
            raise DatabaseOpenError(f"cannot open {label}: the engine did not answer", "try again")
        self.dialect, self.uri, self.notices = described.value

    def __repr__(self) -> str:
        return f"HostedDatabase({self.uri!r})"

    def _call(self, method: str, args: tuple[Any, ...], timeout_s: float) -> Returned | Raised | Stopped:
        with borrowed(self._engines) as engine:
            reply: Returned | Raised | Stopped = engine.call(Call(method, args), timeout_s)
        return reply

    def catalog(self) -> Catalog:
        """Read once, in an engine, under the time limit."""
        with self._catalog_lock:
            if self._catalog is None:
                reply = self._call("catalog", (), self._timeout_s)
                if isinstance(reply, Stopped):
                    raise DatabaseOpenError(
                        f"reading the catalog of {self.uri} took longer than the {self._timeout_s:g} s time limit",
                        "raise --timeout, or leave large tables out with --exclude-tables",
                    )
                self._catalog = self._value(reply)
        return self._catalog

    def cross_check(self, sql: str) -> list[Problem]:
        reply = self._call("cross_check", (sql,), self._timeout_s)
        if isinstance(reply, Stopped):
            return [Problem.from_engine("the engine took too long to check this query; simplify it")]
        problems: list[Problem] = self._value(reply)
        return problems

    def reads_alike(self, typed: str, checked: str) -> bool:
        reply = self._call("reads_alike", (typed, checked), self._timeout_s)
        return bool(self._value(reply)) if not isinstance(reply, Stopped) else False

    def fingerprint_source(self) -> str:
        reply = self._call("fingerprint_source", (), self._timeout_s)
        if isinstance(reply, Stopped):
            raise DatabaseOpenError(f"reading {self.uri} took longer than the time limit", "raise --timeout")
        return str(self._value(reply))

    def execute(self, sql: str, limits: Limits) -> QueryResult | QueryError:
        started = time.perf_counter()
        try:
            with borrowed(self._engines) as engine:
                reply = engine.call(Call("execute", (sql, limits)), limits.timeout_s + HOST_MARGIN_S)
        except DatabaseOpenError as exc:
            return QueryError("error", str(exc), (time.perf_counter() - started) * 1000, ErrorClass.CONNECTION)
        elapsed = (time.perf_counter() - started) * 1000
        if isinstance(reply, Stopped):
            stopped = stopped_error(reply.reason, limits.timeout_s, elapsed, reply.killed)
            return stopped or QueryError(
                "error",
                "the engine process ended unexpectedly (out of memory?); raise --max-memory",
                elapsed,
                ErrorClass.RESOURCES,
            )
        outcome: QueryResult | QueryError = self._value(reply)
        if isinstance(outcome, QueryError) and outcome.kind == "interrupted" and engine.stop_reason == "timeout":
            return replace(outcome, kind="timeout", message=f"query stopped at the {limits.timeout_s:g} s time limit")
        return outcome

    @staticmethod
    def _value(reply: Returned | Raised | Stopped) -> Any:
        if isinstance(reply, Returned):
            return reply.value
        if isinstance(reply, Raised):
            raise RuntimeError(f"the engine failed: {reply.message}")
        raise RuntimeError(f"the engine stopped ({reply.reason})")

    def stream(self, sql: str, timeout_s: float) -> HostedRowStream:
        return HostedRowStream(self._engines, sql, timeout_s)

    def interrupt(self) -> None:
        for engine in self._engines.busy():
            engine.interrupt("interrupted")

    def engine_pids(self) -> tuple[int, ...]:
        return tuple(e.pid for e in self._engines.engines() if e.alive())

    def close(self) -> None:
        self._engines.close()


class HostedRowStream:
    """An export from an engine process; the engine is held until `close`."""

    def __init__(self, engines: EnginePool, sql: str, timeout_s: float) -> None:
        self._engines = engines
        self._timeout_s = timeout_s
        self._deadline = time.monotonic() + timeout_s + HOST_MARGIN_S
        self._closed = False
        try:
            self._engine: EngineProcess = engines.acquire()
        except DatabaseOpenError as exc:
            raise StreamError("error", str(exc)) from None
        reply = self._next(Call("stream_open", (sql, timeout_s)))
        if not isinstance(reply, Returned):
            failure = self._failure(reply)
            self.close()
            raise failure
        self.columns: tuple[ResultColumn, ...] = reply.value

    def _next(self, call: Call) -> Returned | Raised | Stopped:
        reply: Returned | Raised | Stopped = self._engine.call(call, max(0.0, self._deadline - time.monotonic()))
        return reply

    def _failure(self, reply: Raised | Stopped) -> StreamError:
        if isinstance(reply, Raised):
            return StreamError(reply.stream_kind or "error", reply.message)
        if reply.reason == "timeout":
            return StreamError("timeout", f"query stopped at the {self._timeout_s:g} s time limit")
        if reply.reason == "interrupted":
            return StreamError("interrupted", "query interrupted")
        return StreamError("error", "the engine process ended unexpectedly (out of memory?); raise --max-memory")

    def chunks(self) -> Iterator[list[tuple[Any, ...]]]:
        while True:
            reply = self._next(Call("stream_next"))
            if not isinstance(reply, Returned):
                raise self._failure(reply)
            if not reply.value:
                return
            yield reply.value

    def cancel(self) -> None:
        self._engine.interrupt("interrupted")

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if not self._engine.dead and isinstance(self._engine.call(Call("stream_close"), 5.0), Stopped):
            self._engine.kill()
        self._engines.release(self._engine)
