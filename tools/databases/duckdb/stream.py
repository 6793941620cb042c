"""Every row of one query, in chunks, for exports, from an engine process.

The engine (engine_child.py) runs it on its hardened connection (read-only, external access off,
configuration locked, exactly as constrained as the loop's queries), under the same time limit
and kill as `DuckDBDatabase.execute`; there is no row cap and no cell clipping, because an export
wants every value whole. DuckDB's COPY cannot run on that connection, so writing the file is the
caller's job. The engine is held for the stream's whole life and given back at `close`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from tools.databases.base import DatabaseOpenError, StreamError
from tools.databases.duckdb.engine_wire import (
    Chunk,
    Crashed,
    Failed,
    StreamClose,
    StreamNext,
    StreamOpen,
    StreamStarted,
)
from tools.databases.engine.pool import EnginePool
from tools.databases.engine.process import Stopped
from tools.databases.fetch import EXPORT_CHUNK_ROWS


class DuckDBRowStream:
    """One streamed query; `DuckDBDatabase.stream` makes it."""

    def __init__(
        self,
        engines: EnginePool,
        sql: str,
        timeout_s: float,
        hidden: frozenset[str],
        chunk_rows: int = EXPORT_CHUNK_ROWS,
    ) -> None:
        self._engines = engines
        try:
            self._engine = engines.acquire()
        except DatabaseOpenError as exc:  # a new engine could not open it again (the files changed)
            raise StreamError("error", str(exc)) from None
        self._chunk_rows = chunk_rows
        self._timeout_s = timeout_s
        self._deadline = time.monotonic() + timeout_s
        self._closed = False
        reply = self._call(StreamOpen(sql, hidden))
        if not isinstance(reply, StreamStarted):
            failure = self._failure(reply)  # before close, which asks the engine again
            self.close()
            raise failure
        self.columns = reply.columns

    def _call(self, request: Any) -> Any:
        return self._engine.call(request, max(0.0, self._deadline - time.monotonic()))

    def _failure(self, reply: Any) -> StreamError:
        if isinstance(reply, Failed) and not reply.interrupted:
            return StreamError("error", reply.message)
        reason = reply.reason if isinstance(reply, Stopped) else self._engine.stop_reason or "interrupted"
        if reason == "timeout":
            return StreamError("timeout", f"query stopped at the {self._timeout_s:g} s time limit")
        if reason == "interrupted":
            return StreamError("interrupted", "query interrupted")
        if isinstance(reply, Crashed):
            return StreamError("error", f"the DuckDB engine failed: {reply.error}")
        return StreamError("error", "the DuckDB engine stopped (out of memory?); raise --max-memory or export less")

    def chunks(self) -> Iterator[list[tuple[Any, ...]]]:
        while True:
            reply = self._call(StreamNext(self._chunk_rows))
            if not isinstance(reply, Chunk):
                raise self._failure(reply)
            if not reply.rows:
                return
            yield reply.rows

    def cancel(self) -> None:
        self._engine.interrupt("interrupted")

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if not self._engine.dead:
            reply = self._engine.call(StreamClose(), 5.0)
            if isinstance(reply, Stopped):
                self._engine.kill()
        self._engines.release(self._engine)
