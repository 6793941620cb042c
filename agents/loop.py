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

import threading
from collections.abc import Callable
from enum import Enum
from typing import Any

from agents import clarify, prompts
from agents.decisions import Approve, Decision, Edit, Reject
from agents.events import (
    AnswerGiven,
    ApprovalDecided,
    ApprovalRequested,
    ClarificationAnswered,
    ClarificationRequested,
    ConversationStarted,
    Event,
    QueryExecuted,
    QueryFailed,
    QuestionAsked,
    RunFinished,
    SchemaRetrieved,
    SqlChecked,
    ToolRan,
)
from agents.history import History
from agents.metering import Meter
from agents.models.base import Message, Model, ModelRequest, ToolCall, Usage
from agents.outcome import Clarification, ErrorKind, ExecutedQuery, Outcome, Pending, RunEnded, RunError, Status
from agents.previews import PREVIEW_ROWS, SUMMARY_ROWS, preview, shape, summary_data, without_literals
from agents.questions import QuestionMessage, question_message
from agents.settings import Settings
from agents.sqltext import extract_sql_blocks
from agents.toolbox import LOOKUP_TOOLS, TOOL_NAMES, TOOL_SPECS, run_lookup
from agents.turns import Proposal, Turn
from agents.verify import unverified_numbers
from tools.catalog import without_samples
from tools.databases.base import Database, QueryError, QueryResult
from tools.fingerprint import has_top_level_order, normalize_value, result_fingerprint
from tools.guard import Problem, Verdict, check_sql, typed_text
from tools.tokens import default_budget

BROKEN_CALLS_BEFORE_TEXT_MODE = 2  # a model that keeps breaking tool JSON gets the ```sql path
THINK_TEMPLATE = (f"{prompts.SYSTEM.name}+{prompts.QUESTION.name}", prompts.SYSTEM.hash + prompts.QUESTION.hash)
SUMMARY_TEMPLATE = (
    f"{prompts.SUMMARY.name}+{prompts.SUMMARY_INPUT.name}",
    prompts.SUMMARY.hash + prompts.SUMMARY_INPUT.hash,
)
SUMMARY_SKIPPED_ON = frozenset({ErrorKind.COST_CAP, ErrorKind.TOKEN_CAP, ErrorKind.PROVIDER})


class Phase(Enum):
    THINK = "think"
    LOOKUP = "lookup"
    CHECK = "check"
    APPROVE = "approve"
    CLARIFY = "clarify"
    EXECUTE = "execute"
    SUMMARIZE = "summarize"
    DONE = "done"


