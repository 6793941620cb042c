"""A SQLite file: its catalog, and checked queries run under limits on hardened connections.

One connection per statement (connection.py), opened read-only with the authorizer of the kept
catalog: a statement's stop switch (its progress handler and `sqlite3_interrupt`) then belongs to
that statement alone, batch workers never wait on each other's connection, and a statement
abandoned at its time limit (one call of `instr` over two long values has no point where SQLite
checks for an interrupt) closes its own connection when it ends, while the database goes on.
Opening costs well under a millisecond on a small schema. Statements run on the worker threads of
tools/databases/workers.py, so the caller gets its answer at the time limit whatever SQLite does.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from tools.catalog import Catalog, Context, scrub_hidden, without_columns
from tools.catalog.context import context_path_for, load_sidecar, with_context
from tools.databases.base import DatabaseOpenError, Limits, QueryError, QueryResult, ResultColumn
from tools.databases.error_classes import ErrorClass
from tools.databases.fetch import catalog_digest, fetch_capped, hidden_names, ms_since
from tools.databases.sqlite.authorizer import OPERATOR_FUNCTIONS, ReadPolicy
from tools.databases.sqlite.connection import Stop, ValueLimits, check_sqlite_file, clean_error, connect
from tools.databases.sqlite.errors import DENIED_MESSAGE, error_class, is_denied
from tools.databases.sqlite.program import HiddenLayout, hidden_layout, reads_hidden
from tools.databases.workers import STOP_GRACE_S, WORKERS
from tools.guard.names import fold
from tools.guard.problems import Problem
from tools.sql_functions import safe_function_names

FETCH_CHUNK = 1_000
ROWID_NAMES = frozenset({"rowid", "oid", "_rowid_"})  # a hidden INTEGER PRIMARY KEY is the row id
CROSS_CHECK_TIMEOUT_S = 10.0


def open_sqlite(
    path: Path,
    exclude_tables: tuple[str, ...] = (),
    exclude_columns: tuple[str, ...] = (),
    value_limits: ValueLimits = ValueLimits(),
) -> SQLiteDatabase:
    """Open a SQLite file read-only; DatabaseOpenError (exit 4) when it cannot be."""
    path = path.expanduser()
    check_sqlite_file(path)
    return SQLiteDatabase(path, exclude_tables, exclude_columns, value_limits)


def result_types(rows: list[tuple[Any, ...]], width: int) -> list[str]:
    """A column's type from the storage classes of its values in `rows` (SQLite types values,
    not columns, and the sqlite3 module does not expose a result column's declared type):
    INTEGER, REAL (integers and reals mixed, as a NUMERIC column stores them), TEXT, BLOB, NULL
    (no value seen) or ANY (text and numbers mixed)."""
    names = {int: "INTEGER", float: "REAL", str: "TEXT", bytes: "BLOB"}
    types = []
    for i in range(width):
        seen = {names.get(type(row[i]), "ANY") for row in rows if row[i] is not None}
        if seen == {"INTEGER", "REAL"}:
            seen = {"REAL"}
        types.append(seen.pop() if len(seen) == 1 else ("NULL" if not seen else "ANY"))
    return types


class SQLiteDatabase:
    """One read-only SQLite file; every statement on a connection of its own, under a watchdog."""

    dialect = "sqlite"

    def __init__(
        self, path: Path, exclude_tables: tuple[str, ...], exclude_columns: tuple[str, ...], value_limits: ValueLimits
    ) -> None:
        self.path = path.resolve()
        self.uri = str(self.path)
        self.exclude_tables = exclude_tables
        self.exclude_columns = exclude_columns
        self.notices: tuple[str, ...] = ()
        self._limits = value_limits
        self._functions = safe_function_names("sqlite") | OPERATOR_FUNCTIONS
        self._context = load_sidecar(context_path_for(self.path))  # a malformed file is one line now
        connect(self.path, ReadPolicy(tables=frozenset(), functions=frozenset()), value_limits).close()
        self._catalog: Catalog | None = None
        self._policy: ReadPolicy | None = None
        self._relations: frozenset[str] = frozenset()
        self._layout = HiddenLayout({}, {})
        self._catalog_lock = threading.Lock()
        self._lock = threading.Lock()
        self._running: set[Stop] = set()

    def __repr__(self) -> str:
        return f"SQLiteDatabase({self.uri!r})"

    # -- catalog -----------------------------------------------------------------------------

    def catalog(self) -> Catalog:
        """Introspect once per open database (catalog.py)."""
        with self._catalog_lock:
            if self._catalog is None:
                self._catalog = self._load_catalog()
        return self._catalog

    def _load_catalog(self) -> Catalog:
        from tools.databases.sqlite.catalog import introspect

        con = connect(self.path, ReadPolicy(tables=frozenset(), functions=frozenset()), self._limits)
        try:
            catalog = introspect(con, self.exclude_tables, self.exclude_columns, self._functions)
            names = con.execute("SELECT name FROM sqlite_schema WHERE type IN ('table', 'view')").fetchall()
            self._relations = frozenset(fold(str(n)) for (n,) in names)
            hidden = {fold(t.name): frozenset(fold(c) for c in t.hidden_columns) for t in catalog.tables}
            excluded = self._relations - {fold(t.name) for t in catalog.tables}
            self._layout = hidden_layout(con, hidden, excluded)
        finally:
            con.close()
        if self._context != Context():
            catalog = with_context(catalog, self._context)
        return without_columns(catalog, self.exclude_columns)

    def read_policy(self) -> ReadPolicy:
        """What the authorizer lets statements read: the kept tables and views, minus hidden columns."""
        catalog = self.catalog()
        with self._catalog_lock:
            if self._policy is None:
                self._policy = ReadPolicy(
                    tables=frozenset(fold(t.name) for t in catalog.tables),
                    hidden={
                        fold(t.name): frozenset(fold(c) for c in t.hidden_columns)
                        | (ROWID_NAMES if fold(t.name) in self._layout.rowid_tables else frozenset())
                        for t in catalog.tables
                    },
                    functions=self._functions,
                    relations=self._relations,
                )
            return self._policy

    def fingerprint_source(self) -> str:
        """A hash of the catalog's shape and row counts: it changes when the data changes."""
        return catalog_digest(self.catalog())

    # -- checking ----------------------------------------------------------------------------

    def cross_check(self, sql: str) -> list[Problem]:
        """SQLite compiles the exact text (`EXPLAIN` compiles and lists the program, running
        nothing) on a hardened connection, so its parser, its name resolution and the authorizer
        judge it, and its program is read for hidden columns the authorizer cannot see
        (program.py); more than one statement is refused by the sqlite3 module itself."""
        plan = self._explain(sql)
        if isinstance(plan, QueryError):
            return [Problem.from_engine(f"SQLite rejects this query: {plan.message}")]
        if reads_hidden(plan, self._layout):  # USING / NATURAL JOIN over a hidden column or excluded table
            return [Problem.from_engine(f"SQLite rejects this query: {DENIED_MESSAGE}")]
        return []

    def reads_alike(self, typed: str, checked: str) -> bool:
        """Whether SQLite compiles both texts to the same program (`EXPLAIN` lists every
        instruction with its table, column, function and constant), so running `typed` runs
        what the checker judged."""
        first, second = self._explain(typed), self._explain(checked)
        return not isinstance(first, QueryError) and not isinstance(second, QueryError) and first == second

    def _explain(self, sql: str) -> list[tuple[Any, ...]] | QueryError:
        outcome = self.execute(f"EXPLAIN {sql}", Limits(timeout_s=CROSS_CHECK_TIMEOUT_S, max_rows=1_000_000))
        if isinstance(outcome, QueryError):
            return outcome
        # the Init instruction may carry the statement's text for tracing: not part of the program
        return [row[:5] + (None,) + row[6:] if row[1] == "Init" else row for row in outcome.rows]

    # -- execution ---------------------------------------------------------------------------

    def execute(self, sql: str, limits: Limits) -> QueryResult | QueryError:
        """Run one checked statement on a fresh hardened connection, on a worker thread; its
        progress handler stops it at the limit, and the caller stops waiting `STOP_GRACE_S` later."""
        started = time.perf_counter()
        policy = self.read_policy()
        stop = Stop(limits.timeout_s)
        done = threading.Event()
        outcome: dict[str, Any] = {}

        def work() -> None:
            con = None
            try:  # opened here: a writer's lock holds this thread, not the caller
                con = connect(self.path, policy, self._limits, busy_s=min(5.0, limits.timeout_s))
                stop.attach(con)
                self.refuse_hidden_reads(con, sql)
                cursor = con.execute(sql)
                names = [d[0] for d in cursor.description or ()]
                outcome["result"] = (names, *fetch_capped(cursor, limits, FETCH_CHUNK))
            except BaseException as exc:
                outcome["error"] = exc
            finally:
                try:
                    with self._lock:
                        self._running.discard(stop)
                    if con is not None:
                        con.close()
                finally:
                    done.set()

        with self._lock:
            self._running.add(stop)
        WORKERS.run(work)
        try:
            finished = done.wait(limits.timeout_s)
            if not finished:
                stop.interrupt("timeout")
                finished = done.wait(STOP_GRACE_S)
        except KeyboardInterrupt:
            stop.interrupt()
            done.wait(STOP_GRACE_S)
            return QueryError("interrupted", "query interrupted", ms_since(started), ErrorClass.INTERRUPTED)
        elapsed = ms_since(started)
        if not finished:
            return QueryError(
                "timeout",
                f"query stopped at the {limits.timeout_s:g} s time limit (the engine could not "
                "stop it at once; it finishes in the background)",
                elapsed,
                ErrorClass.TIMEOUT,
            )
        error = outcome.get("error")
        if isinstance(error, DatabaseOpenError):
            message = clean_error(f"cannot open the database: {error.message}", self.path)
            return QueryError("error", message, elapsed, ErrorClass.CONNECTION)
        if error is not None:
            return self.failure(error, stop, limits.timeout_s, sql, elapsed)
        names, rows, truncated = outcome["result"]
        columns = tuple(ResultColumn(n, t) for n, t in zip(names, result_types(rows, len(names))))
        return QueryResult(columns, tuple(rows), truncated, elapsed)

    def refuse_hidden_reads(self, con: sqlite3.Connection, sql: str) -> None:
        """Raise SQLite's own denial when the statement's program reads a hidden column, an
        excluded table or sqlite_schema where the authorizer cannot see it (program.py); a
        statement that does not compile fails later, as it would anyway."""
        self.catalog()
        try:
            program = con.execute(f"EXPLAIN {sql}").fetchall()
        except (sqlite3.Error, sqlite3.Warning):
            return
        if reads_hidden(program, self._layout):
            raise sqlite3.DatabaseError("not authorized")

    def failure(self, error: BaseException, stop: Stop, timeout_s: float, sql: str, elapsed: float) -> QueryError:
        """A statement's exception as a QueryError; raises what is not SQLite's."""
        if not isinstance(error, (sqlite3.Error, sqlite3.Warning)):
            raise error
        if getattr(error, "sqlite_errorname", None) == "SQLITE_INTERRUPT" or stop.reason is not None:
            if stop.reason == "interrupt":
                return QueryError("interrupted", "query interrupted", elapsed, ErrorClass.INTERRUPTED)
            return QueryError(
                "timeout", f"query stopped at the {timeout_s:g} s time limit", elapsed, ErrorClass.TIMEOUT
            )
        if is_denied(error):
            return QueryError("error", DENIED_MESSAGE, elapsed, ErrorClass.PERMISSION)
        message = scrub_hidden(clean_error(str(error), self.path), self._hidden_names(), sql)
        return QueryError("error", message, elapsed, error_class(error))

    def stream(self, sql: str, timeout_s: float) -> Any:
        """Every row of `sql` in chunks (stream.py); raises StreamError."""
        from tools.databases.base import StreamError
        from tools.databases.sqlite.stream import SQLiteRowStream

        try:
            con = connect(self.path, self.read_policy(), self._limits)
        except Exception as exc:
            raise StreamError("error", f"cannot open the database: {exc}") from None
        stop = Stop(timeout_s, con)
        with self._lock:
            self._running.add(stop)

        def release() -> None:
            with self._lock:
                self._running.discard(stop)
            con.close()

        def failed(exc: BaseException) -> StreamError:
            error = self.failure(exc, stop, timeout_s, sql, 0.0)
            return StreamError(error.kind, error.message)

        return SQLiteRowStream(con, stop, sql, timeout_s, failed, release, self.refuse_hidden_reads)

    def _hidden_names(self) -> frozenset[str]:
        return hidden_names(self.exclude_columns, self.catalog)

    def interrupt(self) -> None:
        """Stop every statement running on this database (batch workers share it)."""
        with self._lock:
            running = list(self._running)
        for stop in running:
            stop.interrupt()

    def close(self) -> None:
        """Statements still running were stopped and close their own connections when they end."""
        self.interrupt()
