"""The database boundary: introspect a catalog, run one checked query with limits, interrupt.

Expected query failures (errors, timeouts) come back as values so the loop can show them to the
model; a database that cannot be opened at all is an exception, because it ends the program.
A streamed export (`stream`) raises StreamError instead: it fails inside an iterator, and nothing
is shown to the model.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from tools.catalog import Catalog
from tools.databases.error_classes import ErrorClass
from tools.guard.problems import Problem


class DatabaseOpenError(Exception):
    """The database cannot be opened (missing, locked, corrupt, not DuckDB, server down)."""

    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.message}{' — ' + self.fix if self.fix else ''}"


@dataclass(frozen=True)
class Limits:
    """Per-query limits; the watchdog enforces `timeout_s`, fetching enforces the caps.
    `cell_digest`: a clipped cell ends with a digest of the whole value, so that equal clipped
    cells mean equal values (evaluation compares results cell by cell).
    `max_result_bytes`: the rows kept stop there (truncated), whatever `max_rows` allows."""

    timeout_s: float = 30.0
    max_rows: int = 1000
    max_cell_bytes: int = 10_000
    max_result_bytes: int = 64_000_000
    cell_digest: bool = False


@dataclass(frozen=True)
class ResultColumn:
    name: str
    type: str


@dataclass(frozen=True)
class QueryResult:
    """Rows of one query, capped; `truncated` says more rows existed than were fetched."""

    columns: tuple[ResultColumn, ...]
    rows: tuple[tuple[Any, ...], ...]
    truncated: bool
    elapsed_ms: float

    @property
    def row_count(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class QueryError:
    """A failed query: `kind` is `error`, `timeout`, `interrupted` or `rejected`; `error_class` is
    what the engine reported besides its text (SQLSTATE, exception type), for a model that must
    not read the text (`--no-data-to-model`: the text may quote a cell)."""

    kind: str
    message: str
    elapsed_ms: float = 0.0
    error_class: ErrorClass = ErrorClass.OTHER


class StreamError(Exception):
    """A streamed read could not start or stopped; `kind` as QueryError's, `message` one line."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class RowStream(Protocol):
    """Every row of one checked query, in chunks, for exports: no row cap and no cell clipping,
    but the same read-only connection, time limit and interrupt as `execute`.  `chunks` raises
    StreamError; `cancel` may be called from any thread; `close` releases the connection."""

    columns: tuple[ResultColumn, ...]

    def chunks(self) -> Iterator[list[tuple[Any, ...]]]: ...

    def cancel(self) -> None: ...

    def close(self) -> None: ...


class Database(Protocol):
    """One opened database, read-only, with limits set at open time."""

    dialect: str  # sqlglot dialect name
    uri: str  # redacted, safe to log

    def catalog(self) -> Catalog: ...

    def cross_check(self, sql: str) -> list[Problem]:
        """Problems the engine itself sees in the exact text that will run, as the engine's
        (`Problem.from_engine`); an engine that cannot check says so with a problem, never a pass."""
        ...

    def reads_alike(self, typed: str, checked: str) -> bool:
        """Whether the engine reads `typed` (a person's SQL, which passed every check with the
        cross-check on that text) as the same query as `checked` (the guard's regeneration of
        the tree it judged). When not, running `typed` could run something the checker never
        saw, so the loop asks the person about the regeneration instead."""
        ...

    def execute(self, sql: str, limits: Limits) -> QueryResult | QueryError: ...

    def stream(self, sql: str, timeout_s: float) -> RowStream:
        """Start streaming `sql` (raises StreamError); the caller closes the stream."""
        ...

    def interrupt(self) -> None: ...

    def fingerprint_source(self) -> str:
        """A short stable description of the database content for the session log."""
        ...

    def close(self) -> None: ...
