"""A SQLite file opened in engine processes: what analyst's front ends use.

`open_sqlite` (database.py) runs statements on threads of the process that opened it, and a
statement SQLite cannot interrupt (one `instr` call over two long values) keeps a core busy after
the caller was answered. Here the same `SQLiteDatabase` is built inside an engine process
(tools/databases/engine/hosted.py), which is killed one second after such a statement's limit.
"""

from __future__ import annotations

from pathlib import Path

from tools.databases.engine.hosted import HostedDatabase
from tools.databases.sqlite.connection import check_sqlite_file

OPENER = "tools.databases.sqlite.database:open_sqlite"


def open_sqlite_engine(
    path: Path,
    exclude_tables: tuple[str, ...] = (),
    exclude_columns: tuple[str, ...] = (),
    *,
    max_memory: int = 4 * 1024**3,
    timeout_s: float = 30.0,
) -> HostedDatabase:
    """Open a SQLite file read-only in an engine process; DatabaseOpenError (exit 4) when it cannot be."""
    path = path.expanduser()
    check_sqlite_file(path)  # here first: a missing or foreign file is one line before any process starts
    return HostedDatabase(
        OPENER,
        (path,),
        {"exclude_tables": exclude_tables, "exclude_columns": exclude_columns},
        max_memory=max_memory,
        timeout_s=timeout_s,
    )
