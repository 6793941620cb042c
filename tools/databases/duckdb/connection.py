"""The hardened DuckDB connection of notes/security.md §2.2, and the checks around opening one.

`read_only=True` alone protects only the database file, so every connection also turns off
extension loading, Python replacement scans and external access, allow-lists exactly the files
behind our views, locks the configuration, and reads the settings back before any query runs.
"""

from __future__ import annotations

import itertools
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.databases.base import DatabaseOpenError
from tools.databases.duckdb.file_views import allowed_paths, glob_escaped

SQLITE_MAGIC = b"SQLite format 3\x00"
DUCKDB_MAGIC = b"DUCK"  # at byte offset 8 of a DuckDB file


@dataclass(frozen=True)
class EngineSettings:
    """Engine resource limits; they are fixed at open time and then locked. `max_memory`: the
    bytes all engine processes of one database may map together (0: no cap); `timeout_s`: the
    time limit of work the person did not ask for directly (reading the catalog)."""

    threads: int = 2
    memory_limit: str = "1GB"
    max_temp_directory_size: str = "512MB"
    timezone: str = "UTC"
    max_memory: int = 4 * 1024**3
    timeout_s: float = 30.0


def check_database_file(path: Path) -> None:
    """Give one clear line for a missing, unreadable, SQLite or non-DuckDB file (a SQLite file is
    opened by the SQLite backend; reaching here with one means a caller chose DuckDB for it)."""
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
    if head.startswith(SQLITE_MAGIC):  # analyst.wiring opens SQLite files with tools.databases.sqlite
        raise DatabaseOpenError(
            f"{path} is a SQLite database, not a DuckDB one", "open it with --db (analyst reads SQLite files)"
        )
    if len(head) < 12 or head[8:12] != DUCKDB_MAGIC:
        raise DatabaseOpenError(
            f"{path} is not a DuckDB database file", "pass a .duckdb file, a CSV/Parquet/JSON file or a folder of them"
        )


def connect(path: Path, label: str, settings: EngineSettings, data_files: tuple[Path, ...], temp_dir: Path) -> Any:
    """A read-only connection to `path` with every hardening setting applied, locked and read
    back; `label` names the database in errors, `data_files` are the only files it may read."""
    import duckdb

    temp_dir.mkdir(parents=True, exist_ok=True)
    config: dict[str, str | bool | int | float | list[str]] = {
        "autoload_known_extensions": False,
        "autoinstall_known_extensions": False,
        "allow_community_extensions": False,
        "allow_unsigned_extensions": False,
        "python_enable_replacements": False,
        "threads": settings.threads,
        "memory_limit": settings.memory_limit,
        "max_temp_directory_size": settings.max_temp_directory_size,
        "temp_directory": str(temp_dir),
    }
    try:
        con = duckdb.connect(str(path), read_only=True, config=config)
    except duckdb.IOException as exc:
        text = str(exc)
        if "lock" in text.lower():
            raise DatabaseOpenError(
                f"{label} is locked by another process that has it open for writing",
                "close the other program, or open a copy of the file",
            ) from None
        raise DatabaseOpenError(
            f"cannot open {label}: {_first_line(text)}", "check that it is a valid DuckDB file"
        ) from None
    except duckdb.Error as exc:
        raise DatabaseOpenError(
            f"cannot open {label}: {_first_line(str(exc))}",
            "check that it is a valid DuckDB file of a supported version",
        ) from None
    try:
        con.execute(f"SET TimeZone = '{settings.timezone}'")
        con.execute("SET allowed_paths = ?", [allowed_paths(data_files)])
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
        _verify_settings(con, settings)
        _verify_file_access(con, path, data_files, temp_dir)
    except Exception:
        con.close()
        raise
    return con


def private_temp_dir(root: Path) -> Path:
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


def _verify_file_access(con: Any, database: Path, data_files: tuple[Path, ...], temp_dir: Path) -> None:
    """Refuse to run unless DuckDB may read exactly the opened files, beside its own database file
    (and the journal files DuckDB names after it) and its spill folder.

    DuckDB stores each allowed path with its links followed, so a file that became a link to
    another file after it was judged (file_views.data_files_in) reads back as that other file."""
    (paths,) = con.execute("SELECT current_setting('allowed_paths')").fetchone()
    (directories,) = con.execute("SELECT current_setting('allowed_directories')").fetchone()
    allowed = {_spelled(p) for p in paths or ()}  # not resolved again here: that would hide a swap
    own = _spelled(os.path.realpath(database))
    wanted = {_spelled(p) for p in data_files}
    as_read = {_spelled(glob_escaped(p)) for p in data_files}  # the spelling the views read them by
    extra = [p for p in allowed if p not in wanted | as_read and p != own and not p.startswith(own + ".wal")]
    if extra or not wanted <= allowed:
        raise DatabaseOpenError(
            "the data files changed while they were opened (a file is now a link to another one); refusing to run queries",
            "open the file or folder again",
        )
    spill = os.path.join(os.path.realpath(temp_dir), "")
    outside = [d for d in directories or () if not os.path.join(os.path.realpath(d), "").startswith(spill)]
    if outside:
        raise DatabaseOpenError(
            f"DuckDB may read the folder {outside[0]}, expected only the opened files; refusing to run queries",
            "upgrade duckdb, or report this as a bug",
        )


def _spelled(path: str | Path) -> str:
    """One spelling of a path for comparison (case and separators as the platform compares them)."""
    return os.path.normcase(os.path.normpath(path))


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


def clean_error(text: str, db_path: Path, hidden: frozenset[str] = frozenset(), sql: str = "") -> str:
    """Keep the engine's message but not local paths (they go to a remote model), nor the names
    of hidden columns (DuckDB lists candidate columns when a name does not bind)."""
    cleaned = text.replace(str(db_path), "<database>").replace(str(Path.home()), "~")
    if hidden:
        from tools.catalog import scrub_hidden

        cleaned = scrub_hidden(cleaned, hidden, sql)
    lines = [line for line in cleaned.strip().splitlines() if line.strip()]
    return "\n".join(lines[:8])
