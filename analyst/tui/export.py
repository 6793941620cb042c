"""Export a result to CSV, JSON or Parquet: the approved SQL runs again, read-only, and its rows
stream to the file in chunks (our code; DuckDB's COPY cannot run on the hardened connection).

The file is written under a `.part` name and renamed when complete, so a cancelled or failed
export leaves nothing half-written behind.
"""

from __future__ import annotations

import csv
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from tools.fingerprint import normalize_value

FORMATS = {"csv": ".csv", "json": ".json", "parquet": ".parquet"}
CHUNK_ROWS = 2_000
TIMEOUT_S = 600.0


class ExportError(Exception):
    """The export did not complete; the message says why in one line."""


def default_path(folder: Path, stem: str, fmt: str) -> Path:
    """`folder/stem.ext`, numbered when that file exists already."""
    candidate = folder / f"{stem}{FORMATS[fmt]}"
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{number}{FORMATS[fmt]}"
        number += 1
    return candidate


def unique_names(names: list[str]) -> list[str]:
    """Column names made unique (`n`, `n_2`, ...) so JSON keys and Parquet columns don't collide."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        count = seen.get(name.lower(), 0) + 1
        seen[name.lower()] = count
        out.append(name if count == 1 else f"{name}_{count}")
    return out


@dataclass
class ExportJob:
    """One export; `run` blocks (call it from a worker), `cancel` stops it from any thread."""

    database: Any  # a DuckDB database (tools/databases/duckdb_db.py)
    sql: str
    path: Path
    fmt: str
    timeout_s: float = TIMEOUT_S
    _cancelled: threading.Event = field(default_factory=threading.Event)
    _cursor: Any = None

    def cancel(self) -> None:
        self._cancelled.set()
        cursor = self._cursor
        if cursor is not None:
            cursor.interrupt()

    def run(self, on_progress: Callable[[int], None] = lambda rows: None) -> int:
        """Write every row of `sql` to `path`; returns the row count or raises ExportError."""
        if self.fmt not in FORMATS:
            raise ExportError(f"unknown export format {self.fmt!r}; use one of {', '.join(FORMATS)}")
        part = self.path.with_name(self.path.name + ".part")
        try:
            names, types, chunks = self._stream()
            writer = {"csv": _write_csv, "json": _write_json, "parquet": _write_parquet}[self.fmt]
            rows = writer(part, names, types, chunks, on_progress)
            if self._cancelled.is_set():
                raise ExportError("export cancelled")
            part.replace(self.path)
            return rows
        except OSError as exc:
            raise ExportError(f"cannot write {self.path}: {exc.strerror or exc}") from None
        finally:
            part.unlink(missing_ok=True)
            self._close()

    def _stream(self) -> tuple[list[str], list[str], Iterator[list[tuple[Any, ...]]]]:
        """Run `sql` on a fresh cursor and yield its rows in chunks, under a watchdog.

        The Database protocol has no streaming read yet, so this opens a cursor on the DuckDB
        database's own connection: read-only, external access off, configuration locked, exactly
        as constrained as the loop's queries.
        """
        import duckdb

        connection = getattr(self.database, "_con", None)
        if connection is None:
            raise ExportError("export needs a DuckDB database")
        cursor = connection.cursor()
        self._cursor = cursor
        watchdog = threading.Timer(self.timeout_s, cursor.interrupt)
        watchdog.daemon = True
        watchdog.start()
        self._watchdog = watchdog
        try:
            cursor.execute(self.sql)
        except duckdb.InterruptException:
            raise ExportError("export cancelled" if self._cancelled.is_set() else f"export stopped at the {self.timeout_s:g} s time limit") from None
        except duckdb.Error as exc:
            raise ExportError(f"export query failed: {str(exc).strip().splitlines()[0]}") from None
        names = unique_names([d[0] for d in cursor.description or ()])
        types = [str(d[1]) for d in cursor.description or ()]

        def chunks() -> Iterator[list[tuple[Any, ...]]]:
            while not self._cancelled.is_set():
                try:
                    chunk = cursor.fetchmany(CHUNK_ROWS)
                except duckdb.InterruptException:
                    raise ExportError("export cancelled" if self._cancelled.is_set() else "export stopped at the time limit") from None
                except duckdb.Error as exc:
                    raise ExportError(f"export query failed: {str(exc).strip().splitlines()[0]}") from None
                if not chunk:
                    return
                yield chunk

        return names, types, chunks()

    def _close(self) -> None:
        watchdog = getattr(self, "_watchdog", None)
        if watchdog is not None:
            watchdog.cancel()
        if self._cursor is not None:
            try:
                self._cursor.close()
            except Exception:  # noqa: BLE001 - closing a cursor that failed
                pass
            self._cursor = None


def _text(value: Any) -> str:
    if value is None:
        return ""
    normalized = normalize_value(value)
    if isinstance(normalized, (dict, list)):
        return json.dumps(normalized, ensure_ascii=False)
    if isinstance(normalized, bool):
        return "true" if normalized else "false"
    return str(normalized)


def _write_csv(path: Path, names: list[str], types: list[str], chunks: Iterator[list[tuple[Any, ...]]], progress: Callable[[int], None]) -> int:
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        for chunk in chunks:
            writer.writerows([_text(v) for v in row] for row in chunk)
            rows += len(chunk)
            progress(rows)
    return rows


def _write_json(path: Path, names: list[str], types: list[str], chunks: Iterator[list[tuple[Any, ...]]], progress: Callable[[int], None]) -> int:
    """A JSON array of row objects, values as in `ask --format json` (DESIGN §7)."""
    rows = 0
    with path.open("w", encoding="utf-8") as handle:
        handle.write("[")
        for chunk in chunks:
            for row in chunk:
                handle.write(",\n" if rows else "\n")
                handle.write(json.dumps(dict(zip(names, (normalize_value(v) for v in row))), ensure_ascii=False))
                rows += 1
            progress(rows)
        handle.write("\n]\n" if rows else "]\n")
    return rows


def _write_parquet(path: Path, names: list[str], types: list[str], chunks: Iterator[list[tuple[Any, ...]]], progress: Callable[[int], None]) -> int:
    """Rows go into a scratch in-memory DuckDB that may write this one file and nothing else."""
    import duckdb

    scratch = duckdb.connect(":memory:", config={
        "autoload_known_extensions": False,
        "autoinstall_known_extensions": False,
        "allow_community_extensions": False,
        "python_enable_replacements": False,
    })
    try:
        scratch.execute("SET allowed_paths = ?", [[str(path)]])
        scratch.execute("SET enable_external_access = false")
        scratch.execute("SET lock_configuration = true")
        columns = ", ".join(f"{_quote(name)} {kind}" for name, kind in zip(names, types))
        scratch.execute(f"CREATE TABLE export_rows ({columns})")
        placeholders = ", ".join("?" for _ in names)
        rows = 0
        for chunk in chunks:
            scratch.executemany(f"INSERT INTO export_rows VALUES ({placeholders})", chunk)
            rows += len(chunk)
            progress(rows)
        target = str(path).replace("'", "''")
        scratch.execute(f"COPY export_rows TO '{target}' (FORMAT parquet)")
        return rows
    except duckdb.Error as exc:
        raise ExportError(f"parquet export failed: {str(exc).strip().splitlines()[0]}") from None
    finally:
        scratch.close()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'

