"""A DuckDB database: its catalog, and checked queries run under limits in engine processes.

The connection (connection.py) is opened read-only with extension loading, replacement scans and
external access off, the configuration locked and read back — inside an engine process of its
own (engine_child.py), which can be killed at the time limit and whose memory is capped
(tools/databases/engine/). Nothing of the database is opened in analyst's process.
"""

from __future__ import annotations

import functools
import shutil
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from tools.catalog import Catalog, Context, without_columns
from tools.catalog.context import context_path_for, load_sidecar, with_context
from tools.databases.base import DatabaseOpenError, Limits, QueryError, QueryResult
from tools.databases.duckdb.connection import EngineSettings, check_database_file, private_temp_dir
from tools.databases.duckdb.engine_wire import CatalogRead, Crashed, EngineSpec, Execute, Failed, Introspect, Rows
from tools.databases.duckdb.file_views import DATA_SUFFIXES, build_view_catalog, data_files_in, ignored_in
from tools.databases.engine.pool import EnginePool
from tools.databases.engine.process import Stopped, borrowed, stopped_error
from tools.databases.error_classes import ErrorClass
from tools.databases.fetch import catalog_digest, hidden_names
from tools.guard.problems import Problem
from tools.memory_size import memory_bytes

ENGINE = "tools.databases.duckdb.engine_child:serve"  # the engine process's loop
BUFFER_SHARE = 0.6  # of an engine's memory ceiling, the most DuckDB's buffer pool may hold
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
    """One read-only DuckDB database served by engine processes; each query runs in one of them."""

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
        spec = EngineSpec(str(self.path), self.uri, settings, tuple(str(p) for p in data_files), str(self._temp_dir), 0)
        self._engines = EnginePool(ENGINE, functools.partial(engine_spec, spec), self.uri, settings.max_memory)
        self._engines.release(self._engines.acquire())  # open now: a bad file is one line at open, not later
        self._catalog: Catalog | None = None
        self._catalog_lock = threading.Lock()

    # -- catalog -----------------------------------------------------------------------------

    def catalog(self) -> Catalog:
        """Introspect once per open database: tables, columns, comments, keys, counts, samples."""
        with self._catalog_lock:
            if self._catalog is None:
                self._catalog = self._load_catalog()
        return self._catalog

    def _load_catalog(self) -> Catalog:
        """Read in an engine, under the time limit like any query: a view over a slow file or a
        costly count must not hold the person longer than their own query could."""
        small = sum(p.stat().st_size for p in self.data_files if p.exists()) <= VIEW_SCAN_MAX_BYTES
        request = Introspect(
            self.exclude_tables, self.exclude_columns, scan_views=small, own_views=bool(self.data_files)
        )
        with borrowed(self._engines) as engine:
            reply = engine.call(request, self._settings.timeout_s)
        if isinstance(reply, Stopped):
            raise DatabaseOpenError(
                f"reading the catalog of {self.uri} took longer than the {self._settings.timeout_s:g} s time limit"
                if reply.reason == "timeout"
                else f"reading the catalog of {self.uri} stopped ({_stopped_words(reply)})",
                "raise --timeout or --max-memory, or leave large views out with --exclude-tables",
            )
        if isinstance(reply, Failed):
            raise DatabaseOpenError(f"cannot read the catalog of {self.uri}: {reply.message}", "check the database")
        if isinstance(reply, Crashed):
            raise RuntimeError(f"the DuckDB engine failed reading the catalog: {reply.error}")
        assert isinstance(reply, CatalogRead)
        catalog = reply.catalog
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
        """Run one checked statement in an engine process; at the limit it is interrupted, and
        killed if it has not stopped a second later (tools/databases/engine/process.py), so the engine is idle
        again within the limit plus about a second whatever the SQL."""
        started = time.perf_counter()
        request = Execute(sql, limits, self._hidden_names())
        try:
            with borrowed(self._engines) as engine:
                reply = engine.call(request, limits.timeout_s)
        except DatabaseOpenError as exc:  # a new engine could not open it again (the files changed)
            return QueryError("error", str(exc), (time.perf_counter() - started) * 1000, ErrorClass.CONNECTION)
        elapsed = (time.perf_counter() - started) * 1000
        if isinstance(reply, Rows):
            return QueryResult(reply.columns, reply.rows, reply.truncated, elapsed)
        if isinstance(reply, Failed):
            if reply.interrupted:
                return stopped_error(engine.stop_reason or "interrupted", limits.timeout_s, elapsed) or QueryError(
                    "interrupted", "query interrupted", elapsed
                )
            if reply.error_class is ErrorClass.RESOURCES:
                return QueryError("error", self._memory_words(), elapsed, ErrorClass.RESOURCES)
            return QueryError("error", reply.message, elapsed, reply.error_class)
        if isinstance(reply, Stopped):
            stopped = stopped_error(reply.reason, limits.timeout_s, elapsed, reply.killed)
            if stopped is not None:
                return stopped
            return QueryError(
                "error", f"{self._memory_words()} ({_stopped_words(reply)})", elapsed, ErrorClass.RESOURCES
            )
        if isinstance(reply, Crashed):
            raise RuntimeError(f"the DuckDB engine failed: {reply.error}")
        raise RuntimeError(f"the DuckDB engine answered {type(reply).__name__} to a query")

    def _memory_words(self) -> str:
        limit = self._settings.max_memory
        cap = f" (--max-memory {limit / 1024**3:.3g} GB)" if limit > 0 else ""
        return f"the query needed more memory than analyst lets the engine use{cap}; simplify it or raise --max-memory"

    def stream(self, sql: str, timeout_s: float) -> Any:
        """Every row of `sql` in chunks (tools/databases/duckdb/stream.py); raises StreamError."""
        from tools.databases.duckdb.stream import DuckDBRowStream

        return DuckDBRowStream(self._engines, sql, timeout_s, self._hidden_names())

    def _hidden_names(self) -> frozenset[str]:
        """Hidden column names, to keep them out of engine messages (binder "candidate bindings")."""
        return hidden_names(self.exclude_columns, self.catalog)

    def engine_pids(self) -> tuple[int, ...]:
        """The engine processes alive now (for tests and benchmarks of the time and memory limits)."""
        return tuple(e.pid for e in self._engines.engines() if e.alive())

    def peak_memory(self) -> int:
        """The largest peak resident memory of a live engine, in bytes (Linux; else 0)."""
        return max((e.peak_memory() for e in self._engines.engines() if e.alive()), default=0)

    def interrupt(self) -> None:
        """Interrupt every query running on this database (batch workers share it)."""
        for engine in self._engines.busy():
            engine.interrupt("interrupted")

    def close(self) -> None:
        self._engines.close()
        shutil.rmtree(self._temp_dir, ignore_errors=True)


def engine_spec(base: EngineSpec, serial: int, ceiling: int) -> EngineSpec:
    """One engine's spec: its own spill folder, and a buffer pool that fits its memory share."""
    settings = base.settings
    if ceiling:
        buffer = int(ceiling * BUFFER_SHARE)
        current = memory_bytes(settings.memory_limit)
        if current is None or current > buffer:
            settings = replace(settings, memory_limit=f"{buffer // 1024**2}MB")
    temp = str(Path(base.temp_dir) / f"engine-{serial}")
    return replace(base, settings=settings, temp_dir=temp, memory_ceiling=ceiling)


def _stopped_words(stopped: Stopped) -> str:
    return "the engine was stopped by force" if stopped.killed else "the engine process ended unexpectedly"
