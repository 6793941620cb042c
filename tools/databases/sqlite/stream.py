"""Every row of one query on a hardened SQLite connection, in chunks, for exports.

The connection is the statement's own, as constrained as the loop's (read-only, `query_only`,
the catalog's authorizer, bounded values), with the same stop switch: the progress handler ends
the statement at the deadline, and a timer interrupts it too (for the b-tree walks the progress
handler does not see). There is no row cap and no cell clipping: an export wants every value whole.
The first chunk is read when the stream starts, so the columns carry types (SQLite types values).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from typing import Any

from tools.databases.base import ResultColumn, StreamError
from tools.databases.fetch import EXPORT_CHUNK_ROWS


class SQLiteRowStream:
    """One streamed query; `SQLiteDatabase.stream` makes it with its connection and stop switch.

    `failed` turns a sqlite3 error into the StreamError to raise; `release` closes the connection;
    `check` refuses a statement whose program reads a hidden column (program.py)."""

    def __init__(
        self,
        con: sqlite3.Connection,
        stop: Any,
        sql: str,
        timeout_s: float,
        failed: Callable[[BaseException], StreamError],
        release: Callable[[], None],
        check: Callable[[sqlite3.Connection, str], None],
        chunk_rows: int = EXPORT_CHUNK_ROWS,
    ) -> None:
        from tools.databases.sqlite.database import result_types

        self._stop = stop
        self._failed = failed
        self._release = release
        self._chunk_rows = chunk_rows
        self._closed = False
        self._cancelled = threading.Event()
        self._watchdog = threading.Timer(timeout_s, stop.interrupt, args=("timeout",))
        self._watchdog.daemon = True
        self._watchdog.start()
        try:
            check(con, sql)
            self._cursor = con.execute(sql)
            self._first = self._cursor.fetchmany(chunk_rows)
        except BaseException as exc:
            self.close()
            if isinstance(exc, (sqlite3.Error, sqlite3.Warning)):
                raise self._failed(exc) from None
            raise
        names = [d[0] for d in self._cursor.description or ()]
        self.columns = tuple(ResultColumn(n, t) for n, t in zip(names, result_types(self._first, len(names))))

    def chunks(self) -> Iterator[list[tuple[Any, ...]]]:
        chunk, self._first = self._first, []
        while chunk:
            yield chunk
            if self._cancelled.is_set():
                raise StreamError("interrupted", "query interrupted")
            try:
                chunk = self._cursor.fetchmany(self._chunk_rows)
            except (sqlite3.Error, sqlite3.Warning) as exc:
                raise self._failed(exc) from None

    def cancel(self) -> None:
        self._cancelled.set()
        self._stop.interrupt()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._watchdog.cancel()
        self._release()
