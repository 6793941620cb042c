"""The analyst loop: an explicit state machine that pauses for approval and never waits on a person.

| phase     | outcome                                   | next                                         |
|-----------|-------------------------------------------|----------------------------------------------|
| THINK     | model calls schema tools                  | LOOKUP                                       |
| THINK     | model calls `run_sql` (or a ```sql block) | CHECK                                        |
| THINK     | model calls `ask_user` (or `CLARIFY:`)    | CLARIFY (pause)                              |
| THINK     | model answers in text only                | SUMMARIZE if a query succeeded this turn;    |
|           |                                           | FAILED (no_result) if SQL was proposed but   |
|           |                                           | none succeeded; else DONE (answered, not     |
|           |                                           | grounded: no query ran)                      |
| THINK     | provider error after retries              | FAILED (error.kind = provider)               |
| LOOKUP    | tool results appended                     | THINK                                        |
| CHECK     | guard ok                                  | APPROVE (pause)                              |
| CHECK     | guard rejects                             | THINK with the problems; 3 rejections → REJECTED |
| APPROVE   | Approve                                   | EXECUTE                                      |
| APPROVE   | Edit(sql)                                 | CHECK the edit; if it passes it runs as typed without asking again |
| APPROVE   | Reject(feedback)                          | THINK with the feedback (empty = Abort)      |
| APPROVE   | Abort                                     | ABORTED                                      |
| CLARIFY   | reply(text)                               | THINK with the person's answer               |
| CLARIFY   | stop_unclarified() (nobody to ask)        | NEEDS_CLARIFICATION                          |
| EXECUTE   | ok                                        | THINK with a result preview                  |
| EXECUTE   | error / timeout                           | THINK with the error; 3 database errors → FAILED |
| SUMMARIZE | answer text                               | DONE (answered, grounded)                    |
| any       | interrupt                                 | INTERRUPTED                                  |
| any       | step cap (12), cost cap or token cap      | FAILED                                       |

Drivers call `ask(question)` and then `decide(decision)` while the result is a `Pending`, and
`reply(text)` (or `stop_unclarified()`) while it is a `Clarification`; they differ only in who
decides, who answers, and where events go (the `emit` callback).

An answer is *grounded* when a query that succeeded in the same turn backs it. Words after SQL was
proposed and none succeeded (refused by the guard, rejected by the person, failed in the database)
are a guess: the turn fails (`no_result`) and keeps the words only as not from the data.
"""

from __future__ import annotations

from agents import clarify
from agents.decisions import Approve, Decision, Edit, Reject
from agents.events import (
    AnswerGiven,
    ApprovalDecided,
    ApprovalRequested,
    ClarificationAnswered,
    ClarificationRequested,
    ConversationStarted,
    QuestionAsked,
    RunFinished,
)
from agents.history import History
from agents.outcome import Clarification, ErrorKind, Outcome, Pending, RunEnded, Status
from agents.phases import Phase, Phases
from agents.turns import Turn
from tools.guard import Verdict, check_for, typed_text


