"""The session-log events of the queries the results panel runs itself ("more rows", a table
sample, an export): the person caused them, so `sessions show` must list them like the loop's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agents.events import ScreenQueryRan
from tools.guard import sql_hash

if TYPE_CHECKING:
    from analyst.tui.paging import PageJob
    from tools.databases.base import QueryError, QueryResult


def query_event(purpose: str, sql: str, outcome: QueryResult | QueryError) -> ScreenQueryRan:
    """From a `QueryResult` or a `QueryError` of `Database.execute`."""
    from tools.databases.base import QueryResult

    elapsed = getattr(outcome, "elapsed_ms", None)
    elapsed = round(elapsed, 3) if isinstance(elapsed, (int, float)) else None
    if isinstance(outcome, QueryResult):
        return ScreenQueryRan(purpose, sql, sql_hash(sql), True, outcome.row_count, bool(outcome.truncated), elapsed)
    return ScreenQueryRan(purpose, sql, sql_hash(sql), False, None, False, elapsed, outcome.kind, outcome.message)


def export_event(sql: str, path: str, rows: int, elapsed_ms: float, error: str | None) -> ScreenQueryRan:
    """An export streams every row (no cap), so it is never truncated; `error` says why it stopped."""
    if error is None:
        return ScreenQueryRan("export", sql, sql_hash(sql), True, rows, False, round(elapsed_ms, 3), target=path)
    return ScreenQueryRan("export", sql, sql_hash(sql), False, None, False, round(elapsed_ms, 3), "export", error, path)


def page_event(job: PageJob, result: QueryResult | None, error: str | None, elapsed_ms: float) -> ScreenQueryRan:
    """A page of the shown result (`m`/`M`): the approved SQL ran again and rows `first`..`last`
    were kept; `truncated` says rows exist after the page. A cancelled or failed read is logged
    too, since the query reached the database either way."""
    target = f"rows {job.first}-{job.last}"
    if error is None:
        assert result is not None
        return ScreenQueryRan(
            "more",
            job.sql,
            sql_hash(job.sql),
            True,
            result.row_count,
            bool(result.truncated),
            round(elapsed_ms, 3),
            target=target,
        )
    return ScreenQueryRan(
        "more", job.sql, sql_hash(job.sql), False, None, False, round(elapsed_ms, 3), "page", error, target
    )
