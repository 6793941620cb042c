"""One question's turn: the state the loop keeps across its pauses.

A turn can pause for approval and resume on a different call (`decide`), possibly from another
thread, so its state lives in one object rather than in the call stack. What it ends with (paused:
`Pending`, `Clarification`; finished: `Outcome`) is in agents/outcome.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agents.models.base import ToolCall, Usage
from agents.outcome import ExecutedQuery, Outcome, RunEnded, Status
from tools.guard import Verdict


@dataclass
class Proposal:
    """SQL (or a schema lookup) the model asked for, with the tool call that still needs a result."""

    sql: str
    call: ToolCall | None  # None when the SQL came in a ```sql block


@dataclass
class Turn:
    """Counters and the current proposal of one question, kept while the loop waits on a decision."""

    question: str
    steps: int = 0
    rejections: int = 0
    db_errors: int = 0
    queries: list[ExecutedQuery] = field(default_factory=list)
    proposal: Proposal | None = None
    verdict: Verdict | None = None
    pending: bool = False
    last_text: str = ""
    attempts: list[str] = field(default_factory=list)  # what became of each SQL the model proposed
    sql_texts: list[str] = field(default_factory=list)  # every SQL checked this turn, as proposed and as regenerated
    clarifying: str | None = None  # the model's question while the turn waits for the person's reply
    asked: str | None = None  # the latest question the model asked this turn
    finished: Outcome | None = None  # set once, so an abandoned turn's late worker gets the same outcome

    def last_success(self) -> ExecutedQuery | None:
        """The latest query that returned rows: the one an answer describes."""
        return next((q for q in reversed(self.queries) if q.result is not None), None)

    def outcome(
        self,
        ended: RunEnded,
        answer: str | None,
        flagged: tuple[str, ...],
        usage: Usage,
        cost: float | None,
        clarification: str | None = None,
    ) -> Outcome:
        """The turn as it ended; a dry run reports the SQL it checked, since nothing ran."""
        last_ok = self.last_success()
        sql = (
            last_ok.sql if last_ok else (self.verdict.sql if ended.status is Status.DRY_RUN and self.verdict else None)
        )
        return Outcome(
            status=ended.status,
            question=self.question,
            answer=answer,
            sql=sql,
            result=last_ok.result if last_ok else None,
            queries=tuple(self.queries),
            error=ended.error,
            usage=usage,
            cost_usd=cost,
            unverified_numbers=flagged,
            clarification=clarification,
            proposed_sql=(self.verdict.sql or self.verdict.sql_in) if self.verdict else None,
        )
