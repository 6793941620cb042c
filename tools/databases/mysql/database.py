"""MySQL and MariaDB through a checked read-only account, each query in a READ ONLY transaction
under limits.

A READ ONLY transaction does not contain an account with FILE, SUPER or write privileges, so every
new connection checks the account and refuses with the SQL that makes a proper one (grants.py).
Each query then runs alone (no multi-statements) inside `START TRANSACTION READ ONLY` with the
server's own statement limit set, on an unbuffered cursor so a large result never sits in memory;
a watchdog sends `KILL QUERY` from a second connection at the limit (cancel.py), and the
transaction is rolled back. PyMySQL is imported lazily: it is an optional extra.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from tools.catalog import Catalog, Context, scrub_hidden, without_columns
from tools.catalog.context import load_sidecar, with_context
from tools.databases.base import DatabaseOpenError, Limits, QueryError, QueryResult, ResultColumn, StreamError
from tools.databases.error_classes import ErrorClass
from tools.databases.fetch import catalog_digest, close_quietly, fetch_capped, hidden_names, ms_since
from tools.databases.mysql.cancel import Watch
from tools.databases.mysql.connection import ConnectionPool, close_connection
from tools.databases.mysql.errors import (
    QUERY_INTERRUPTED,
    TIMEOUT_CODES,
    describe_error,
    error_class,
    error_code,
    is_lost,
    lost_message,
)
from tools.databases.mysql.types import column_types
from tools.databases.mysql.url import display_url, parse_url
from tools.databases.workers import STOP_GRACE_S, Unfinished, run_bounded
from tools.guard.problems import Problem

T = TypeVar("T")
FETCH_CHUNK = 512
# Past the row cap, this much more of a result is read and dropped before giving up on it: a
# result that ends within it leaves a connection worth keeping; beyond it, KILL QUERY and a new
# connection (about 0.2 s here) are cheaper than reading on.
DRAIN_ROWS = 20_000
DRAIN_S = 0.05
SERVER_MARGIN_S = 2.0  # the server's own limit is a backstop behind the client's KILL QUERY
CROSS_CHECK_TIMEOUT_S = 10.0


def open_mysql(
    url: str,
    *,
    password: str | None = None,
    exclude_tables: tuple[str, ...] = (),
    exclude_columns: tuple[str, ...] = (),
    context_file: Path | None = None,
    catalog_timeout_s: float = 120.0,
) -> MySQLDatabase:
    """Connect, check the account and the session settings; `password` (from MYSQL_PWD or
    ~/.my.cnf, read by the shell) is used when the URL has none."""
    try:
        import pymysql  # noqa: F401
    except ImportError:
        raise DatabaseOpenError("MySQL support is not installed", "pip install 'analyst[mysql]'") from None
    target = parse_url(url)
    if target.password is None and password is not None:
        target = replace(target, password=password)
    return MySQLDatabase(target, exclude_tables, exclude_columns, context_file, catalog_timeout_s)


class MySQLDatabase:
    """One opened MySQL or MariaDB database: its catalog, and checked queries on pooled connections."""

    dialect = "mysql"

    def __init__(
        self,
        target: Any,
        exclude_tables: tuple[str, ...] = (),
        exclude_columns: tuple[str, ...] = (),
        context_file: Path | None = None,
        catalog_timeout_s: float = 120.0,
    ) -> None:
        self.uri = display_url(target)
        self.schema = target.database
        self.exclude_tables = exclude_tables
        self.exclude_columns = exclude_columns
        self._pool = ConnectionPool(target, self.uri)
        self._secrets = self._pool.secrets
        self._context = load_sidecar(context_file)
        self._catalog_timeout_s = catalog_timeout_s
        self._lock = threading.Lock()
        self._catalog_lock = threading.Lock()
        self._watches: set[Watch] = set()
        self._catalog: Catalog | None = None
        self.server = self._pool.open()

    def __repr__(self) -> str:
        return f"MySQLDatabase({self.uri!r})"

    # -- catalog -----------------------------------------------------------------------------

    def catalog(self) -> Catalog:
        """Introspect once per open database, in one READ ONLY transaction."""
        with self._catalog_lock:
            if self._catalog is None:
                self._catalog = self._load_catalog()
        return self._catalog

    def _load_catalog(self) -> Catalog:
        """Read in one READ ONLY transaction under the time limit like any query (the server's
        limit per statement, KILL QUERY at the limit for the whole read, a bounded wait), so a
        slow catalog never holds the person longer than their own query could."""
        limits = Limits(timeout_s=self._catalog_timeout_s)
        catalog = self._bounded(lambda: self._read_catalog(limits), limits)
        if isinstance(catalog, QueryError):
            raise DatabaseOpenError(
                f"reading the catalog of {self.uri} took longer than the {limits.timeout_s:g} s time limit",
                "raise --timeout, or leave large schemas out with --exclude-table",
            )
        if self._context != Context():
            catalog = with_context(catalog, self._context)
        return without_columns(catalog, self.exclude_columns)

    def _read_catalog(self, limits: Limits) -> Catalog:
        import pymysql

        from tools.databases.mysql.catalog import introspect

        begun = self._pool.begin(limits.timeout_s)
        if isinstance(begun, QueryError):
            raise DatabaseOpenError(f"cannot read the catalog of {self.uri}: {begun.message}", "check the server")
        watch = self._watch(begun)
        timer = threading.Timer(limits.timeout_s, watch.cancel, args=("timeout",))
        timer.daemon = True
        timer.start()
        try:
            catalog = introspect(begun, self.server, self.schema, self.exclude_tables, self.exclude_columns)
            if watch.reason is not None:  # a count or sample scan was killed and skipped: the limit passed
                raise pymysql.err.OperationalError(QUERY_INTERRUPTED, "killed at the time limit")
            return catalog
        except pymysql.MySQLError as exc:
            if watch.reason == "timeout" or error_code(exc) in TIMEOUT_CODES:
                raise DatabaseOpenError(
                    f"reading the catalog of {self.uri} took longer than the {limits.timeout_s:g} s time limit",
                    "raise --timeout, or leave large schemas out with --exclude-table",
                ) from None
            raise DatabaseOpenError(
                f"cannot read the catalog of {self.uri}: {describe_error(exc, self._secrets)}",
                "check that the server is reachable and the account can read information_schema",
            ) from None
        finally:
            timer.cancel()
            self._release(begun, watch, True)

    def fingerprint_source(self) -> str:
        return catalog_digest(self.catalog())

    # -- checking and execution --------------------------------------------------------------

    def cross_check(self, sql: str) -> list[Problem]:
        """Let the server parse, resolve and permission-check the exact text (`EXPLAIN`), under a
        time limit: the optimizer may evaluate a constant subquery while planning."""
        limits = Limits(timeout_s=CROSS_CHECK_TIMEOUT_S, max_rows=10_000, max_cell_bytes=100_000)
        plan = self._bounded(lambda: self._supervised(f"EXPLAIN {sql}", limits), limits)
        if isinstance(plan, QueryResult):
            return []
        if plan.kind == "timeout":
            return [Problem.from_engine("MySQL took too long to plan this query; simplify it")]
        if plan.error_class is ErrorClass.CONNECTION or plan.kind != "error":
            return [Problem.from_engine(f"MySQL could not check the query: {plan.message}")]
        return [Problem.from_engine(f"MySQL rejects this query: {plan.message}")]

    def reads_alike(self, typed: str, checked: str) -> bool:
        """Whether the server reads `typed` as the query the guard checked. MySQL runs what hides
        in a versioned comment (`/*! ... */`) and reads `#` as a comment, which sqlglot does
        not; its plans do not name every expression either. So only a text that, comments and
        all, tokenizes exactly like the checked one counts as alike."""
        from tools.databases.mysql.lexing import same_tokens

        return same_tokens(typed, checked)

    def execute(self, sql: str, limits: Limits) -> QueryResult | QueryError:
        """Run one checked query on an unbuffered cursor; a watchdog kills it at the limit."""
        return self._bounded(lambda: self._supervised(sql, limits), limits)

    def _bounded(self, statement: Callable[[], T], limits: Limits) -> T | QueryError:
        """Run `statement` on a worker (tools/databases/workers.py): a server that has not stopped
        it `STOP_GRACE_S` after the KILL QUERY no longer holds the caller; its connection is then
        killed too (KILL CONNECTION), and the server ends it at its next check."""
        outcome = run_bounded(statement, limits.timeout_s + STOP_GRACE_S, self.interrupt)
        if not isinstance(outcome, Unfinished):
            return outcome
        if outcome.interrupted:
            return QueryError("interrupted", "query interrupted", outcome.elapsed_ms, ErrorClass.INTERRUPTED)
        with self._lock:
            stuck = [w for w in self._watches if w.reason is not None]
        for watch in stuck:
            watch.terminate()
        return QueryError(
            "timeout",
            f"query stopped at the {limits.timeout_s:g} s time limit (the server did not stop it when "
            "killed, so its connection was killed too)",
            outcome.elapsed_ms,
            ErrorClass.TIMEOUT,
        )

    def _supervised(self, sql: str, limits: Limits) -> QueryResult | QueryError:
        import pymysql

        started = time.perf_counter()
        begun = self._pool.begin(limits.timeout_s + SERVER_MARGIN_S)
        if isinstance(begun, QueryError):
            return replace(begun, elapsed_ms=ms_since(started))
        conn = begun
        watch = self._watch(conn)
        watchdog = threading.Timer(limits.timeout_s, watch.cancel, args=("timeout",))
        watchdog.daemon = True
        watchdog.start()
        reusable = True
        try:
            result = self._run(conn, sql, limits, started, watch)
            if watch.reason is not None:  # killed: a killed BENCHMARK returns 0, not an error
                reusable = False
                if watch.reason in ("timeout", "interrupt"):
                    return self._failure(Exception(), watch, limits.timeout_s, started)
            return result
        except pymysql.MySQLError as exc:
            reusable = False
            failure = self._failure(exc, watch, limits.timeout_s, started)
            hidden = self._hidden_names()
            return replace(failure, message=scrub_hidden(failure.message, hidden, sql)) if hidden else failure
        finally:
            watchdog.cancel()
            self._release(conn, watch, reusable)

    def _run(self, conn: Any, sql: str, limits: Limits, started: float, watch: Watch) -> QueryResult:
        """Fetch up to the cap; rows still coming past the drain budget are never read: the
        statement is killed and the connection dropped before the cursor is let go (an
        unbuffered cursor's close, even by the garbage collector, reads every remaining row)."""
        import pymysql.cursors

        cur = conn.cursor(pymysql.cursors.SSCursor)
        more = False
        try:
            cur.execute(sql)
            names = [d[0] for d in cur.description or ()]
            types = column_types(cur)
            rows, truncated = fetch_capped(cur, limits, FETCH_CHUNK)
            more = truncated and not _drained(cur)
        finally:
            if more:
                watch.cancel("done")
                close_connection(conn)
            else:
                close_quietly(cur)
        columns = tuple(ResultColumn(n, t) for n, t in zip(names, types))
        return QueryResult(columns, tuple(rows), truncated, ms_since(started))

    def _watch(self, conn: Any) -> Watch:
        watch = Watch(conn.thread_id(), self._pool.side_connection)
        with self._lock:
            self._watches.add(watch)
        return watch

    def _release(self, conn: Any, watch: Watch, reusable: bool) -> None:
        watch.finish()
        with self._lock:
            self._watches.discard(watch)
        if reusable and watch.reason is None:
            self._pool.end(conn)
        else:  # a killed statement or an unread result: the connection is not worth keeping
            close_connection(conn)

    def stream(self, sql: str, timeout_s: float) -> Any:
        """Every row of `sql` in chunks on an unbuffered cursor (stream.py); raises StreamError.
        The connection stays borrowed until the stream is closed."""
        from tools.databases.mysql.stream import MySQLRowStream

        started = time.perf_counter()
        begun = self._pool.begin(timeout_s + SERVER_MARGIN_S)
        if isinstance(begun, QueryError):
            raise StreamError(begun.kind, begun.message)
        conn, watch = begun, self._watch(begun)

        def failure(exc: Exception) -> StreamError:
            failed = self._failure(exc, watch, timeout_s, started)
            return StreamError(failed.kind, scrub_hidden(failed.message, self._hidden_names(), sql))

        return MySQLRowStream(
            conn, watch, sql, timeout_s, failure=failure, release=lambda ok: self._release(conn, watch, ok)
        )

    def _failure(self, exc: BaseException, watch: Watch, timeout_s: float, started: float) -> QueryError:
        elapsed = ms_since(started)
        code = error_code(exc)
        if watch.reason == "timeout" or code in TIMEOUT_CODES:
            return QueryError(
                "timeout", f"query stopped at the {timeout_s:g} s time limit", elapsed, ErrorClass.TIMEOUT
            )
        if watch.reason == "interrupt":
            return QueryError("interrupted", "query interrupted", elapsed, ErrorClass.INTERRUPTED)
        if is_lost(exc):
            return QueryError("error", lost_message(exc, self._secrets), elapsed, ErrorClass.CONNECTION)
        if code == QUERY_INTERRUPTED:
            return QueryError("error", "the query was killed by the MySQL server or an administrator", elapsed)
        return QueryError("error", describe_error(exc, self._secrets), elapsed, error_class(exc))

    def _hidden_names(self) -> frozenset[str]:
        return hidden_names(self.exclude_columns, self.catalog)

    def interrupt(self) -> None:
        """Kill every statement running on this database (batch workers share it)."""
        with self._lock:
            watches = list(self._watches)
        for watch in watches:
            watch.cancel("interrupt")

    def close(self) -> None:
        self._pool.close()


def _drained(cursor: Any) -> bool:
    """Read and drop what is left of a capped result, within `DRAIN_ROWS` and `DRAIN_S`; True
    when it ended there (the connection can be reused), False when rows are still coming."""
    deadline = time.perf_counter() + DRAIN_S
    read = 0
    while read < DRAIN_ROWS and time.perf_counter() < deadline:
        try:
            chunk = cursor.fetchmany(FETCH_CHUNK)
        except Exception:  # a later row failed: the result the caller has stands, the connection goes
            return False
        if not chunk:
            return True
        read += len(chunk)
    return False
