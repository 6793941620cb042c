"""The DuckDB engine process: one hardened read-only connection, serving one request at a time.

Why a process of its own: DuckDB notices an interrupt only between chunks of work, and one call
of some functions over one huge value is a single chunk, so a thread can be freed at the time
limit but the engine cannot; and DuckDB's `memory_limit` bounds its buffer manager, not every
allocation (a 40-character query reached 13.9 GB). A process can be killed, and its private
memory capped (`RLIMIT_DATA`): past the ceiling an allocation fails, DuckDB reports "Out of Memory"
and the process lives on; if anything still runs past the grace period the parent kills it
(tools/databases/engine/process.py) and starts another for the next query.

The main thread only reads the pipe, so an `Interrupt` reaches DuckDB while a request runs on
the worker thread, and the parent closing the pipe ends the process at once (`os._exit`), even
with a statement still inside the engine.
"""

from __future__ import annotations

import os
import queue
import signal
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from tools.databases.base import DatabaseOpenError, ResultColumn
from tools.databases.duckdb.connection import clean_error, connect
from tools.databases.duckdb.engine_wire import (
    CatalogRead,
    Chunk,
    Crashed,
    Done,
    EngineSpec,
    Execute,
    Failed,
    Introspect,
    Reply,
    Request,
    Rows,
    StreamClose,
    StreamNext,
    StreamOpen,
    StreamStarted,
)
from tools.databases.engine.memory import limit_memory
from tools.databases.engine.wire import Interrupt, Opened, OpenFailed
from tools.databases.error_classes import ErrorClass, from_duckdb
from tools.databases.fetch import CHUNK_BYTES, fetch_capped, row_bytes

FETCH_CHUNK = 10_000
CLIPPED_TYPES = ("VARCHAR", "BLOB", "JSON", "BIT")


