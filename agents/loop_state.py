"""The state one conversation of the loop keeps, and the helpers every phase shares.

AnalystLoop is built in three layers, each a module: this state (the model, database, history,
meter and current turn, and how results and checks are recorded), the phases that move a turn
along (agents/phases.py), and the state machine with its driver API (agents/loop.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from agents import prompts
from agents.events import AnswerGiven, Event, ExamplesUsed, SchemaRetrieved, SqlChecked
from agents.examples import examples_section
from agents.history import History
from agents.metering import Meter
from agents.models.base import Message, Model, ModelRequest, ToolCall, Usage
from agents.previews import PREVIEW_ROWS, SUMMARY_ROWS
from agents.questions import QuestionMessage, question_message
from agents.settings import Settings
from agents.toolbox import TOOL_SPECS
from agents.turns import Turn
from agents.verify import unverified_numbers
from tools.catalog import Catalog, without_samples
from tools.databases.base import Database, QueryResult
from tools.examples import Example
from tools.guard import Verdict, check_for
from tools.tokens import default_budget


class LoopState:
    """One conversation with one model over one database; turns are follow-up questions."""

    def __init__(
        self,
        model: Model,
        database: Database,
        settings: Settings,
        emit: Callable[[Event], None],
        catalog: Catalog | None = None,
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
        self._last_answer: tuple[str | None, tuple[str, ...]] = (None, ())  # set by a grounded answer
        self.executing = False
        self._example_ok: dict[str, bool] = {}  # example hash -> passes today's guard (judged once per loop)

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
        examples = self._examples_for(question)
        if examples:
            self.emit(
                ExamplesUsed(
                    [
                        {"id": e.id, "hash": e.hash, "source": str(e.source), "question": e.question, "sql": e.sql}
                        for e in examples
                    ]
                )
            )
        message = self._question_message(question, examples)
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

    def _question_message(self, question: str, examples: list[Example]) -> QuestionMessage:
        budget = self.settings.schema_budget or default_budget(self.model.context_window)
        return question_message(
            self.catalog,
            question,
            budget,
            follow_up=bool(self.messages),
            sent_tables=self.history.sent_tables,
            examples=examples_section(examples),
        )

    def _examples_for(self, question: str) -> list[Example]:
        """The verified examples this question's prompt carries: each only if its SQL passes
        today's guard on the catalog the model is shown, so an example reading a column hidden
        or a table excluded since it was saved never reaches the model."""
        chooser = self.settings.examples
        if chooser is None:
            return []

        def passes(example: Example) -> bool:
            if example.hash not in self._example_ok:
                verdict = check_for(self.database, example.sql, catalog=self.catalog)
                self._example_ok[example.hash] = verdict.ok
            return self._example_ok[example.hash]

        return chooser.choose(question, passes)

    def preview_request(self, question: str | None = None) -> ModelRequest:
        """Exactly what the next model request would contain (for a new `question`, or the
        current turn's next step), without sending it or changing any state."""
        messages = list(self.messages)
        if question:
            messages.append(Message("user", self._question_message(question, self._examples_for(question)).text))
        tools = TOOL_SPECS if self.tools_mode else ()
        return ModelRequest(self.system, tuple(messages), tools, purpose="think")
