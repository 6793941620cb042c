"""Every row of one query on the hardened DuckDB connection, in chunks, for exports.

A fresh cursor of the database's own connection (read-only, external access off, configuration
locked, exactly as constrained as the loop's queries), under the same kind of watchdog as
`DuckDBDatabase.execute`; there is no row cap and no cell clipping, because an export wants every
value whole.  DuckDB's COPY cannot run on that connection, so writing the file is the caller's job.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

from tools.databases.base import ResultColumn, StreamError
from tools.databases.fetch import EXPORT_CHUNK_ROWS


class DuckDBRowStream:
    """One streamed query; `DuckDBDatabase.stream` makes it and registers its cursor for interrupt."""

    def __init__(
        self,
        cursor: Any,
        sql: str,
        timeout_s: float,
        clean: Callable[[str], str],
        on_close: Callable[[], None],
        chunk_rows: int = EXPORT_CHUNK_ROWS,
    ) -> None:
        import duckdb

        self._cursor = cursor
        self._clean = clean
        self._on_close = on_close
        self._chunk_rows = chunk_rows
        self._timeout_s = timeout_s
        self._timed_out = threading.Event()
        self._cancelled = threading.Event()
        self._watchdog = threading.Timer(timeout_s, self._stop)
        self._watchdog.daemon = True
        self._watchdog.start()
        try:
            cursor.execute(sql)
        except BaseException as exc:
            self.close()
            if isinstance(exc, duckdb.Error):
                raise self._translate(exc) from None
            raise
        self.columns = tuple(ResultColumn(d[0], str(d[1])) for d in cursor.description or ())

    def _stop(self) -> None:
        self._timed_out.set()
        self._cursor.interrupt()

    def _translate(self, exc: Exception) -> StreamError:
        import duckdb

        if isinstance(exc, duckdb.InterruptException) or "interrupt" in str(exc).lower():
            if self._timed_out.is_set():
                return StreamError("timeout", f"query stopped at the {self._timeout_s:g} s time limit")
            return StreamError("interrupted", "query interrupted")
        return StreamError("error", self._clean(str(exc)))

    def chunks(self) -> Iterator[list[tuple[Any, ...]]]:
        import duckdb

        while True:
            if self._cancelled.is_set():
                raise StreamError("interrupted", "query interrupted")
            try:
                chunk = self._cursor.fetchmany(self._chunk_rows)
            except duckdb.Error as exc:
                raise self._translate(exc) from None
            if not chunk:
                return
            yield chunk

    def cancel(self) -> None:
        self._cancelled.set()
        self._cursor.interrupt()

    def close(self) -> None:
        self._watchdog.cancel()
        try:
            self._cursor.close()
        except Exception:
            pass
        self._on_close()
