"""One page of a shown result: rows `offset+1 .. offset+size` of the SQL that produced it.

"Show more" used to run the SQL again with a cap ten times higher, up to 100,000 rows, all held
as Python rows and table cells (about 1 GB and 30 s for a wide result). A page instead streams
the same approved SQL (the exact text and hash the person approved: nothing is wrapped around
it, so the guard and the approval hash still describe what runs), throws away the rows before
the page as they arrive, keeps `size` rows, and reads one more only to learn whether more exist.
Memory is one page of rows and one stream chunk, whatever the offset; the cost of a deep page is
the time to read past the rows before it, shown as progress and cancellable (Esc).

It runs on `Database.stream` (the export path): the same read-only connection and role, the
query time limit, and cells clipped as the loop clips them (`Limits.max_cell_bytes`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analyst.tui.shown_result import ShownResult
    from tools.databases.base import Database, Limits, QueryResult, RowStream, StreamError


class PageError(Exception):
    """The page could not be read; the message says why in one line."""


@dataclass
class PageJob:
    """One page fetch; `run` blocks (call it from a worker), `cancel` stops it from any thread."""

    database: Database  # DuckDB or PostgreSQL
    sql: str
    offset: int  # rows before the page
    size: int  # rows on the page
    limits: Limits  # the time limit and cell clipping
    source: ShownResult | None = None  # the result being paged, so a late page for an old result is dropped
    _cancelled: threading.Event = field(default_factory=threading.Event)
    _stream: RowStream | None = None

    @property
    def first(self) -> int:
        return self.offset + 1

    @property
    def last(self) -> int:
        return self.offset + self.size

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        self._cancelled.set()
        stream = self._stream
        if stream is not None:
            stream.cancel()

    def run(self, on_progress: Callable[[int], None] = lambda rows: None) -> QueryResult:
        """The page as a QueryResult (`truncated`: rows exist after it); raises PageError.
        `on_progress` gets the number of rows read so far (skipped and kept)."""
        from tools.databases.base import QueryResult, StreamError
        from tools.databases.fetch import clip_cell

        started = time.perf_counter()
        kept: list[tuple[Any, ...]] = []
        more = False
        read = 0
        try:
            self._stream = stream = self.database.stream(self.sql, self.limits.timeout_s)
            columns = stream.columns
            for chunk in stream.chunks():
                if self._cancelled.is_set():
                    raise PageError("cancelled")
                start = max(self.offset - read, 0)  # the part of this chunk on the page
                read += len(chunk)
                if start < len(chunk):
                    room = self.size - len(kept)
                    kept.extend(tuple(clip_cell(v, self.limits) for v in row) for row in chunk[start : start + room])
                    more = start + room < len(chunk)  # a row after the page: stop reading
                del chunk  # the skipped rows go now, not at the next fetch
                on_progress(read)
                if more:
                    break
        except StreamError as exc:
            raise PageError(self._reason(exc)) from None
        finally:
            if self._stream is not None:
                self._stream.close()
        if self._cancelled.is_set():
            raise PageError("cancelled")
        return QueryResult(columns, tuple(kept), more, (time.perf_counter() - started) * 1000)

    def _reason(self, exc: StreamError) -> str:
        if self._cancelled.is_set():
            return "cancelled"
        if exc.kind == "timeout":
            return f"stopped at the {self.limits.timeout_s:g} s time limit"
        lines = str(exc.message).strip().splitlines()
        return f"the query failed: {lines[0] if lines else exc.kind}"
