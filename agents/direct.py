"""A statement the caller wrote (not the model) as a logged turn: checked, approved, run.

Front ends that serve other programs (the Python API's `run`, the MCP server's `run_sql`) are
handed SQL directly. It goes through the loop's own parts — the guard as `check_for` runs it, the
approval pause, the read-only engine under the session's limits, the same events — so a session
log reads the same whoever wrote the SQL, and `sessions show`, `replay` and `export` need no
second format. The turn is marked by its check's source, `caller`.

Like the loop it never waits on a person: `start` returns a `Pending` (or an `Outcome` when the
guard refuses), and the driver comes back with `decide`, so an async front end can ask its client
between the two.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agents.decisions import Approve, Decision, Edit, Reject
from agents.events import (
    ApprovalDecided,
    ApprovalRequested,
    QueryExecuted,
    QueryFailed,
    QuestionAsked,
    RunFinished,
    SqlChecked,
)
from agents.models.base import Usage
from agents.outcome import ErrorKind, ExecutedQuery, Outcome, Pending, RunError, Status
from agents.settings import Settings
from tools.databases.base import Database, QueryError
from tools.fingerprint import has_top_level_order, normalize_value, result_fingerprint
from tools.guard import Verdict, check_for, typed_text

CALLER = "caller"  # SqlChecked.source of a statement the calling program wrote


def check_given(database: Database, sql: str) -> Verdict:
    """The guard on a caller's SQL: it runs as written, unless the engine would read that text
    unlike the checker did; then the checked regeneration is what runs (and what is approved)."""
    verdict = check_for(database, sql, as_typed=True)
    if (
        verdict.ok
        and verdict.sql != verdict.checked
        and not database.reads_alike(verdict.sql or "", verdict.checked or "")
    ):
        verdict = check_for(database, sql)
    return verdict


class DirectTurn:
    """One caller statement as a turn of a session (`emit` writes its events)."""

    def __init__(self, database: Database, settings: Settings, emit: Callable[[Any], None]) -> None:
        self.database = database
        self.settings = settings
        self.emit = emit
        self.verdict: Verdict | None = None
        self._sql = ""

    def start(self, sql: str) -> Pending | Outcome:
        """Check `sql`; a refusal ends the turn (status rejected, the guard's problems logged)."""
        self._sql = sql
        self.emit(QuestionAsked(sql))
        verdict = check_given(self.database, sql)
        self.verdict = verdict
        self.emit(
            SqlChecked(
                CALLER,
                sql,
                verdict.sql,
                verdict.sql_hash,
                verdict.ok,
                [{"code": p.code, "message": p.message} for p in verdict.problems],
                list(verdict.tables),
            )
        )
        if not verdict.ok:
            message = verdict.problems[0].message if verdict.problems else "refused by the guard"
            return self._end(Status.REJECTED, RunError(ErrorKind.GUARD, message))
        assert verdict.sql and verdict.sql_hash
        self.emit(ApprovalRequested(verdict.sql, verdict.sql_hash, list(verdict.tables)))
        return Pending(verdict.sql, verdict.sql_hash, verdict.tables)

    def decide(self, decision: Decision | None) -> Outcome:
        """Run, or not: `None` is a dry run; an edit is a new statement checked again; a
        rejection has no model to go back to, so nothing runs and its feedback is logged."""
        verdict = self.verdict
        assert verdict is not None and verdict.ok and verdict.sql and verdict.sql_hash
        if decision is None:
            self.emit(ApprovalDecided(verdict.sql_hash, "dry_run", "policy"))
            return self._end(Status.DRY_RUN)
        if isinstance(decision, Approve):
            self.emit(ApprovalDecided(verdict.sql_hash, "approve", decision.decided_by))
            return self._execute(verdict)
        if isinstance(decision, Edit):
            return self._edit(verdict, decision)
        if isinstance(decision, Reject) and decision.feedback.strip():
            self.emit(ApprovalDecided(verdict.sql_hash, "reject", decision.decided_by, feedback=decision.feedback))
            return self._end(Status.ABORTED)
        self.emit(ApprovalDecided(verdict.sql_hash, "abort", decision.decided_by))
        return self._end(Status.ABORTED)

    def _edit(self, verdict: Verdict, decision: Edit) -> Outcome:
        assert verdict.sql_hash
        edited = check_given(self.database, decision.sql)
        self.verdict = edited
        self.emit(
            SqlChecked(
                "human",
                decision.sql,
                edited.sql,
                edited.sql_hash,
                edited.ok,
                [{"code": p.code, "message": p.message} for p in edited.problems],
                list(edited.tables),
            )
        )
        self.emit(
            ApprovalDecided(
                verdict.sql_hash, "edit", decision.decided_by, edited_sql=decision.sql, edited_hash=edited.sql_hash
            )
        )
        if not edited.ok:
            message = edited.problems[0].message if edited.problems else "refused by the guard"
            return self._end(Status.REJECTED, RunError(ErrorKind.GUARD, message))
        return self._execute(edited)

    def _execute(self, verdict: Verdict) -> Outcome:
        assert verdict.sql and verdict.sql_hash
        outcome = self.database.execute(verdict.sql, self.settings.limits)
        if isinstance(outcome, QueryError):
            query = ExecutedQuery(verdict.sql, verdict.sql_hash, None, outcome, None)
            self.emit(QueryFailed(verdict.sql, verdict.sql_hash, outcome.kind, outcome.message, outcome.elapsed_ms))
            if outcome.kind == "interrupted":
                return self._end(Status.INTERRUPTED, RunError(ErrorKind.INTERRUPTED, "query interrupted"), (query,))
            first = outcome.message.splitlines()[0] if outcome.message else outcome.kind
            return self._end(Status.FAILED, RunError(ErrorKind.DATABASE, f"{outcome.kind}: {first}"), (query,))
        fingerprint = result_fingerprint(outcome, has_top_level_order(verdict.sql, self.database.dialect))
        rows = [[normalize_value(v) for v in row] for row in outcome.rows] if self.settings.log_rows else None
        self.emit(
            QueryExecuted(
                verdict.sql,
                verdict.sql_hash,
                [{"name": c.name, "type": c.type} for c in outcome.columns],
                outcome.row_count,
                outcome.truncated,
                round(outcome.elapsed_ms, 3),
                fingerprint,
                rows,
            )
        )
        query = ExecutedQuery(verdict.sql, verdict.sql_hash, outcome, None, fingerprint)
        return self._end(Status.ANSWERED, None, (query,))

    def _end(self, status: Status, error: RunError | None = None, queries: tuple[ExecutedQuery, ...] = ()) -> Outcome:
        usage = Usage(0, 0)
        self.emit(RunFinished(status, error, {**usage.to_json(), "cost_usd": 0.0}))
        last = queries[-1] if queries and queries[-1].result is not None else None
        verdict = self.verdict
        return Outcome(
            status=status,
            question=self._sql,
            answer=None,
            sql=last.sql if last else (verdict.sql if verdict is not None and status is Status.DRY_RUN else None),
            result=last.result if last else None,
            queries=queries,
            error=error,
            usage=usage,
            cost_usd=0.0,
            proposed_sql=verdict.sql if verdict is not None else typed_text(self._sql),
        )
