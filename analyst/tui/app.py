"""The app: run state and routing. Workers do the blocking work and post messages; the handlers
here own every state change; widgets and screens own their rendering.

Run state: `phase` is starting → idle ⇄ running ⇄ approving | clarifying (the model asked a
question: the next text typed in the question box is the answer, continuing the same turn). Each question gets a new
`generation`; `Esc` (or `ctrl+c`) abandons the running step by moving to the next generation (and
interrupts a running query), so the abandoned step's late messages are dropped on arrival.

Focus: every outcome (answered, failed, rejected, aborted, cancelled, interrupted, crashed) ends in
`_settle`, which puts the focus back in the question box, so typing goes into the next question
and never fires the one-letter result keys; `Esc` or `Tab` leaves the box to use them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input
from textual.worker import get_current_worker

from agents.events import ApprovalDecided, ModelCalled, ModelResponded
from agents.outcome import ErrorKind, Status
from analyst.errors import UserError
from analyst.tui.app_keys import KeyedApp, while_open
from analyst.tui.conversation import Conversation
from analyst.tui.inputs import QuestionInput
from analyst.tui.messages import (
    LoopEventPosted,
    ResultArrived,
    SessionFailed,
    SessionReady,
    StepCrashed,
    StepFinished,
    StepWaiting,
    TextStreamed,
)
from analyst.tui.results import ResultsPanel
from analyst.tui.runner import LoopRunner
from analyst.tui.shared_db import SharedDatabase
from analyst.tui.shown_result import ShownResult
from analyst.tui.sidebar import SchemaSidebar
from analyst.tui.status import StatusBar, database_label

if TYPE_CHECKING:
    from agents.decisions import Decision
    from agents.outcome import Outcome, Pending
    from agents.settings import Settings
    from analyst.config import Config
    from sessions.session import ResolvedModel, Session
    from tools.databases.base import Database, QueryError, QueryResult
    from tools.guard import Verdict

ACTIVITY = {"think": "thinking", "summarize": "writing the answer"}
QUESTION_PLACEHOLDER = "Ask about your data, then Enter  (? or F1: keys)"


class AnalystApp(KeyedApp):
    """analyst chat: ask, review, approve, watch, cancel."""

    CSS_PATH = "app.tcss"
    TITLE = "analyst"
    # Screen classes by terminal width (app.tcss): the schema sidebar narrows, then hides.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (64, "-medium"), (110, "-wide")]

    def __init__(self, config: Config, database: Database, resolved: ResolvedModel, settings: Settings) -> None:
        super().__init__()
        self.config = config
        self.resolved = resolved
        self.settings = settings
        self.runner = LoopRunner(self.post_message, lambda: self.generation)
        self.shared = SharedDatabase(database, on_result=self.runner.on_result)
        self.session: Session | None = None
        self.phase = "starting"
        self.generation = 0
        self.queued: str | None = None
        self.asking = ""  # the question of the running turn
        self.rateable_hash: str | None = None
        self.results_shown = 0
        self.closing = False
        self.conversation: Conversation
        self.results: ResultsPanel
        self.question: QuestionInput
        self.status: StatusBar

    # -- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self.conversation = Conversation(id="conversation")
        self.results = ResultsPanel(id="results")
        self.question = QuestionInput(placeholder=QUESTION_PLACEHOLDER, id="question")
        self.status = StatusBar(id="status")
        with Horizontal(id="body"):
            yield SchemaSidebar(id="sidebar")
            with Vertical(id="main"):
                yield self.conversation
                yield self.results
                yield self.question
        yield self.status
        yield Footer()

    def on_mount(self) -> None:
        from agents.models.base import Usage
        from agents.models.registry import cost_usd

        priced = cost_usd(self.resolved.model.name, Usage(0, 0), self.settings.prices) is not None
        self.status.set(
            activity="loading schema",
            model=self.resolved.model.name,
            database=database_label(self.shared.uri),
            cost=0.0 if priced else None,
        )
        self.question.focus()
        self._open_session()
        self._query_started: float | None = None
        self.set_interval(0.2, self._tick_query_clock)

    def _tick_query_clock(self) -> None:
        """While the loop's query runs, the status bar ticks its elapsed time against the limit."""
        import time

        from analyst.query_clock import elapsed_text

        loop = self.session.loop if self.session is not None else None
        if loop is None or not loop.executing or self.phase != "running":
            if self._query_started is not None:
                self._query_started = None
                self.status.set(elapsed="")
            return
        if self._query_started is None:
            self._query_started = time.monotonic()
        self.status.set(elapsed=elapsed_text(time.monotonic() - self._query_started, self.settings.limits.timeout_s))

    # -- session -------------------------------------------------------------------------------

    @work(thread=True, group="session", exit_on_error=False)
    def _open_session(self) -> None:
        """Open the log and load the catalog (the loop introspects it) off the screen's thread."""
        from analyst.wiring import open_session

        try:
            session = open_session(
                self.config,
                self.shared,
                self.resolved,
                self.settings,
                observer=self.runner.observe,
                on_text=self.runner.on_text,
            )
        except UserError as exc:
            self.post_message(SessionFailed(exc.message))
        except Exception as exc:
            self.post_message(SessionFailed(f"{type(exc).__name__}: {exc}"))
        else:
            if self.closing:
                session.close()  # the person quit while the catalog loaded
            else:
                self.post_message(SessionReady(session))

    @on(SessionReady)
    def _session_ready(self, message: SessionReady) -> None:
        self.session = message.session  # kept even when closing, so shutdown() closes its log
        self.runner.attach(message.session, self.shared)
        if self.closing or not self.conversation.is_mounted:
            return
        self.results.attach(self.shared, self.settings.limits, self._check, f"analyst-{message.session.id}")
        self.results.log_event = self.runner.record  # more rows, samples and exports are logged too
        self.query_one(SchemaSidebar).show_catalog(message.session.loop.catalog, database_label(self.shared.uri))
        self.phase = "idle"
        self.status.set(activity="ready", session=message.session.id)
        if self.queued is not None:
            question, self.queued = self.queued, None
            self._ask(question, shown=True)

    @on(SessionFailed)
    @while_open
    def _session_failed(self, message: SessionFailed) -> None:
        self.phase = "failed"
        self.status.set(activity="no session")
        self.conversation.add_notice(f"Cannot start the session: {message.message}", "bold red")
        self.notify(message.message, title="Cannot start the session", severity="error", markup=False, timeout=30)

    def shutdown(self, timeout: float = 1.0) -> bool:
        """Close the session log once no step runs; False if a step is still finishing."""
        self.closing = True
        self.runner.cancel()
        self.results.cancel_export()
        self.runner.abort_pending(timeout)
        if not self.runner.wait_idle(timeout):
            return False
        if self.session is not None:
            self.session.close()
        return True

    # -- asking --------------------------------------------------------------------------------

    @on(Input.Submitted, "#question")
    def _question_submitted(self, event: Input.Submitted) -> None:
        question = event.value.strip()
        if not question:
            return
        if self.phase in ("running", "approving"):
            self.notify("A step is still running: ctrl+c (or Esc outside the box) cancels it.", severity="warning")
            return
        if self.phase == "failed":
            self.notify("There is no session: see the message above; ctrl+q quits.", severity="error")
            return
        if self.phase == "clarifying":  # the answer to the model's question: the same turn goes on
            self.question.value = ""
            self._continue("reply", question)
            return
        self.question.value = ""
        self.question.remember(question)
        if self.phase == "starting":
            self.queued = question
            self.conversation.add_question(question)
            self.conversation.add_notice("loading the schema first…")
            return
        self._ask(question)

    def _ask(self, question: str, shown: bool = False) -> None:
        self.generation += 1
        self.asking = question  # shown above the SQL when it comes up for approval
        if not shown:
            self.conversation.add_question(question)
        self.phase = "running"
        self.rateable_hash = None
        self.status.set(activity="thinking")
        self.conversation.focus()
        self._step(self.generation, "ask", question)

    @work(thread=True, group="loop", exit_on_error=False)
    def _step(self, generation: int, kind: str, payload: str | Decision | None) -> None:
        """Wait on the step's daemon thread; on app exit, stop waiting (see runner.py)."""
        worker = get_current_worker()
        thread = self.runner.start(generation, kind, payload)
        while thread.is_alive():
            thread.join(0.1)
            if worker.is_cancelled:
                return

    def _continue(self, kind: str, payload: str | None) -> None:
        """Resume the paused turn: with the person's reply, or ("unclarified") without one."""
        self.phase = "running"
        self.question.placeholder = QUESTION_PLACEHOLDER
        self.status.set(activity="thinking")
        self.conversation.focus()
        self._step(self.generation, kind, payload)

    def _current(self, generation: int) -> bool:
        return generation == self.generation and self.phase in ("running", "approving", "clarifying")

    @on(StepWaiting)
    @while_open
    def _step_waiting(self, message: StepWaiting) -> None:
        if self._current(message.generation):
            self.conversation.add_notice("waiting for the cancelled step to finish its model call…")

    @on(LoopEventPosted)
    @while_open
    def _loop_event(self, message: LoopEventPosted) -> None:
        if not self._current(message.generation):
            return
        event = message.event
        self.conversation.show_event(event)
        if isinstance(event, ModelCalled):
            self.status.set(activity=ACTIVITY.get(event.purpose, "thinking"))
        elif isinstance(event, ApprovalDecided) and event.decision in ("approve", "edit"):
            self.status.set(activity="running query")
        elif isinstance(event, ModelResponded):
            self._show_usage()

    @on(TextStreamed)
    @while_open
    def _text_streamed(self, message: TextStreamed) -> None:
        if self._current(message.generation):
            self.conversation.stream(message.purpose, message.delta)

    @on(ResultArrived)
    @while_open
    def _result_arrived(self, message: ResultArrived) -> None:
        if not self._current(message.generation):
            return
        self.results_shown += 1
        shown = ShownResult(
            f"result {self.results_shown}",
            message.sql,
            message.sql_hash,
            message.result,
            self.settings.limits.max_rows,
            True,
        )
        self.results.show(shown)

    @on(StepFinished)
    @while_open
    def _step_finished(self, message: StepFinished) -> None:
        from agents.outcome import Clarification, Pending

        if not self._current(message.generation):
            return  # abandoned: the runner aborts a paused loop before the next question
        self._show_usage()
        if isinstance(message.result, Pending):
            self._ask_approval(message.result, message.generation)
        elif isinstance(message.result, Clarification):
            self.phase = "clarifying"
            self.status.set(activity="waiting for your answer")
            self.question.placeholder = "Answer the model's question, then Enter  (Esc, Esc: leave it unanswered)"
            self.question.focus()
            self.refresh_bindings()
        else:
            self._finish(message.result)

    @on(StepCrashed)
    @while_open
    def _step_crashed(self, message: StepCrashed) -> None:
        if not self._current(message.generation):
            return
        self.conversation.end_run()
        self.conversation.add_notice(f"Something went wrong: {message.message}", "bold red")
        self.notify(message.message, title="Unexpected error", severity="error", markup=False, timeout=15)
        self._settle()

    def _settle(self) -> None:
        """A run is over, however it ended: idle, and the focus back in the question box."""
        self.phase = "idle"
        self.status.set(activity="ready")
        self.question.focus()
        self.refresh_bindings()

    def _finish(self, outcome: Outcome) -> None:
        error = outcome.error.message if outcome.error is not None else ""
        if outcome.status is Status.FAILED:
            provider = outcome.error is not None and outcome.error.kind is ErrorKind.PROVIDER
            title = "Model provider failed" if provider else "The run failed"
            self.notify(error or "failed", title=title, severity="error", markup=False, timeout=15)
        elif outcome.status is Status.REJECTED:
            self.notify(error, title="The checker rejected the SQL", severity="warning", markup=False, timeout=10)
        if outcome.status is Status.ANSWERED and outcome.result is not None and outcome.sql:
            from tools.guard import sql_hash

            self.rateable_hash = sql_hash(outcome.sql)
            if self.config.save_examples:  # every answered turn a person approved (config: save_examples)
                self.save_example()
        self._settle()

    def _show_usage(self) -> None:
        if self.session is None:
            return
        loop = self.session.loop
        self.status.set(input_tokens=loop.usage.input_tokens, output_tokens=loop.usage.output_tokens, cost=loop.cost)

    # -- approval ------------------------------------------------------------------------------

    def _ask_approval(self, pending: Pending, generation: int) -> None:
        from analyst.tui.approval import ApprovalScreen

        self.phase = "approving"
        self.status.set(activity="waiting for approval")

        def decided(decision: Decision | None) -> None:
            if generation != self.generation or self.phase != "approving":
                return
            self.phase = "running"
            self.status.set(activity="thinking")
            self._step(generation, "decide", decision)

        screen = ApprovalScreen(
            pending,
            limits=self.settings.limits,
            dialect=self.shared.dialect,
            explain=self._explain,
            check=self._check,
            question=self.asking,
        )
        self.push_screen(screen, decided)

    def _explain(self, sql: str) -> QueryResult | QueryError:
        """The plan of the SQL awaiting approval (it passed the guard; our code asks for the plan)."""
        from tools.databases.base import Limits

        return self.shared.explain(sql, Limits(timeout_s=self.settings.limits.timeout_s, max_rows=200))

    def _check(self, sql: str) -> Verdict:
        """The guard as the loop runs it, for the editor's live checks."""
        from tools.guard import check_for

        assert self.session is not None, "checks run once the session is open"
        return check_for(self.shared, sql, catalog=self.session.loop.catalog, as_typed=True)
