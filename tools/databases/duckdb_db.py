"""DuckDB opened with the hardened recipe of notes/security.md §2.2, and queries run under limits.

`read_only=True` alone protects only the database file, so every connection also turns off
extension loading, Python replacement scans and external access, allow-lists exactly the files
behind our views, locks the configuration, and reads the settings back before any query runs.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.catalog import Catalog, Context, hidden_column_names, without_columns
from tools.context import context_path_for, load_sidecar, with_context
from tools.databases.base import (
    DatabaseOpenError,
    Limits,
    QueryError,
    QueryResult,
    ResultColumn,
    clip_cell,
)
from tools.databases.duckdb_catalog import introspect
from tools.databases.file_views import DATA_SUFFIXES, build_view_catalog, data_files_in, ignored_in
from tools.databases.workers import STOP_GRACE_S, WORKERS
from tools.guard.problems import Problem

SQLITE_MAGIC = b"SQLite format 3\x00"
DUCKDB_MAGIC = b"DUCK"  # at byte offset 8 of a DuckDB file
FETCH_CHUNK = 10_000
CLIPPED_TYPES = ("VARCHAR", "BLOB", "JSON", "BIT")
VIEW_SCAN_MAX_BYTES = 200_000_000  # views over more data than this are not counted or sampled


@dataclass(frozen=True)
class EngineSettings:
    """Engine resource limits; they are fixed at open time and then locked."""

    threads: int = 2
    memory_limit: str = "1GB"
    max_temp_directory_size: str = "512MB"
    timezone: str = "UTC"


def _check_database_file(path: Path) -> None:
    """Give one clear line for a missing, unreadable, SQLite or non-DuckDB file."""
    if not path.exists():
        raise DatabaseOpenError(
            f"database not found: {path}", "check the path, or omit --db to use the sample database"
        )
    if path.is_dir():
        raise DatabaseOpenError(
            f"{path} is a folder with no CSV, Parquet or JSON files", "pass a .duckdb file or a folder of data files"
        )
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        raise DatabaseOpenError(f"cannot read {path}: {exc.strerror}", "check the file's permissions") from None
    if head.startswith(SQLITE_MAGIC):
        raise DatabaseOpenError(
            f"{path} is a SQLite database, which analyst does not support",
            "convert it to DuckDB (duckdb -c \"ATTACH 'x.db' AS s (TYPE sqlite); COPY FROM DATABASE s TO 'x.duckdb'\")",
        )
    if len(head) < 12 or head[8:12] != DUCKDB_MAGIC:
        raise DatabaseOpenError(
            f"{path} is not a DuckDB database file", "pass a .duckdb file, a CSV/Parquet/JSON file or a folder of them"
        )


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
        files = data_files_in(target)
        if not files:
            raise DatabaseOpenError(
                f"no CSV, Parquet or JSON files in {target}", "pass a folder that holds data files, or a .duckdb file"
            )
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
        database.notices = tuple(notices + ignored_in(target))
        return database
    _check_database_file(target)
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
        self._temp_dir = _private_temp_dir(cache_dir / "duckdb-tmp")
        # the sidecar is read at open, so a malformed file is one line now, not a crash later
        self._context = load_sidecar(context_path_for(self.path)) if not data_files else Context()
        self._con = self._connect()
        self._catalog: Catalog | None = None
        self._running: set[Any] = set()
        self._lock = threading.Lock()
        self._catalog_lock = threading.Lock()

    def _connect(self) -> Any:
        import duckdb

        self._temp_dir.mkdir(parents=True, exist_ok=True)
        config: dict[str, str | bool | int | float | list[str]] = {
            "autoload_known_extensions": False,
            "autoinstall_known_extensions": False,
            "allow_community_extensions": False,
            "allow_unsigned_extensions": False,
            "python_enable_replacements": False,
            "threads": self._settings.threads,
            "memory_limit": self._settings.memory_limit,
            "max_temp_directory_size": self._settings.max_temp_directory_size,
            "temp_directory": str(self._temp_dir),
        }
        try:
            con = duckdb.connect(str(self.path), read_only=True, config=config)
        except duckdb.IOException as exc:
            text = str(exc)
            if "lock" in text.lower():
                raise DatabaseOpenError(
                    f"{self.uri} is locked by another process that has it open for writing",
                    "close the other program, or open a copy of the file",
                ) from None
            raise DatabaseOpenError(
                f"cannot open {self.uri}: {_first_line(text)}", "check that it is a valid DuckDB file"
            ) from None
        except duckdb.Error as exc:
            raise DatabaseOpenError(
                f"cannot open {self.uri}: {_first_line(str(exc))}",
                "check that it is a valid DuckDB file of a supported version",
            ) from None
        try:
            con.execute(f"SET TimeZone = '{self._settings.timezone}'")
            con.execute("SET allowed_paths = ?", [[str(p) for p in self.data_files]])
            con.execute("SET enable_external_access = false")
            con.execute("SET lock_configuration = true")
            _verify_settings(con, self._settings)
        except Exception:
            con.close()
            raise
        return con

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
            self._con.cursor(), self.exclude_tables, scan_views=small, exclude_columns=self.exclude_columns
        )
        if self._context != Context():
            catalog = with_context(catalog, self._context)
        return without_columns(catalog, self.exclude_columns)  # also the context's descriptions

    def cross_check(self, sql: str) -> list[Problem]:
        """DuckDB's own parser on the exact text: its reasons, presented as the engine's."""
        from tools.databases.duckdb_check import duckdb_cross_check

        return [Problem.from_engine(p.message) for p in duckdb_cross_check(sql, self.catalog())]

    def reads_alike(self, typed: str, checked: str) -> bool:
        """Always: the cross-check walks DuckDB's own parse of the typed text through the same
        statement, table, function and hidden-column rules, so the typed text is judged as the
        engine reads it; a second comparison would only refuse harmless spellings
        (`x IS NOT NULL` parses differently from the regenerated `NOT x IS NULL`)."""
        return True

    def fingerprint_source(self) -> str:
        """A hash of the catalog's shape and row counts: it changes when the data changes."""
        digest = hashlib.sha256()
        for table in self.catalog().tables:
            digest.update(f"{table.qualified}|{table.row_count}|".encode())
            for col in table.columns:
                digest.update(f"{col.name}:{col.type};".encode())
        return digest.hexdigest()[:16]

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
                outcome["result"] = (columns, _fetch_capped(cursor, columns, limits))
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
            return QueryError("error", _clean_error(str(error), self.path, self._hidden_names(), sql), elapsed)
        if error is not None:
            raise error
        columns, rows = outcome["result"]
        truncated = len(rows) > limits.max_rows
        return QueryResult(columns, tuple(rows[: limits.max_rows]), truncated, elapsed)

    def stream(self, sql: str, timeout_s: float) -> Any:
        """Every row of `sql` in chunks (tools/databases/duckdb_stream.py); raises StreamError."""
        from tools.databases.duckdb_stream import DuckDBRowStream

        cursor = self._con.cursor()
        with self._lock:
            self._running.add(cursor)

        def forget() -> None:
            with self._lock:
                self._running.discard(cursor)

        def clean(text: str) -> str:
            return _clean_error(text, self.path, self._hidden_names(), sql)

        return DuckDBRowStream(cursor, sql, timeout_s, clean, forget)

    def _hidden_names(self) -> frozenset[str]:
        """Hidden column names, to keep them out of engine messages (binder "candidate bindings")."""
        if not self.exclude_columns:
            return frozenset()
        return hidden_column_names(self.catalog())

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


