"""PostgreSQL through a checked read-only role, each query in a READ ONLY snapshot under limits.

A READ ONLY transaction does not contain a superuser (server files, programs) nor a role that can
write (`SET TRANSACTION READ WRITE`, `COMMIT; DELETE ...`), so every new connection checks the role
and refuses with the SQL that makes a proper one (notes/security.md §3; role.py). Each
query then runs as `DECLARE ... CURSOR FOR <sql>` over the extended protocol, which the server
accepts only for one query (no SET, COMMIT, DML or second statement), inside `BEGIN ... READ ONLY`
with the snapshot already taken (connection.py), and is rolled back afterwards. psycopg is
imported lazily: it is an optional extra.
"""

from __future__ import annotations

import functools
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from tools.catalog import (
    Catalog,
    Context,
    scrub_hidden,
    without_columns,
)
from tools.catalog.context import load_sidecar, with_context
from tools.databases.base import (
    DatabaseOpenError,
    Limits,
    QueryError,
    QueryResult,
    ResultColumn,
    StreamError,
)
from tools.databases.error_classes import ErrorClass, from_sqlstate
from tools.databases.fetch import catalog_digest, close_quietly, fetch_capped, hidden_names, ms_since
from tools.databases.postgres.cancel import Watch, Watches
from tools.databases.postgres.connection import (
    ConnectionPool,
    connection_params,
    describe_error,
    display_dsn,
    lost_message,
)
from tools.databases.postgres.role import SessionSettings
from tools.databases.workers import STOP_GRACE_S, Unfinished, run_bounded
from tools.guard.problems import Problem

FETCH_CHUNK = 512
T = TypeVar("T")

TIMEOUT_MARGIN_MS = 2000  # the server's statement_timeout is a backstop behind the client's cancel


