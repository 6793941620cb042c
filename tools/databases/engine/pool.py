"""The engine processes of one opened database, shared by the threads that query it.

Batch and eval run several questions at once on one database, so a request borrows an idle
engine or starts another, and only the engine running a runaway statement is killed. The memory
ceiling (`--max-memory`) is for all of them together: each engine may map the ceiling divided by
the number of engines (at least `MIN_ENGINE_MEMORY`), re-divided with prlimit when one starts or
ends; the engine's package makes each engine's spec for its share (DuckDB keeps its buffer pool
below it: `tools.databases.duckdb.database.engine_spec`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from tools.databases.engine.process import EngineProcess

MIN_ENGINE_MEMORY = 512 * 1024**2  # below this one engine cannot run ordinary queries


class EnginePool:
    """Engines for one database: `acquire` one per request, `release` it after."""

    def __init__(self, target: str, spec_for: Callable[[int, int], Any], label: str, max_memory: int) -> None:
        """`spec_for(serial, ceiling)`: the spec of the `serial`th engine, allowed `ceiling` bytes."""
        self._target = target
        self._spec_for = spec_for
        self._label = label
        self._max_memory = max_memory
        self._lock = threading.Lock()
        self._idle: list[EngineProcess] = []
        self._all: list[EngineProcess] = []
        self._serial = 0
        self._closed = False

    def acquire(self) -> EngineProcess:
        """An idle engine, or a new one (its open errors raise DatabaseOpenError)."""
        with self._lock:
            while self._idle:
                engine = self._idle.pop()
                if not engine.dead:
                    return engine
            self._serial += 1
            serial = self._serial
            count = len(self._all) + 1
        engine = EngineProcess(self._target, self._spec_for(serial, self.share(count)), self._label)
        with self._lock:
            self._all.append(engine)
            closed = self._closed
        if closed:
            engine.close()
        self._rebalance()
        return engine

    def release(self, engine: EngineProcess) -> None:
        """Back to the idle list, or forgotten when it died (killed at a limit, crashed)."""
        with self._lock:
            if engine.dead or self._closed:
                if engine in self._all:
                    self._all.remove(engine)
                drop = True
            else:
                self._idle.append(engine)
                drop = False
        if drop:
            engine.close()
            self._rebalance()

    def engines(self) -> list[EngineProcess]:
        with self._lock:
            return list(self._all)

    def busy(self) -> list[EngineProcess]:
        with self._lock:
            return [e for e in self._all if e not in self._idle and not e.dead]

    def share(self, count: int) -> int:
        """Each engine's ceiling when `count` engines run (0: no ceiling)."""
        if self._max_memory <= 0:
            return 0
        return max(MIN_ENGINE_MEMORY, self._max_memory // max(count, 1))

    def _rebalance(self) -> None:
        with self._lock:
            engines = [e for e in self._all if not e.dead]
        ceiling = self.share(len(engines))
        for engine in engines:
            engine.set_memory_ceiling(ceiling)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            engines, self._all, self._idle = self._all, [], []
        for engine in engines:
            engine.close()