def _private_temp_dir(root: Path) -> Path:
    """A spill folder for this connection alone (removed on close), after removing those that
    processes no longer running left behind (killed, or from before folders were removed)."""
    if root.is_dir():
        for old in root.iterdir():
            pid = old.name.split("-", 1)[0]
            if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
                shutil.rmtree(old, ignore_errors=True)
    return root / f"{os.getpid()}-{next(_TEMP_SERIAL)}"


_TEMP_SERIAL = itertools.count(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def _fetch_capped(cursor: Any, columns: tuple[ResultColumn, ...], limits: Limits) -> list[tuple[Any, ...]]:
    """Stream rows in chunks up to cap+1 (to detect truncation), clipping oversized text cells.

    Only text and binary columns can hold an oversized cell, so only they are checked: the
    per-cell check is most of our cost on top of DuckDB for a capped result.
    """
    wanted = limits.max_rows + 1
    clip = [i for i, c in enumerate(columns) if c.type.upper().startswith(CLIPPED_TYPES)]
    rows: list[tuple[Any, ...]] = []
    while len(rows) < wanted:
        chunk = cursor.fetchmany(min(FETCH_CHUNK, wanted - len(rows)))
        if not chunk:
            break
        if clip:
            chunk = [_clip_row(row, clip, limits) for row in chunk]
        rows.extend(chunk)
    return rows


def _clip_row(row: tuple[Any, ...], indices: list[int], limits: Limits) -> tuple[Any, ...]:
    if not any(isinstance(row[i], (str, bytes)) and len(row[i]) > limits.max_cell_bytes for i in indices):
        return row
    cells = list(row)
    for i in indices:
        cells[i] = clip_cell(cells[i], limits)
    return tuple(cells)


def _verify_settings(con: Any, settings: EngineSettings) -> None:
    """Refuse to run when any hardening setting did not take effect."""
    expected = {
        "enable_external_access": False,
        "lock_configuration": True,
        "python_enable_replacements": False,
        "autoload_known_extensions": False,
        "autoinstall_known_extensions": False,
        "allow_community_extensions": False,
        "allow_unsigned_extensions": False,
        "threads": settings.threads,
        "TimeZone": settings.timezone,
    }
    for name, want in expected.items():
        (got,) = con.execute("SELECT current_setting(?)", [name]).fetchone()
        if got != want:
            raise DatabaseOpenError(
                f"DuckDB setting {name} is {got!r}, expected {want!r}; refusing to run queries",
                "upgrade duckdb, or report this as a bug",
            )


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


def _clean_error(text: str, db_path: Path, hidden: frozenset[str] = frozenset(), sql: str = "") -> str:
    """Keep the engine's message but not local paths (they go to a remote model), nor the names
    of hidden columns (DuckDB lists candidate columns when a name does not bind)."""
    cleaned = text.replace(str(db_path), "<database>").replace(str(Path.home()), "~")
    if hidden:
        from tools.catalog import scrub_hidden

        cleaned = scrub_hidden(cleaned, hidden, sql)
    lines = [line for line in cleaned.strip().splitlines() if line.strip()]
    return "\n".join(lines[:8])