def open_postgres(
    dsn: str,
    *,
    exclude_tables: tuple[str, ...] = (),
    exclude_columns: tuple[str, ...] = (),
    connect_timeout: int = 10,
    application_name: str = "analyst",
    settings: SessionSettings = SessionSettings(),
    context_file: Path | None = None,
) -> PostgresDatabase:
    """Connect, apply and verify the session settings, and refuse a role that can do more than read."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise DatabaseOpenError("PostgreSQL support is not installed", "pip install 'analyst[postgres]'") from None
    params = connection_params(dsn)
    defaults = {
        "connect_timeout": str(connect_timeout),
        "application_name": application_name,
        "keepalives": "1",
        "keepalives_idle": "30",
        "keepalives_interval": "10",
        "keepalives_count": "3",
    }
    return PostgresDatabase(params, defaults, exclude_tables, settings, context_file, exclude_columns)


class PostgresDatabase:
    """One opened PostgreSQL database: its catalog, and checked queries on pooled connections.

    Batch workers share one database object; each query borrows its own connection from the pool
    (connection.py) for one rolled-back transaction, and a watchdog cancels it at the limit.
    """

    dialect = "postgres"

    def __init__(
        self,
        dsn_params: dict[str, str],
        defaults: dict[str, str],
        exclude_tables: tuple[str, ...] = (),
        settings: SessionSettings = SessionSettings(),
        context_file: Path | None = None,
        exclude_columns: tuple[str, ...] = (),
    ) -> None:
        self.uri = display_dsn(dsn_params)
        self.exclude_tables = exclude_tables
        self.exclude_columns = exclude_columns
        # The URL wins over our defaults; the pool holds the password (never logged, never in repr).
        self._pool = ConnectionPool({**defaults, **dsn_params}, settings, self.uri)
        self._secrets = self._pool.secrets
        self._settings = settings
        self._context = load_sidecar(context_file)  # read at open: a bad file is one line now
        self._catalog_lock = threading.Lock()
        self._watches = Watches()
        self._names = itertools.count(1)
        self._types: dict[int, str] = {}
        self._catalog: Catalog | None = None
        info = self._pool.open()
        # Show where we really are (PGHOST/PGUSER/service files fill in what the URL left out).
        self.uri = display_dsn(
            {**dsn_params, "host": info.host, "port": str(info.port), "user": info.user, "dbname": info.dbname}
        )
        self._pool.uri = self.uri

    def __repr__(self) -> str:
        return f"PostgresDatabase({self.uri!r})"

    # -- catalog -----------------------------------------------------------------------------

    def catalog(self) -> Catalog:
        """Introspect once per open database, in one READ ONLY snapshot."""
        with self._catalog_lock:
            if self._catalog is None:
                self._catalog = self._load_catalog()
        return self._catalog

    def _load_catalog(self) -> Catalog:
        """Read in one snapshot, under the time limit like any query (the server's
        statement_timeout per statement, a cancel at the limit for the whole read, and a bounded
        wait), so a slow catalog never holds the person longer than their own query could."""
        limits = Limits(timeout_s=self._settings.statement_timeout_s)
        catalog = self._bounded(lambda: self._read_catalog(limits), limits)
        if isinstance(catalog, QueryError):
            raise DatabaseOpenError(
                f"reading the catalog of {self.uri} took longer than the {limits.timeout_s:g} s time limit",
                "raise --timeout, or leave large schemas out with --exclude-tables",
            )
        if self._context != Context():
            catalog = with_context(catalog, self._context)
        return without_columns(catalog, self.exclude_columns)  # also the context's descriptions

    def _read_catalog(self, limits: Limits) -> Catalog:
        import psycopg

        from tools.databases.postgres.catalog import introspect

        begun = self._pool.begin(int(limits.timeout_s * 1000))
        if isinstance(begun, QueryError):
            raise DatabaseOpenError(
                f"cannot read the catalog of {self.uri}: {begun.message}", "check that the server is reachable"
            )
        try:
            with self._watches.timed(begun, limits.timeout_s):
                return introspect(begun, self.exclude_tables, self.exclude_columns)
        except psycopg.errors.QueryCanceled:
            raise DatabaseOpenError(
                f"reading the catalog of {self.uri} took longer than the {limits.timeout_s:g} s time limit",
                "raise --timeout, or leave large schemas out with --exclude-tables",
            ) from None
        except psycopg.Error as exc:
            raise DatabaseOpenError(
                f"cannot read the catalog of {self.uri}: {describe_error(exc, self._secrets)}",
                "check that the server is reachable and the role can read pg_catalog",
            ) from None
        finally:
            self._pool.end(begun)

    def fingerprint_source(self) -> str:
        """A hash of the catalog's shape and row counts: it changes when the schema or data does."""
        return catalog_digest(self.catalog())

    # -- checking and execution --------------------------------------------------------------

    def cross_check(self, sql: str) -> list[Problem]:
        """Let the server parse, plan and permission-check the exact text (DECLARE), without running it.

        Planning evaluates constant expressions, so this runs under the time limit like a query:
        the server's statement_timeout, the client's cancel at the limit, and a bounded wait."""
        limits = Limits(timeout_s=self._settings.statement_timeout_s)
        outcome = self._bounded(lambda: self._declare(sql, limits), limits)
        if isinstance(outcome, QueryError):
            if outcome.kind in ("timeout", "interrupted"):
                return [Problem.from_engine("PostgreSQL took too long to plan this query; simplify it")]
            return [Problem.from_engine(f"PostgreSQL could not check the query: {outcome.message}")]
        return outcome

    def _declare(self, sql: str, limits: Limits) -> list[Problem] | QueryError:
        import psycopg

        begun = self._pool.begin(int(limits.timeout_s * 1000))
        if isinstance(begun, QueryError):
            return begun
        try:
            with self._watches.timed(begun, limits.timeout_s):
                cur = begun.cursor(name=f"analyst_check_{next(self._names)}")
                try:
                    cur.execute(sql)
                finally:
                    close_quietly(cur)
        except psycopg.errors.QueryCanceled:
            return QueryError("timeout", "planning stopped at the time limit")
        except psycopg.Error as exc:
            if begun.closed:
                return QueryError("error", lost_message(exc, self._secrets))
            message = f"PostgreSQL rejects this query: {describe_error(exc, self._secrets)}"
            return [Problem.from_engine(scrub_hidden(message, self._hidden_names(), sql))]
        finally:
            self._pool.end(begun)
        return []

    def reads_alike(self, typed: str, checked: str) -> bool:
        """Whether the server plans both texts identically (`EXPLAIN (VERBOSE, COSTS false)`
        names every expression, function and cast it will evaluate). The DECLARE cross-check
        only proves the typed text is one plannable query; the function allowlist and the
        hidden-column rules judged sqlglot's reading, so a text the server lexes differently
        (a quote, an escape or a comment read another way) must not run in its place."""
        limits = Limits(timeout_s=self._settings.statement_timeout_s, max_rows=10_000, max_cell_bytes=1_000_000)
        plans = []
        for text in (typed, checked):
            explain = functools.partial(
                self._supervised, f"EXPLAIN (VERBOSE, COSTS false) {text}", limits, server_cursor=False
            )
            plan = self._bounded(explain, limits)
            if isinstance(plan, QueryError) or plan.truncated:
                return False
            plans.append(plan.rows)
        return plans[0] == plans[1]

    def execute(self, sql: str, limits: Limits) -> QueryResult | QueryError:
        """Run one checked query through a server-side cursor; a watchdog cancels it at the limit."""
        return self._bounded(lambda: self._supervised(sql, limits, server_cursor=True), limits)

    def explain(self, sql: str, limits: Limits) -> QueryResult | QueryError:
        """The plan of a checked query as rows, nothing executed.

        `EXPLAIN` cannot go through DECLARE, so it is sent over the extended protocol (one
        statement only) with ANALYZE spelled out as false; callers pass the query, not `EXPLAIN`.
        """
        return self._bounded(
            lambda: self._supervised(f"EXPLAIN (ANALYZE false, FORMAT TEXT) {sql}", limits, server_cursor=False), limits
        )

    def _bounded(self, statement: Callable[[], T], limits: Limits) -> T | QueryError:
        """Run `statement` on a worker (tools/databases/workers.py): a server that has not stopped
        it `STOP_GRACE_S` after the cancel (a function with no interrupt point) no longer holds the
        caller; its backend is then terminated, and its connection is dropped when the server lets
        go of it."""
        outcome = run_bounded(statement, limits.timeout_s + STOP_GRACE_S, self.interrupt)
        if not isinstance(outcome, Unfinished):
            return outcome
        if outcome.interrupted:
            return QueryError("interrupted", "query interrupted", outcome.elapsed_ms)
        self._watches.terminate_cancelled(self._pool.terminate)
        return QueryError(
            "timeout",
            f"query stopped at the {limits.timeout_s:g} s time limit (the server did not stop it when "
            "cancelled, so its backend was terminated)",
            outcome.elapsed_ms,
        )

    def _supervised(self, sql: str, limits: Limits, *, server_cursor: bool) -> QueryResult | QueryError:
        import psycopg

        started = time.perf_counter()
        begun = self._pool.begin(int(limits.timeout_s * 1000) + TIMEOUT_MARGIN_MS)
        if isinstance(begun, QueryError):
            return QueryError(begun.kind, begun.message, ms_since(started))
        conn = begun
        try:
            with self._watches.timed(conn, limits.timeout_s) as watch:
                try:
                    return self._run(conn, sql, limits, started, server_cursor)
                except psycopg.Error as exc:
                    failure = self._failure(exc, conn, watch, limits, started)
            hidden = self._hidden_names()
            return replace(failure, message=scrub_hidden(failure.message, hidden, sql)) if hidden else failure
        finally:
            self._pool.end(conn)

    def _run(self, conn: Any, sql: str, limits: Limits, started: float, server_cursor: bool) -> QueryResult:
        cur = conn.cursor(name=f"analyst_{next(self._names)}") if server_cursor else conn.cursor()
        try:
            if server_cursor:
                cur.execute(sql)
            else:
                cur.execute(sql, binary=True)  # binary forces the extended protocol: one statement
            description = list(cur.description or ())
            rows, truncated = fetch_capped(cur, limits, FETCH_CHUNK)
        finally:
            close_quietly(cur)
        columns = tuple(ResultColumn(d.name, self._type_name(conn, d.type_code)) for d in description)
        return QueryResult(columns, tuple(rows), truncated, ms_since(started))

    def stream(self, sql: str, timeout_s: float) -> Any:
        """Every row of `sql` in chunks through a server-side cursor (stream.py);
        raises StreamError. The connection stays borrowed until the stream is closed."""
        from tools.databases.postgres.stream import PostgresRowStream

        started = time.perf_counter()
        begun = self._pool.begin(int(timeout_s * 1000) + TIMEOUT_MARGIN_MS)
        if isinstance(begun, QueryError):
            raise StreamError(begun.kind, begun.message)
        conn, watch = begun, self._watches.add(begun)

        def failure(exc: Exception) -> StreamError:
            failed = self._failure(exc, conn, watch, Limits(timeout_s=timeout_s), started)
            return StreamError(failed.kind, scrub_hidden(failed.message, self._hidden_names(), sql))

        def release() -> None:
            self._watches.remove(watch)
            self._pool.end(conn)

        return PostgresRowStream(
            conn,
            watch,
            sql,
            timeout_s,
            cursor_name=f"analyst_export_{next(self._names)}",
            type_name=lambda oid: self._type_name(conn, oid),
            failure=failure,
            release=release,
        )

    def _type_name(self, conn: Any, oid: int) -> str:
        """SQL type names (`integer`, `numeric`) from OIDs, looked up once per type and cached."""
        if oid not in self._types:
            try:
                rows = conn.execute(
                    "SELECT t.oid::int8, pg_catalog.format_type(t.oid, NULL) FROM pg_catalog.pg_type t WHERE t.oid = %s::oid",
                    [oid],
                ).fetchall()
            except Exception:
                info = conn.adapters.types.get(oid) if not conn.closed else None
                return info.name if info is not None else str(oid)
            self._types.update({int(o): str(n) for o, n in rows})
        return self._types.get(oid, str(oid))

    def _failure(self, exc: Exception, conn: Any, watch: Watch, limits: Limits, started: float) -> QueryError:
        import psycopg

        elapsed = ms_since(started)
        if conn.closed:
            return QueryError("error", lost_message(exc, self._secrets), elapsed, ErrorClass.CONNECTION)
        if isinstance(exc, psycopg.errors.QueryCanceled):
            if watch.reason == "timeout" or "statement timeout" in str(exc):
                return QueryError("timeout", f"query stopped at the {limits.timeout_s:g} s time limit", elapsed)
            if watch.reason == "interrupt":
                return QueryError("interrupted", "query interrupted", elapsed)
            return QueryError("error", "the query was canceled by the PostgreSQL server or an administrator", elapsed)
        return QueryError(
            "error", describe_error(exc, self._secrets), elapsed, from_sqlstate(getattr(exc, "sqlstate", None))
        )

    def _hidden_names(self) -> frozenset[str]:
        """Hidden column names, kept out of server messages ("Perhaps you meant ..." hints)."""
        return hidden_names(self.exclude_columns, self.catalog)

    def interrupt(self) -> None:
        """Cancel every query running on this database (batch workers share it)."""
        self._watches.cancel_all("interrupt")

    def close(self) -> None:
        self._pool.close()
