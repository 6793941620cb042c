"""Who decides at the approval pause when a program drives analyst: a policy or its callable.

`"auto"` runs what the guard accepts (recorded as decided by policy), `"never"` checks and runs
nothing (a dry run), and a callable is shown a `PendingSql` and returns `Approve()`, `Edit(sql)`,
`Reject(feedback)` or `Abort()`. A callable that raises or returns anything else aborts the turn
(so the log never holds a question left pending) and the error is raised to the caller after.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from agents.decisions import Abort, Approve, Decision, Edit, Reject
from agents.outcome import Pending
from analyst.api.values import PendingSql
from tools.databases.base import Limits

Approver = Literal["auto", "never"] | Callable[[PendingSql], Decision]
DECISIONS = (Approve, Edit, Reject, Abort)


class CallableDecider:
    """The loop's decider around a caller's approval callable; keeps what it raised."""

    def __init__(self, approve: Callable[[PendingSql], Decision], limits: Limits, dialect: str, question: str | None):
        self._approve = approve
        self._limits = limits
        self._dialect = dialect
        self._question = question
        self.error: BaseException | None = None

    def __call__(self, pending: Pending) -> Decision:
        from tools.guard import sql_warnings

        shown = PendingSql(
            pending.sql,
            pending.sql_hash,
            pending.tables,
            self._limits,
            tuple(sql_warnings(pending.sql, self._dialect)),
            pending.problems,
            self._question,
        )
        try:
            decision = self._approve(shown)
        except Exception as exc:
            self.error = exc
            return Abort(decided_by="policy")
        if not isinstance(decision, DECISIONS):
            self.error = TypeError(
                f"an approval callable returns analyst.Approve(), Edit(sql), Reject(feedback) or Abort(), not {decision!r}"
            )
            return Abort(decided_by="policy")
        return decision


def check_approver(approve: object) -> None:
    """Refuse a misspelt policy before anything runs."""
    if approve in ("auto", "never") or callable(approve):
        return
    raise ValueError(f'approve must be "auto", "never" or a callable returning a decision, not {approve!r}')