def serve(pipe: Connection, spec: EngineSpec) -> None:
    """The engine process's whole life: open, then answer requests until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the whole process group; the parent decides
    limit_memory(spec.memory_ceiling)
    try:
        con = connect(
            Path(spec.path),
            spec.label,
            spec.settings,
            tuple(Path(p) for p in spec.data_files),
            Path(spec.temp_dir),
        )
    except DatabaseOpenError as exc:
        pipe.send(OpenFailed(exc.message, exc.fix))
        return
    engine = _Engine(pipe, con, spec)
    pipe.send(Opened(os.getpid()))
    worker = threading.Thread(target=engine.work, name="engine", daemon=True)
    worker.start()
    while True:
        try:
            message = pipe.recv()
        except (EOFError, OSError):
            os._exit(0)  # the parent is gone or done with us; a running statement must not outlive it
        if isinstance(message, Interrupt):
            engine.interrupt()
        else:
            engine.requests.put(message)


class _Engine:
    """The connection, the cursor of the running request, and an open export stream."""

    def __init__(self, pipe: Connection, con: Any, spec: EngineSpec) -> None:
        self.pipe = pipe
        self.con = con
        self.spec = spec
        self.requests: queue.SimpleQueue[Request] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._running: Any = None  # the cursor to interrupt
        self._stream: Any = None
        self._stream_hidden: frozenset[str] = frozenset()
        self._stream_sql = ""

    def interrupt(self) -> None:
        with self._lock:
            cursor = self._running
        if cursor is not None:
            cursor.interrupt()

    def work(self) -> None:
        while True:
            request = self.requests.get()
            try:
                reply = self._answer(request)
            except MemoryError:
                reply = Failed(False, "the query needed more memory than the engine may use", ErrorClass.RESOURCES)
            except Exception as exc:  # a bug: the parent raises it
                reply = Crashed(f"{type(exc).__name__}: {exc}")
            finally:
                with self._lock:
                    self._running = self._stream
            try:
                self.pipe.send(reply)
            except MemoryError:  # pickling a large reply near the cap
                del reply
                self.pipe.send(
                    Failed(False, "the result needed more memory than the engine may use", ErrorClass.RESOURCES)
                )

    def _answer(self, request: Request) -> Reply:
        if isinstance(request, Execute):
            return self._execute(request)
        if isinstance(request, Introspect):
            return self._introspect(request)
        if isinstance(request, StreamOpen):
            return self._stream_open(request)
        if isinstance(request, StreamNext):
            return self._stream_next(request)
        if isinstance(request, StreamClose):
            self._close_stream()
            return Done()
        raise TypeError(f"unknown request {type(request).__name__}")

    def _cursor(self) -> Any:
        cursor = self.con.cursor()
        with self._lock:
            self._running = cursor
        return cursor

    def _execute(self, request: Execute) -> Reply:
        import duckdb

        cursor = self._cursor()
        try:
            cursor.execute(request.sql)
            columns = tuple(ResultColumn(d[0], str(d[1])) for d in cursor.description or ())
            rows, truncated = fetch_capped(cursor, request.limits, FETCH_CHUNK, _text_columns(columns))
            return Rows(columns, tuple(rows), truncated)
        except duckdb.Error as exc:
            return self._failure(exc, request.hidden, request.sql)
        finally:
            cursor.close()

    def _introspect(self, request: Introspect) -> Reply:
        from tools.databases.duckdb.catalog import introspect

        cursor = self._cursor()
        try:
            catalog = introspect(
                cursor,
                request.exclude_tables,
                scan_views=request.scan_views,
                exclude_columns=request.exclude_columns,
                own_views=request.own_views,
            )
        finally:
            cursor.close()
        return CatalogRead(catalog)

    def _stream_open(self, request: StreamOpen) -> Reply:
        import duckdb

        self._close_stream()
        cursor = self._cursor()
        try:
            cursor.execute(request.sql)
        except duckdb.Error as exc:
            cursor.close()
            return self._failure(exc, request.hidden, request.sql)
        self._stream, self._stream_hidden, self._stream_sql = cursor, request.hidden, request.sql
        return StreamStarted(tuple(ResultColumn(d[0], str(d[1])) for d in cursor.description or ()))

    def _stream_next(self, request: StreamNext) -> Reply:
        """Up to `rows` rows, or fewer when they are wide: each chunk stays near CHUNK_BYTES."""
        import duckdb

        if self._stream is None:
            return Failed(False, "no export is open")
        rows: list[tuple[Any, ...]] = []
        size, held = 16, 0
        try:
            while len(rows) < request.rows and held < CHUNK_BYTES:
                got = self._stream.fetchmany(min(size, request.rows - len(rows)))
                if not got:
                    break
                rows.extend(got)
                widest = max(row_bytes(row) for row in got)
                held += sum(row_bytes(row) for row in got)
                size = max(1, CHUNK_BYTES // max(widest, 1))
        except duckdb.Error as exc:
            failure = self._failure(exc, self._stream_hidden, self._stream_sql)
            self._close_stream()
            return failure
        return Chunk(rows)

    def _close_stream(self) -> None:
        if self._stream is not None:
            try:
                self._stream.close()
            except Exception:
                pass
        self._stream = None

    def _failure(self, exc: Exception, hidden: frozenset[str], sql: str) -> Failed:
        import duckdb

        text = str(exc)
        if isinstance(exc, duckdb.InterruptException) or "interrupt" in text.lower():
            return Failed(True, "query interrupted", ErrorClass.INTERRUPTED)
        if isinstance(exc, duckdb.OutOfMemoryException):
            return Failed(False, "the query needed more memory than the engine may use", ErrorClass.RESOURCES)
        return Failed(False, clean_error(text, Path(self.spec.path), hidden, sql), from_duckdb(exc))


def _text_columns(columns: tuple[ResultColumn, ...]) -> list[int]:
    """Only text and binary columns can hold an oversized cell, so only they are clipped."""
    return [i for i, c in enumerate(columns) if c.type.upper().startswith(CLIPPED_TYPES)]