class AnalystLoop:
    """One conversation with one model over one database; turns are follow-up questions."""

    def __init__(
        self,
        model: Model,
        database: Database,
        settings: Settings,
        emit: Callable[[Event], None],
        catalog: Any = None,
        on_text: Callable[[str, str], None] | None = None,
    ) -> None:
        self.model = model
        self.on_text = on_text  # (purpose, delta): streamed text as it arrives
        self.database = database
        self.settings = settings
        self.emit = emit
        self.catalog = catalog if catalog is not None else database.catalog()
        if not settings.data_to_model:
            self.catalog = without_samples(self.catalog)
        self.tools_mode = bool(model.supports_tools)
        self.history = History()
        self.system = prompts.system_prompt(database.dialect, self.tools_mode)
        self.meter = Meter(emit, settings.budget, stopped=lambda: self._interrupted)
        self._turn: Turn | None = None
        self._interrupted = False
        self._broken_calls = 0
        self._finish_lock = threading.Lock()
        self.executing = False

    @property
    def messages(self) -> list[Message]:
        """The conversation so far, as the next request would send it (owned by `history`)."""
        return self.history.messages

    @messages.setter
    def messages(self, messages: list[Message]) -> None:
        self.history.messages = messages

    @property
    def usage(self) -> Usage:
        """Tokens used by every model call of the conversation so far (kept by `meter`)."""
        return self.meter.usage

    @usage.setter
    def usage(self, usage: Usage) -> None:
        self.meter.usage = usage

    @property
    def cost(self) -> float | None:
        """Dollars spent so far, or None once a call had no known price (kept by `meter`)."""
        return self.meter.cost

    @cost.setter
    def cost(self, cost: float | None) -> None:
        self.meter.cost = cost

    # -- driver API ------------------------------------------------------------------------

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

    def _edit(self, turn: Turn, verdict: Verdict, decision: Edit) -> Pending | Outcome:
        """A person's SQL runs as they typed it (the edit is their approval of that text). Only
        when the engine reads their text differently from the checker does the checked rewrite
        take its place, and then it is shown and asked about again, never run unseen."""
        edited = check_sql(
            decision.sql, self.catalog, self.database.dialect, cross_check=self._cross_check, as_typed=True
        )
        rewritten = (
            edited.ok
            and edited.sql != edited.checked
            and not self.database.reads_alike(edited.sql or "", edited.checked or "")
        )
        if rewritten:
            edited = check_sql(decision.sql, self.catalog, self.database.dialect, cross_check=self._cross_check)
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

    # -- phases ----------------------------------------------------------------------------

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

    def _think(self, turn: Turn) -> Phase | RunEnded:
        """Ask the model for its next step, within the caps and the context window."""
        ended = self.meter.check_caps(self.settings, turn.steps, self.model.name)
        if ended is not None:
            return ended
        turn.steps += 1
        tools = TOOL_SPECS if self.tools_mode else ()
        ended = self.history.fit(self.system, tools, self.model)
        if ended is not None:
            return ended
        response = self.meter.call(
            self.model,
            ModelRequest(self.system, tuple(self.messages), tools, purpose="think"),
            THINK_TEMPLATE,
            self.settings.prices,
            self.on_text,
        )
        if isinstance(response, RunEnded):
            return response
        if self._interrupted:  # a late reply to an abandoned step never enters the history
            return RunEnded.interrupted()
        calls = response.tool_calls if self.tools_mode else ()
        self.messages.append(Message("assistant", response.text, calls))
        turn.last_text = response.text
        if calls:
            return self._tool_called(turn, calls)
        return self._text_replied(turn, response.text)

    def _tool_called(self, turn: Turn, calls: tuple[ToolCall, ...]) -> Phase:
        """The model called a tool: run_sql, a schema lookup or ask_user (one call per step)."""
        first, rest = calls[0], calls[1:]
        for extra in rest:
            self.messages.append(
                Message(
                    "tool",
                    "Ignored: only one tool call per turn is allowed.",
                    tool_call_id=extra.id,
                    tool_name=extra.name,
                )
            )
        if first.error:
            self._broken_calls += 1
            self._tool_result(
                f"Your {first.name} call was not run: {first.error}. Call it again with valid JSON arguments.",
                first,
            )
            if self._broken_calls >= BROKEN_CALLS_BEFORE_TEXT_MODE:
                self._switch_to_text_mode()
            return Phase.THINK
        if first.name == "run_sql":
            sql = first.arguments.get("sql")
            if not isinstance(sql, str) or not sql.strip():
                turn.attempts.append("it had no SQL text")
                self._tool_result("run_sql needs a non-empty `sql` string argument.", first)
                return Phase.THINK
            turn.proposal = Proposal(sql, first)
            return Phase.CHECK
        if first.name in LOOKUP_TOOLS:
            turn.proposal = Proposal("", first)
            return Phase.LOOKUP
        if first.name == clarify.ASK_USER.name:
            question = first.arguments.get("question")
            if not isinstance(question, str) or not question.strip():
                self._tool_result("ask_user needs a non-empty `question` string argument.", first)
                return Phase.THINK
            return self._clarify(turn, question.strip(), Proposal("", first))
        self._tool_result(f"Unknown tool {first.name!r}. Available tools: {TOOL_NAMES}.", first)
        return Phase.THINK

    def _text_replied(self, turn: Turn, text: str) -> Phase | RunEnded:
        """The model replied in text: SQL in a ```sql block, a CLARIFY: question (without tools),
        or words, which answer only if a query of this turn succeeded."""
        blocks = extract_sql_blocks(text)
        if len(blocks) > 1:
            self.messages.append(
                Message(
                    "user",
                    "Your reply contains more than one different SQL query. Reply with exactly one ```sql block.",
                )
            )
            return Phase.THINK
        if blocks:
            turn.proposal = Proposal(blocks[0], None)
            return Phase.CHECK
        if not text.strip():
            self.messages.append(Message("user", "Your reply was empty. Propose a SQL query, or answer in plain text."))
            return Phase.THINK
        if not self.tools_mode:
            question = clarify.clarifying_question(text)
            if question is not None:
                return self._clarify(turn, question, Proposal("", None))
        if any(q.result for q in turn.queries):
            return Phase.SUMMARIZE
        if turn.attempts:  # SQL was proposed and none succeeded: words alone are a guess, not an answer
            self.emit(AnswerGiven(text.strip(), [], grounded=False))
            return RunEnded.failed(
                ErrorKind.NO_RESULT,
                f"no query succeeded, so the reply is not from your data; the last SQL proposed: {turn.attempts[-1]}",
            )
        return Phase.DONE

    def _clarify(self, turn: Turn, question: str, proposal: Proposal) -> Phase:
        """Pause for the person's answer; the pending call gets it (or the reason it never came)."""
        turn.proposal = proposal
        turn.clarifying = turn.asked = question
        return Phase.CLARIFY

    def _lookup(self, turn: Turn) -> Phase:
        assert turn.proposal and turn.proposal.call
        call = turn.proposal.call
        ok, text = run_lookup(
            call.name,
            call.arguments,
            self.catalog,
            self.database,
            self.settings.limits,
            allow_data=self.settings.data_to_model,
        )
        self.emit(ToolRan(call.name, call.arguments, ok, text[:200]))
        self._tool_result(text, call)
        return Phase.THINK

    def _check(self, turn: Turn) -> Phase | RunEnded:
        assert turn.proposal
        verdict = check_sql(turn.proposal.sql, self.catalog, self.database.dialect, cross_check=self._cross_check)
        turn.verdict = verdict
        self._emit_check(verdict, "model")
        if verdict.ok:
            return Phase.APPROVE
        turn.rejections += 1
        turn.attempts.append(f"the guard rejected it ({verdict.problems[0].message.splitlines()[0]})")
        problems = "\n".join(f"- [{p.code}] {p.message}" for p in verdict.problems)
        self._tool_result(
            f"The SQL was rejected by the checker and not run:\n{problems}\nFix these problems and propose the query again."
        )
        if turn.rejections >= self.settings.max_guard_rejections:
            message = f"the SQL was still rejected after {turn.rejections} attempts: {verdict.problems[0].message}"
            return RunEnded(Status.REJECTED, RunError(ErrorKind.GUARD, message))
        return Phase.THINK

    def _execute(self, turn: Turn) -> Phase | RunEnded:
        verdict = turn.verdict
        assert verdict is not None and verdict.ok and verdict.sql and verdict.sql_hash
        self.executing = True  # until the attempt is recorded: Ctrl+C then arrives as a value
        try:
            return self._execute_and_record(turn, verdict)
        finally:
            self.executing = False

    def _execute_and_record(self, turn: Turn, verdict: Verdict) -> Phase | RunEnded:
        assert verdict.sql and verdict.sql_hash
        outcome = self.database.execute(verdict.sql, self.settings.limits)
        if isinstance(outcome, QueryError):
            turn.queries.append(ExecutedQuery(verdict.sql, verdict.sql_hash, None, outcome, None))
            self.emit(QueryFailed(verdict.sql, verdict.sql_hash, outcome.kind, outcome.message, outcome.elapsed_ms))
            if outcome.kind == "interrupted" or self._interrupted:
                return RunEnded.interrupted("query interrupted by the user")
            turn.db_errors += 1
            turn.attempts.append(
                f"it failed in the database ({outcome.kind}: {outcome.message.splitlines()[0] if outcome.message else outcome.kind})"
            )
            message = outcome.message if self.settings.data_to_model else without_literals(outcome.message)
            self._tool_result(f"The query failed ({outcome.kind}): {message}\nFix the SQL and propose it again.")
            if turn.db_errors >= self.settings.max_db_errors:
                return RunEnded.failed(
                    ErrorKind.DATABASE,
                    f"the query failed {turn.db_errors} times; last error: {outcome.message.splitlines()[0]}",
                )
            return Phase.THINK
        ordered = has_top_level_order(verdict.sql, self.database.dialect)
        fingerprint = result_fingerprint(outcome, ordered)
        turn.queries.append(ExecutedQuery(verdict.sql, verdict.sql_hash, outcome, None, fingerprint))
        turn.attempts.append("it ran")
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
        self._tool_result(preview(outcome) if self.settings.data_to_model else shape(outcome))
        return Phase.THINK

    def _summarize(self, turn: Turn) -> RunEnded:
        last = turn.last_success()
        assert last is not None and last.result is not None
        if not self.settings.summarize:
            self._answer(turn.last_text, last.result, turn)
            return RunEnded(Status.ANSWERED)
        described, rows = summary_data(last.result, self.settings.data_to_model)
        content = prompts.SUMMARY_INPUT.render(question=turn.question, sql=last.sql, shape=described, rows=rows)
        request = ModelRequest(prompts.SUMMARY.text, (Message("user", content),), (), purpose="summarize")
        response = self.meter.check_spend(self.settings, self.model.name) or self.meter.call(
            self.model, request, SUMMARY_TEMPLATE, self.settings.prices, self.on_text
        )
        if isinstance(response, RunEnded):
            # the result is already paid for: a cap or a failing provider costs the summary, not the answer
            if response.error is None or response.error.kind not in SUMMARY_SKIPPED_ON:
                return response
            note = f"(No summary: {response.error.message}. The result is shown as the query returned it.)"
            self._answer(turn.last_text, last.result, turn, note)
            return RunEnded(Status.ANSWERED)
        self._answer(response.text.strip() or turn.last_text, last.result, turn)
        return RunEnded(Status.ANSWERED)

    # -- helpers ---------------------------------------------------------------------------

    def _answer(self, text: str, result: QueryResult, turn: Turn, note: str = "") -> None:
        """Record the grounded answer; numbers in it that the result does not hold are flagged,
        unless the person or analyst itself put them there (question, SQL, notes, limits)."""
        text = f"{text.strip()}\n\n{note}".strip() if note else text
        flagged = unverified_numbers(
            text, result.rows, "\n".join([turn.question, *turn.sql_texts, note, *self._limits_seen(result)])
        )
        self.emit(AnswerGiven(text, flagged))
        self._last_answer = (text, tuple(flagged))

    def _limits_seen(self, result: QueryResult) -> list[str]:
        """The cuts the model was told about for this result ("showing 20", "50 rows", the row
        limit): it may repeat them, and they are ours, not a claim about the data."""
        seen = []
        if result.truncated:
            seen.append(str(self.settings.limits.max_rows))
        if result.row_count > PREVIEW_ROWS:
            seen.append(str(PREVIEW_ROWS))
        if result.row_count > SUMMARY_ROWS:
            seen.append(str(SUMMARY_ROWS))
        return seen

    def _switch_to_text_mode(self) -> None:
        """Stop offering tools: flatten the tool history into plain messages and ask for ```sql."""
        self.history.switch_to_text_mode()
        self.tools_mode = False
        self.system = prompts.system_prompt(self.database.dialect, False)

    def _cross_check(self, sql: str) -> list[Any]:
        return [Problem("engine_rejects", message) for message in self.database.cross_check(sql)]

    def _emit_check(self, verdict: Verdict, source: str) -> None:
        if self._turn is not None:
            self._turn.sql_texts += [verdict.sql_in, *([verdict.sql] if verdict.sql else [])]
        self.emit(
            SqlChecked(
                source,
                verdict.sql_in,
                verdict.sql,
                verdict.sql_hash,
                verdict.ok,
                [{"code": p.code, "message": p.message} for p in verdict.problems],
                list(verdict.tables),
            )
        )

    def _tool_result(self, text: str, call: ToolCall | None = None) -> None:
        """Answer the pending tool call (every call gets a result), or add a user message."""
        turn = self._turn
        if call is None and turn is not None and turn.proposal is not None:
            call = turn.proposal.call
            turn.proposal = None
        self.history.add_result(text, call if self.tools_mode else None)

    def _start_turn(self, question: str) -> None:
        """Add the question with its schema slice to the history, recording what schema was sent."""
        self.history.answer_open_calls()
        message = self._question_message(question)
        chosen = message.schema
        self.emit(
            SchemaRetrieved(
                [c.table.qualified for c in chosen.tables],
                {c.table.qualified: c.why for c in chosen.tables},
                chosen.tokens,
                chosen.full_tokens,
                chosen.whole,
            )
        )
        self.history.start_turn(message.text, message.standalone, message.tables)

    def _question_message(self, question: str) -> QuestionMessage:
        budget = self.settings.schema_budget or default_budget(self.model.context_window)
        return question_message(
            self.catalog, question, budget, follow_up=bool(self.messages), sent_tables=self.history.sent_tables
        )

    def preview_request(self, question: str | None = None) -> ModelRequest:
        """Exactly what the next model request would contain (for a new `question`, or the
        current turn's next step), without sending it or changing any state."""
        messages = list(self.messages)
        if question:
            messages.append(Message("user", self._question_message(question).text))
        tools = TOOL_SPECS if self.tools_mode else ()
        return ModelRequest(self.system, tuple(messages), tools, purpose="think")

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
        answer, flagged = getattr(self, "_last_answer", (None, ()))
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
