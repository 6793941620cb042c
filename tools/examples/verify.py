"""Whether an example's SQL still holds: it passes today's guard and runs within the limits.

The same test admits an example (`examples add`, `import`, saving an approved turn is already
past it) and keeps it (`examples check`), so an example in use is one that would be accepted now.
"""

from __future__ import annotations

from dataclasses import dataclass

from tools.databases.base import Database, Limits, QueryError
from tools.guard import check_for


@dataclass(frozen=True)
class Verified:
    """The verdict on one example's SQL: `problem` is one line ("" when it holds), `sql` the text
    as it ran (the person's text as typed when it passes)."""

    problem: str
    sql: str
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problem


def verify_sql(database: Database, sql: str, limits: Limits) -> Verified:
    """Guard (on the database's catalog with its exclusions) then execute under `limits`."""
    verdict = check_for(database, sql, as_typed=True)
    if not verdict.ok:
        first = verdict.problems[0]
        more = f" (and {len(verdict.problems) - 1} more)" if len(verdict.problems) > 1 else ""
        return Verified(f"the guard refuses it: {first.code}: {first.message}{more}", sql)
    ran = verdict.sql or sql
    result = database.execute(ran, limits)
    if isinstance(result, QueryError):
        what = "it timed out" if result.kind == "timeout" else f"it failed: {result.message.splitlines()[0]}"
        return Verified(what, ran)
    return Verified("", ran, result.row_count)
