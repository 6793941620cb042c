"""The hardened SQLite connection, and the checks around opening one.

Every connection (one per statement, see database.py) is opened by URI with `mode=ro`, then
`PRAGMA query_only` is set and read back, extension loading is turned off, no database may be
attached (`SQLITE_LIMIT_ATTACHED` 0), every value a statement makes is bounded
(`SQLITE_LIMIT_LENGTH`: `randomblob`, `zeroblob`, `replace`, `printf` padding and `group_concat`
fail with "string or blob too big" instead of filling memory), and only then is the authorizer
(authorizer.py) installed, so nothing but reads of allowed tables and calls of allowed functions
compiles. A progress handler stops the statement at its deadline or on interrupt.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from tools.databases.base import DatabaseOpenError
from tools.databases.sqlite.authorizer import ReadPolicy

SQLITE_MAGIC = b"SQLite format 3\x00"
SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")
PROGRESS_STEPS = 1_000  # virtual machine instructions between deadline checks (~10-50 µs of work)


@dataclass(frozen=True)
class ValueLimits:
    """Engine limits fixed at open time: the largest string or blob any statement may make or
    read (bytes), the longest LIKE/GLOB pattern, the longest SQL text and the deepest expression.

    The value cap also bounds what one function call can cost where SQLite never checks for an
    interrupt: `instr` and `replace` compare a needle at every position of a haystack, so two
    crafted values of n bytes cost about n²/4 byte comparisons (measured: 1 MB and 0.5 MB, 4.6 s).
    The caller still gets its answer at the time limit (workers.py); 16 MB keeps what such a
    statement can burn in the background to minutes, and reads stored values of up to 16 MB."""

    max_value_bytes: int = 16_000_000
    max_like_pattern: int = 1_000
    max_sql_length: int = 1_000_000
    max_expr_depth: int = 500


def is_sqlite_file(path: Path) -> bool:
    """A `.sqlite`/`.sqlite3` name, or any file (`.db` included) whose header says SQLite."""
    try:
        with path.open("rb") as handle:
            return handle.read(16) == SQLITE_MAGIC
    except OSError:
        return path.suffix.lower() in (".sqlite", ".sqlite3")


def check_sqlite_file(path: Path) -> None:
    """One clear line for a missing, unreadable or non-SQLite file."""
    if not path.exists():
        raise DatabaseOpenError(f"database not found: {path}", "check the path")
    if path.is_dir():
        raise DatabaseOpenError(f"{path} is a folder, not a SQLite database", "pass the .sqlite file itself")
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        raise DatabaseOpenError(f"cannot read {path}: {exc.strerror}", "check the file's permissions") from None
    if head != SQLITE_MAGIC:
        raise DatabaseOpenError(
            f"{path} is not a SQLite database (its header is not 'SQLite format 3')",
            "pass a SQLite, DuckDB, CSV, Parquet or JSON file",
        )


class Stop:
    """One statement's stop switch: the progress handler ends it at its deadline or once
    `interrupt` was called; `interrupt` also calls `sqlite3_interrupt`, which any thread may.
    Made before its connection is open (`attach`), so an interrupt or the deadline that comes
    while the connection opens is not lost."""

    def __init__(self, timeout_s: float, con: sqlite3.Connection | None = None) -> None:
        self.deadline = time.monotonic() + timeout_s
        self.reason: str | None = None  # "timeout" or "interrupt" once stopped
        self._con: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        if con is not None:
            self.attach(con)

    def attach(self, con: sqlite3.Connection) -> None:
        con.set_progress_handler(self._check, PROGRESS_STEPS)
        with self._lock:
            self._con = con

    def _check(self) -> int:
        if self.reason is None and time.monotonic() >= self.deadline:
            self.reason = "timeout"
        return 1 if self.reason is not None else 0

    def interrupt(self, reason: str = "interrupt") -> None:
        with self._lock:
            if self.reason is None:
                self.reason = reason
            con = self._con
        if con is None:
            return
        try:
            con.interrupt()
        except sqlite3.ProgrammingError:  # already closed: the statement is over
            pass


def connect(
    path: Path, policy: ReadPolicy, limits: ValueLimits = ValueLimits(), busy_s: float = 5.0
) -> sqlite3.Connection:
    """A read-only connection to `path` with every hardening applied and read back.

    `check_same_thread=False`: a statement is compiled on the caller's thread only when it is
    cross-checked; it runs on a worker thread (tools/databases/workers.py), and `interrupt` comes
    from a third. One connection serves one statement at a time (database.py opens one per
    statement), so the sqlite3 module's per-connection state is never shared by two statements.
    `busy_s`: how long to wait for a writer's lock (SQLite's busy handler does not see interrupts)."""
    uri = f"file:{urllib.parse.quote(str(path))}?mode=ro"
    try:
        con = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None, timeout=busy_s)
    except sqlite3.Error as exc:
        raise DatabaseOpenError(f"cannot open {path}: {exc}", "check that it is a readable SQLite file") from None
    try:
        if hasattr(con, "enable_load_extension"):  # absent when Python was built without it: off anyway
            con.enable_load_extension(False)
        con.execute("PRAGMA query_only = ON")
        (query_only,) = con.execute("PRAGMA query_only").fetchone()
        con.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        con.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, limits.max_value_bytes)
        con.setlimit(sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH, limits.max_like_pattern)
        con.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, limits.max_sql_length)
        con.setlimit(sqlite3.SQLITE_LIMIT_EXPR_DEPTH, limits.max_expr_depth)
        if query_only != 1 or con.getlimit(sqlite3.SQLITE_LIMIT_ATTACHED) != 0:
            raise DatabaseOpenError(
                f"SQLite did not take query_only or the attach limit on {path}; refusing to run queries",
                "report this as a bug",
            )
        con.execute("SELECT count(*) FROM sqlite_schema").fetchone()  # reads the header: corrupt files fail here
    except sqlite3.Error as exc:
        con.close()
        if getattr(exc, "sqlite_errorname", "") in ("SQLITE_BUSY", "SQLITE_LOCKED"):
            raise DatabaseOpenError(
                f"{path} is locked by a program writing to it", "try again when it is done, or open a copy"
            ) from None
        raise DatabaseOpenError(f"cannot open {path}: {exc}", "check that it is a valid SQLite database") from None
    except BaseException:
        con.close()
        raise
    con.set_authorizer(policy)
    return con


def clean_error(text: str, path: Path) -> str:
    """The engine's message without local paths (it goes to a remote model), one to eight lines."""
    cleaned = text.replace(str(path), "<database>").replace(str(Path.home()), "~")
    lines = [line for line in cleaned.strip().splitlines() if line.strip()]
    return "\n".join(lines[:8])
