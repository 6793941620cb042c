"""A DuckDB database: its catalog, and checked queries run under limits on the hardened connection.

The connection itself (connection.py) is opened read-only with extension loading, replacement
scans and external access off, the configuration locked and read back; here each query runs on a
fresh cursor of it, on a worker thread, under a watchdog.
"""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path
from typing import Any

from tools.catalog import Catalog, Context, without_columns
from tools.catalog.context import context_path_for, load_sidecar, with_context
from tools.databases.base import DatabaseOpenError, Limits, QueryError, QueryResult, ResultColumn
from tools.databases.duckdb.catalog import introspect
from tools.databases.duckdb.connection import (
    EngineSettings,
    check_database_file,
    clean_error,
    connect,
    private_temp_dir,
)
from tools.databases.duckdb.file_views import DATA_SUFFIXES, build_view_catalog, data_files_in, ignored_in
from tools.databases.error_classes import from_duckdb
from tools.databases.fetch import catalog_digest, fetch_capped, hidden_names
from tools.databases.workers import STOP_GRACE_S, WORKERS
from tools.guard.problems import Problem

FETCH_CHUNK = 10_000
CLIPPED_TYPES = ("VARCHAR", "BLOB", "JSON", "BIT")
VIEW_SCAN_MAX_BYTES = 200_000_000  # views over more data than this are not counted or sampled


def open_duckdb(
    target: Path,
    cache_dir: Path,
    settings: EngineSettings = EngineSettings(),
    exclude_tables: tuple[str, ...] = (),
    exclude_columns: tuple[str, ...] = (),
) -> DuckDBDatabase:
    """Open a `.duckdb` file, or data files (one, or a folder of them) as views, read-only.

    The label (`uri`, which the session log records) is the absolute path: a replay or a
    `sessions show` from another folder must find the same database."""
    target = target.expanduser()
    if target.is_dir() or target.suffix.lower() in DATA_SUFFIXES:
        if not target.exists():
            raise DatabaseOpenError(f"data file not found: {target}", "check the path")
        opened = data_files_in(target)
        if not opened.files and opened.refused:
            raise DatabaseOpenError(
                f"no readable data file in {target}: {opened.refused[0].removeprefix('left out ')}",
                "open a folder that holds the data files themselves (links are followed only to data files inside it)",
            )
        if not opened.files:
            raise DatabaseOpenError(
                f"no CSV, Parquet or JSON files in {target}", "pass a folder that holds data files, or a .duckdb file"
            )
        files = list(opened.files)
        db_file, notices = build_view_catalog(files, cache_dir / "views", skip_unreadable=target.is_dir())
        database = DuckDBDatabase(
            db_file,
            cache_dir,
            settings,
            data_files=tuple(files),
            label=str(target.resolve()),
            exclude_tables=exclude_tables,
            exclude_columns=exclude_columns,
        )
        database.notices = (*opened.refused, *notices, *ignored_in(target))
        return database
    check_database_file(target)
    return DuckDBDatabase(
        target,
        cache_dir,
        settings,
        data_files=(),
        label=str(target.resolve()),
        exclude_tables=exclude_tables,
        exclude_columns=exclude_columns,
    )