class AnalystLoop(Phases):
    """One conversation with one model over one database; turns are follow-up questions."""

    def ask(self, question: str) -> Pending | Clarification | Outcome:
        self._turn = Turn(question)
        self._interrupted = False
        self.emit(QuestionAsked(question))
        self._start_turn(question)
        return self._run(Phase.THINK)

    def decide(self, decision: Decision) -> Pending | Clarification | Outcome:
        turn = self._require_pending()
        verdict = turn.verdict
        assert verdict is not None
        if isinstance(decision, Approve):
            if not verdict.ok:
                turn.pending = True
                raise ValueError("cannot approve SQL that failed the guard")
            self.emit(ApprovalDecided(verdict.sql_hash or "", "approve", decision.decided_by))
            return self._run(Phase.EXECUTE)
        if isinstance(decision, Edit):
            return self._edit(turn, verdict, decision)
        if isinstance(decision, Reject) and decision.feedback.strip():
            self.emit(
                ApprovalDecided(verdict.sql_hash or "", "reject", decision.decided_by, feedback=decision.feedback)
            )
            turn.attempts.append(f"the person rejected it ({decision.feedback.strip().splitlines()[0]})")
            self._tool_result(
                f"The person rejected this SQL and did not run it. Their feedback: {decision.feedback.strip()}"
            )
            return self._run(Phase.THINK)
        self.emit(ApprovalDecided(verdict.sql_hash or "", "abort", decision.decided_by))
        self._tool_result("The person aborted; the SQL was not run.")
        return self._finish(RunEnded(Status.ABORTED))

    def reply(self, text: str, answered_by: str = "human") -> Pending | Clarification | Outcome:
        """The person's answer to the model's clarifying question; the same turn goes on."""
        if not text.strip():
            raise ValueError("an empty reply answers nothing; reply with text, or stop_unclarified()")
        self._require_clarification()
        self.emit(ClarificationAnswered(text.strip(), answered_by))
        self._tool_result(clarify.reply_message(text))
        return self._run(Phase.THINK)

    def stop_unclarified(self) -> Outcome:
        """Nobody can answer (`--approve auto|never`, batch, eval, a cancelled question): the turn
        ends `needs_clarification` with the model's question, and nothing is guessed."""
        self._require_clarification()
        self._tool_result(clarify.UNANSWERED)
        return self._finish(RunEnded(Status.NEEDS_CLARIFICATION))

    def _edit(self, turn: Turn, verdict: Verdict, decision: Edit) -> Pending | Clarification | Outcome:
        """A person's SQL runs as they typed it (the edit is their approval of that text). Only
        when the engine reads their text differently from the checker does the checked rewrite
        take its place, and then it is shown and asked about again, never run unseen."""
        edited = check_for(self.database, decision.sql, catalog=self.catalog, as_typed=True)
        rewritten = (
            edited.ok
            and edited.sql != edited.checked
            and not self.database.reads_alike(edited.sql or "", edited.checked or "")
        )
        if rewritten:
            edited = check_for(self.database, decision.sql, catalog=self.catalog)
        self._emit_check(edited, "human")
        self.emit(
            ApprovalDecided(
                verdict.sql_hash or "",
                "edit",
                decision.decided_by,
                edited_sql=decision.sql,
                edited_hash=edited.sql_hash,
            )
        )
        turn.verdict = edited
        if not edited.ok:
            turn.pending = True
            return Pending(
                edited.sql or typed_text(decision.sql), edited.sql_hash or "", edited.tables, edited.problems
            )
        if rewritten:
            assert edited.sql and edited.sql_hash
            turn.pending = True
            self.emit(ApprovalRequested(edited.sql, edited.sql_hash, list(edited.tables)))
            return Pending(edited.sql, edited.sql_hash, edited.tables, rewritten_from=typed_text(decision.sql))
        return self._run(Phase.EXECUTE)

    def stop_dry_run(self) -> Outcome:
        """`--approve never`: record the checked SQL and end without executing it."""
        turn = self._require_pending()
        assert turn.verdict is not None
        self.emit(ApprovalDecided(turn.verdict.sql_hash or "", "dry_run", "policy"))
        self._tool_result("Dry run: the SQL was checked but not executed.")
        return self._finish(RunEnded(Status.DRY_RUN))

    def new_conversation(self) -> None:
        """Forget the earlier turns: the next question is sent as a first one. Usage and cost
        stay (they are the session's, and caps apply to the session)."""
        self.history = History()
        self._turn = None
        self.emit(ConversationStarted())

    def interrupt(self) -> None:
        """Ask the loop to stop; a running query is interrupted at once."""
        self._interrupted = True
        self.database.interrupt()

    def abandon(self) -> Outcome:
        """End the turn as interrupted from outside, when its worker is stuck (e.g. in a model call)."""
        self._interrupted = True
        return self._finish(RunEnded.interrupted())

    def _run(self, phase: Phase) -> Pending | Clarification | Outcome:
        """Step through the phases until the turn pauses (for a decision or a reply) or ends."""
        turn = self._turn
        assert turn is not None
        step: Phase | Pending | Clarification | RunEnded = phase
        try:
            while isinstance(step, Phase):
                step = RunEnded.interrupted() if self._interrupted else self._step(turn, step)
        except KeyboardInterrupt:
            self.database.interrupt()
            step = RunEnded.interrupted()
        return self._finish(step) if isinstance(step, RunEnded) else step

    def _step(self, turn: Turn, phase: Phase) -> Phase | Pending | Clarification | RunEnded:
        """One phase: the next phase, a pause, or the end of the turn."""
        if phase is Phase.THINK:
            return self._think(turn)
        if phase is Phase.LOOKUP:
            return self._lookup(turn)
        if phase is Phase.CHECK:
            return self._check(turn)
        if phase is Phase.APPROVE:
            verdict = turn.verdict
            assert verdict is not None and verdict.sql and verdict.sql_hash
            turn.pending = True
            self.emit(ApprovalRequested(verdict.sql, verdict.sql_hash, list(verdict.tables)))
            return Pending(verdict.sql, verdict.sql_hash, verdict.tables)
        if phase is Phase.CLARIFY:
            assert turn.clarifying is not None
            self.emit(ClarificationRequested(turn.clarifying))
            return Clarification(turn.clarifying)
        if phase is Phase.EXECUTE:
            return self._execute(turn)
        if phase is Phase.SUMMARIZE:
            return self._summarize(turn)
        return RunEnded(Status.ANSWERED)

    def _require_clarification(self) -> Turn:
        turn = self._turn
        if turn is None or turn.clarifying is None or turn.finished is not None:
            raise RuntimeError("no clarifying question is waiting for a reply")
        turn.clarifying = None
        return turn

    def _require_pending(self) -> Turn:
        turn = self._turn
        if turn is None or not turn.pending or turn.verdict is None:
            raise RuntimeError("no SQL is waiting for a decision")
        turn.pending = False
        return turn

    def _finish(self, ended: RunEnded) -> Outcome:
        turn = self._turn
        assert turn is not None
        with self._finish_lock:
            if turn.finished is not None:  # abandoned from outside, then the worker came back
                return turn.finished
            turn.finished = self._build_outcome(turn, ended)
            return turn.finished

    def _build_outcome(self, turn: Turn, ended: RunEnded) -> Outcome:
        answer, flagged = self._last_answer
        clarification = None
        if ended.status is not Status.ANSWERED:
            answer, flagged = None, ()
            if ended.error and ended.error.kind is ErrorKind.NO_RESULT:
                answer = turn.last_text.strip() or None  # kept, and marked: not from the data
            if ended.status is Status.NEEDS_CLARIFICATION:
                clarification = turn.asked
        elif turn.last_success() is None:  # words with no query at all: answered, but not grounded
            answer, flagged = turn.last_text.strip() or None, ()
            self.emit(AnswerGiven(answer or "", [], grounded=False))
        self._last_answer = (None, ())
        turn.clarifying = None
        self.emit(RunFinished(ended.status, ended.error, {**self.usage.to_json(), "cost_usd": self.cost}))
        return turn.outcome(ended, answer, tuple(flagged), self.usage, self.cost, clarification)
