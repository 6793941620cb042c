"""Every row of one query on MySQL or MariaDB, in chunks, for exports.

The same guarantees as `MySQLDatabase.execute`: a pooled connection of the checked account inside
`START TRANSACTION READ ONLY` with the server's limit set, a watchdog that sends `KILL QUERY` at
the limit, and a rollback at the end. The cursor is unbuffered (PyMySQL's SSCursor), so rows come
as the server sends them; a stream closed before its last row kills the statement and drops the
connection instead of reading the rest (an SSCursor's close would drain every remaining row).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

from tools.databases.base import ResultColumn, StreamError
from tools.databases.fetch import EXPORT_CHUNK_ROWS, close_quietly
from tools.databases.mysql.types import column_types


class MySQLRowStream:
    """One streamed query; `failure` turns a PyMySQL error into the StreamError to raise, and
    `release(reusable)` rolls back and returns (or drops) the connection."""

    def __init__(
        self,
        conn: Any,
        watch: Any,
        sql: str,
        timeout_s: float,
        *,
        failure: Callable[[Exception], StreamError],
        release: Callable[[bool], None],
        chunk_rows: int = EXPORT_CHUNK_ROWS,
    ) -> None:
        import pymysql
        import pymysql.cursors

        self._watch = watch
        self._failure = failure
        self._release = release
        self._chunk_rows = chunk_rows
        self._cursor: Any = None
        self._finished = False
        self._closed = False
        self._watchdog = threading.Timer(timeout_s, watch.cancel, args=("timeout",))
        self._watchdog.daemon = True
        self._watchdog.start()
        try:
            self._cursor = conn.cursor(pymysql.cursors.SSCursor)
            self._cursor.execute(sql)
            names = [d[0] for d in self._cursor.description or ()]
            self.columns = tuple(ResultColumn(n, t) for n, t in zip(names, column_types(self._cursor)))
        except BaseException as exc:
            self._finished = False
            self.close()
            if isinstance(exc, pymysql.MySQLError):
                raise self._failure(exc) from None
            raise

    def chunks(self) -> Iterator[list[tuple[Any, ...]]]:
        import pymysql

        while True:
            if self._watch.reason == "interrupt":
                raise StreamError("interrupted", "query interrupted")
            try:
                chunk = self._cursor.fetchmany(self._chunk_rows)
            except pymysql.MySQLError as exc:
                raise self._failure(exc) from None
            if not chunk:
                self._finished = True
                return
            yield list(chunk)

    def cancel(self) -> None:
        self._watch.cancel("interrupt")

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._watchdog.cancel()
        if self._finished:
            close_quietly(self._cursor)
            self._release(True)
        else:
            if self._cursor is not None:
                self._watch.cancel("done")  # rows may be left: stop the server, do not drain them
            self._release(False)
