"""The phases that move a turn along (the table in agents/loop.py): each returns the next phase,
or the `RunEnded` value that ends the turn. Pausing for a person is the state machine's job."""

from __future__ import annotations

from enum import Enum

from agents import clarify, prompts
from agents.events import AnswerGiven, QueryExecuted, QueryFailed, ToolRan
from agents.loop_state import LoopState
from agents.models.base import Message, ModelRequest, ToolCall
from agents.outcome import ErrorKind, ExecutedQuery, RunEnded, RunError, Status
from agents.previews import failure, preview, shape, summary_data
from agents.sqltext import extract_sql_blocks
from agents.toolbox import LOOKUP_TOOLS, TOOL_NAMES, TOOL_SPECS, run_lookup
from agents.turns import Proposal, Turn
from tools.databases.base import QueryError
from tools.fingerprint import has_top_level_order, normalize_value, result_fingerprint
from tools.guard import Verdict, check_for

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


class Phases(LoopState):
    """The work of each phase, over the conversation's state."""

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
        verdict = check_for(self.database, turn.proposal.sql, catalog=self.catalog)
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
            self._tool_result(f"{failure(outcome, self.settings.data_to_model)}\nFix the SQL and propose it again.")
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