class DuckDBDatabase:
    """One read-only DuckDB connection; each query runs on a fresh cursor under a watchdog."""

    dialect = "duckdb"

    def __init__(
        self,
        path: Path,
        cache_dir: Path,
        settings: EngineSettings,
        data_files: tuple[Path, ...],
        label: str,
        exclude_tables: tuple[str, ...] = (),
        exclude_columns: tuple[str, ...] = (),
    ) -> None:
        self.path = path.resolve()
        self.exclude_tables = exclude_tables
        self.exclude_columns = exclude_columns
        self.uri = label
        self.data_files = data_files
        self._settings = settings
        self.notices: tuple[str, ...] = ()  # what opening left out, for the person (files skipped, ...)
        self._temp_dir = private_temp_dir(cache_dir / "duckdb-tmp")
        # the sidecar is read at open, so a malformed file is one line now, not a crash later
        self._context = load_sidecar(context_path_for(self.path)) if not data_files else Context()
        self._con = connect(self.path, self.uri, settings, self.data_files, self._temp_dir)
        self._catalog: Catalog | None = None
        self._running: set[Any] = set()
        self._lock = threading.Lock()
        self._catalog_lock = threading.Lock()

    # -- catalog -----------------------------------------------------------------------------

    def catalog(self) -> Catalog:
        """Introspect once per open database: tables, columns, comments, keys, counts, samples."""
        with self._catalog_lock:
            if self._catalog is None:
                self._catalog = self._load_catalog()
        return self._catalog

    def _load_catalog(self) -> Catalog:
        small = sum(p.stat().st_size for p in self.data_files if p.exists()) <= VIEW_SCAN_MAX_BYTES
        catalog = introspect(
            self._con.cursor(),
            self.exclude_tables,
            scan_views=small,
            exclude_columns=self.exclude_columns,
            own_views=bool(self.data_files),
        )
        if self._context != Context():
            catalog = with_context(catalog, self._context)
        return without_columns(catalog, self.exclude_columns)  # also the context's descriptions

    def cross_check(self, sql: str) -> list[Problem]:
        """DuckDB's own parser on the exact text: its reasons, presented as the engine's."""
        from tools.databases.duckdb.cross_check import duckdb_cross_check

        return [Problem.from_engine(p.message) for p in duckdb_cross_check(sql, self.catalog())]

    def reads_alike(self, typed: str, checked: str) -> bool:
        """Always: the cross-check walks DuckDB's own parse of the typed text through the same
        statement, table, function and hidden-column rules, so the typed text is judged as the
        engine reads it; a second comparison would only refuse harmless spellings
        (`x IS NOT NULL` parses differently from the regenerated `NOT x IS NULL`)."""
        return True

    def fingerprint_source(self) -> str:
        """A hash of the catalog's shape and row counts: it changes when the data changes."""
        return catalog_digest(self.catalog())

    # -- execution ---------------------------------------------------------------------------

    def execute(self, sql: str, limits: Limits) -> QueryResult | QueryError:
        """Run one checked statement on a fresh cursor; the watchdog interrupts at the limit.

        DuckDB notices an interrupt only between chunks of work, and one call of some functions
        over one huge value is a single chunk (nested string functions over a 500 MB `repeat`),
        so the statement runs on a worker thread: if it has not stopped `STOP_GRACE_S` after the
        interrupt, the caller gets the timeout anyway and the worker is left to finish and close
        its cursor in the background. The time limit holds for the caller whatever the SQL."""
        import duckdb

        cursor = self._con.cursor()
        timed_out = threading.Event()
        done = threading.Event()
        outcome: dict[str, Any] = {}

        def stop() -> None:
            timed_out.set()
            cursor.interrupt()

        def work() -> None:
            try:
                cursor.execute(sql)
                columns = tuple(ResultColumn(d[0], str(d[1])) for d in cursor.description or ())
                outcome["result"] = (columns, fetch_capped(cursor, limits, FETCH_CHUNK, _text_columns(columns)))
            except BaseException as exc:
                outcome["error"] = exc
            finally:
                try:
                    with self._lock:
                        self._running.discard(cursor)
                    cursor.close()
                finally:
                    done.set()  # last: the waiting caller then runs without competing for the GIL

        with self._lock:
            self._running.add(cursor)
        started = time.perf_counter()
        WORKERS.run(work)
        try:
            finished = done.wait(limits.timeout_s)  # the caller is the watchdog
            if not finished:
                stop()
                finished = done.wait(STOP_GRACE_S)
        except KeyboardInterrupt:  # Ctrl+C in the waiting thread: stop the query, report it
            cursor.interrupt()
            done.wait(STOP_GRACE_S)
            return QueryError("interrupted", "query interrupted", (time.perf_counter() - started) * 1000)
        elapsed = (time.perf_counter() - started) * 1000
        if not finished:
            return QueryError(
                "timeout",
                f"query stopped at the {limits.timeout_s:g} s time limit (the engine could not "
                "stop it at once; it finishes in the background)",
                elapsed,
            )
        error = outcome.get("error")
        if isinstance(error, (duckdb.InterruptException, KeyboardInterrupt)) or (
            isinstance(error, RuntimeError) and "interrupt" in str(error).lower()
        ):
            if timed_out.is_set():
                return QueryError("timeout", f"query stopped at the {limits.timeout_s:g} s time limit", elapsed)
            return QueryError("interrupted", "query interrupted", elapsed)
        if isinstance(error, duckdb.Error):
            message = clean_error(str(error), self.path, self._hidden_names(), sql)
            return QueryError("error", message, elapsed, from_duckdb(error))
        if error is not None:
            raise error
        columns, rows = outcome["result"]
        truncated = len(rows) > limits.max_rows
        return QueryResult(columns, tuple(rows[: limits.max_rows]), truncated, elapsed)

    def stream(self, sql: str, timeout_s: float) -> Any:
        """Every row of `sql` in chunks (tools/databases/duckdb/stream.py); raises StreamError."""
        from tools.databases.duckdb.stream import DuckDBRowStream

        cursor = self._con.cursor()
        with self._lock:
            self._running.add(cursor)

        def forget() -> None:
            with self._lock:
                self._running.discard(cursor)

        def clean(text: str) -> str:
            return clean_error(text, self.path, self._hidden_names(), sql)

        return DuckDBRowStream(cursor, sql, timeout_s, clean, forget)

    def _hidden_names(self) -> frozenset[str]:
        """Hidden column names, to keep them out of engine messages (binder "candidate bindings")."""
        return hidden_names(self.exclude_columns, self.catalog)

    def interrupt(self) -> None:
        """Interrupt every query running on this database (batch workers share it)."""
        with self._lock:
            running = list(self._running)
        for cursor in running:
            cursor.interrupt()

    def close(self) -> None:
        with self._lock:
            abandoned = bool(self._running)
        if abandoned:  # a query past its time limit still finishing: interrupt it again, keep its files
            self.interrupt()
            return
        self._con.close()
        shutil.rmtree(self._temp_dir, ignore_errors=True)


def _text_columns(columns: tuple[ResultColumn, ...]) -> list[int]:
    """Only text and binary columns can hold an oversized cell, so only they are clipped."""
    return [i for i, c in enumerate(columns) if c.type.upper().startswith(CLIPPED_TYPES)]
