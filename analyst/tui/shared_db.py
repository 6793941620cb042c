"""The session's database as the screen shares it: the loop's queries are reported (so their rows
can be shown as soon as they arrive) and refused once the step was cancelled; the screen's own
queries (samples, show more, EXPLAIN) run beside them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from tools.catalog import Catalog
from tools.databases.base import Database, Limits, QueryError, QueryResult
from tools.guard.problems import Problem


class SharedDatabase:
    """Wraps a `Database`; `execute` is the loop's path, `run` and `explain` the screen's own."""

    def __init__(self, inner: Database, on_result: Callable[[str, QueryResult], None] | None = None) -> None:
        self.inner = inner
        self.on_result = on_result
        self._interrupted = threading.Event()

    @property
    def dialect(self) -> str:
        return str(self.inner.dialect)

    @property
    def uri(self) -> str:
        return str(self.inner.uri)

    def catalog(self) -> Catalog:
        return self.inner.catalog()

    def cross_check(self, sql: str) -> list[Problem]:
        return list(self.inner.cross_check(sql))

    def fingerprint_source(self) -> str:
        return str(self.inner.fingerprint_source())

    def execute(self, sql: str, limits: Limits) -> QueryResult | QueryError:
        """The loop's queries: refused once interrupted (Esc may land just before one starts)."""
        if self._interrupted.is_set():
            return QueryError("interrupted", "query interrupted")
        outcome = self.inner.execute(sql, limits)
        if isinstance(outcome, QueryResult) and self.on_result is not None:
            self.on_result(sql, outcome)
        return outcome

    def run(self, sql: str, limits: Limits) -> QueryResult | QueryError:
        """The screen's own queries: not reported, not refused after an interrupt."""
        return self.inner.execute(sql, limits)

    def reads_alike(self, typed: str, checked: str) -> bool:
        return bool(self.inner.reads_alike(typed, checked))

    def explain(self, sql: str, limits: Limits) -> QueryResult | QueryError:
        """The plan of checked SQL; PostgreSQL has its own way to ask, DuckDB takes `EXPLAIN <sql>`."""
        native = getattr(self.inner, "explain", None)
        if native is not None:
            return native(sql, limits)
        return self.inner.execute(f"EXPLAIN {sql}", limits)

    def interrupt(self) -> None:
        self._interrupted.set()
        self.inner.interrupt()

    def clear_interrupt(self) -> None:
        """Called before each loop step: an old Esc must not stop the next question's query."""
        self._interrupted.clear()

    def close(self) -> None:
        self.inner.close()
