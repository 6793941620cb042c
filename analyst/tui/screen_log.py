"""The session-log events of the queries the results panel runs itself ("more rows", a table
sample, an export): the person caused them, so `sessions show` must list them like the loop's."""

from __future__ import annotations

from typing import Any

from agents.events import ScreenQueryRan
from tools.guard import sql_hash


def query_event(purpose: str, sql: str, outcome: Any) -> ScreenQueryRan:
    """From a `QueryResult` or a `QueryError` of `Database.execute`."""
    elapsed = getattr(outcome, "elapsed_ms", None)
    elapsed = round(elapsed, 3) if isinstance(elapsed, (int, float)) else None
    if hasattr(outcome, "rows"):
        return ScreenQueryRan(purpose, sql, sql_hash(sql), True, outcome.row_count, bool(outcome.truncated), elapsed)
    return ScreenQueryRan(purpose, sql, sql_hash(sql), False, None, False, elapsed, outcome.kind, outcome.message)


def export_event(sql: str, path: str, rows: int, elapsed_ms: float, error: str | None) -> ScreenQueryRan:
    """An export streams every row (no cap), so it is never truncated; `error` says why it stopped."""
    if error is None:
        return ScreenQueryRan("export", sql, sql_hash(sql), True, rows, False, round(elapsed_ms, 3), target=path)
    return ScreenQueryRan("export", sql, sql_hash(sql), False, None, False, round(elapsed_ms, 3), "export", error, path)
