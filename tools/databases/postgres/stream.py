"""Every row of one query on PostgreSQL, in chunks, for exports.

The same guarantees as `PostgresDatabase.execute`: a pooled connection of the checked read-only
role, inside `BEGIN ... READ ONLY` with the snapshot taken, the query as a server-side cursor
(`DECLARE`, so only one query can run), a watchdog that cancels at the limit, and a rollback when
the stream closes.  There is no row cap and no cell clipping: an export wants every value whole.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

from tools.databases.base import ResultColumn, StreamError
from tools.databases.fetch import EXPORT_CHUNK_ROWS, close_quietly


class PostgresRowStream:
    """One streamed query; `PostgresDatabase.stream` makes it with its connection and cancel switch.

    `failure` turns a psycopg error into the StreamError to raise (it knows whether the watchdog
    or an interrupt cancelled the query); `release` rolls back and returns the connection.
    """

    def __init__(
        self,
        conn: Any,
        watch: Any,
        sql: str,
        timeout_s: float,
        *,
        cursor_name: str,
        type_name: Callable[[int], str],
        failure: Callable[[Exception], StreamError],
        release: Callable[[], None],
        chunk_rows: int = EXPORT_CHUNK_ROWS,
    ) -> None:
        import psycopg

        self._watch = watch
        self._failure = failure
        self._release = release
        self._chunk_rows = chunk_rows
        self._cursor: Any = None
        self._closed = False
        self._watchdog = threading.Timer(timeout_s, watch.cancel, args=("timeout",))
        self._watchdog.daemon = True
        self._watchdog.start()
        try:
            self._cursor = conn.cursor(name=cursor_name)
            self._cursor.execute(sql)
            description = list(self._cursor.description or ())
            self.columns = tuple(ResultColumn(d.name, type_name(d.type_code)) for d in description)
        except BaseException as exc:
            self.close()
            if isinstance(exc, psycopg.Error):
                raise self._failure(exc) from None
            raise

    def chunks(self) -> Iterator[list[tuple[Any, ...]]]:
        import psycopg

        while True:
            if self._watch.reason == "interrupt":  # cancelled between fetches: nothing was running
                raise StreamError("interrupted", "query interrupted")
            try:
                chunk = self._cursor.fetchmany(self._chunk_rows)
            except psycopg.Error as exc:
                raise self._failure(exc) from None
            if not chunk:
                return
            yield chunk

    def cancel(self) -> None:
        self._watch.cancel("interrupt")

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._watchdog.cancel()
        if self._cursor is not None:
            close_quietly(self._cursor)
        self._release()
