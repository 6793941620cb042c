"""The main screen's keys: which apply when (`check_action`), and what each does.

A base class of the app, so the app module keeps the run state and its routing (session, asking,
approval) and this one the key table and the actions behind it. It reads the run state the app
owns (phase, generation, results, question) and never changes a phase itself except through the
app's `_continue` and `_settle`, which the app defines.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from textual import events, on, work
from textual.app import App
from textual.binding import Binding
from textual.message import Message

from analyst.tui.messages import AnswerRatedLogged
from analyst.tui.sidebar import TableChosen

if TYPE_CHECKING:
    from agents.events import AnswerRated
    from analyst.config import Config
    from analyst.tui.conversation import Conversation
    from analyst.tui.inputs import QuestionInput
    from analyst.tui.results import ResultsPanel
    from analyst.tui.runner import LoopRunner
    from analyst.tui.shared_db import SharedDatabase
    from sessions.session import Session

MAIN_SCREEN_ACTIONS = frozenset(
    {"rate", "more", "previous_page", "chart", "export", "focus_question", "cancel", "interrupt", "new_conversation"}
)
RESULT_ACTIONS = frozenset({"rate", "more", "previous_page", "chart", "export"})


_Posted = TypeVar("_Posted", bound=Message)
_App = TypeVar("_App", bound="KeyedApp")


def while_open(handler: Callable[[_App, _Posted], None]) -> Callable[[_App, _Posted], None]:
    """Drop a worker's message that arrives once the main screen is gone (the app is closing)."""

    @functools.wraps(handler)
    def checked(app: _App, message: _Posted) -> None:
        if not app.closing and app.screen_stack and app.conversation.is_mounted:
            handler(app, message)

    return checked


class KeyedApp(App[int]):
    """The key bindings and actions of the main screen (see the module docstring)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        # Priority: works from the question box too; when nothing runs, ctrl+c falls through to
        # Textual's own (copy in a text box, else the "press ctrl+q to quit" hint).
        Binding("ctrl+c", "interrupt", "Cancel", show=False, priority=True),
        Binding("ctrl+c", "help_quit", show=False, system=True),  # Textual's, which a key of ours would hide
        Binding("f1,question_mark", "help", "Help"),
        Binding("slash", "focus_question", "Ask"),
        Binding("y", "rate('good')", "Good answer"),
        Binding("n", "rate('bad')", "Bad answer"),
        Binding("m", "more", "More rows"),
        Binding("M", "previous_page", "Previous rows", show=False),
        Binding("c", "chart", "Chart"),
        Binding("x", "export", "Export"),
        Binding("ctrl+r", "show_request", "Next request"),
        Binding("ctrl+n", "new_conversation", "New conversation"),
        Binding("ctrl+b", "toggle_schema", "Schema", show=False),
    ]

    # the run state, owned by the app (analyst/tui/app.py)
    phase: str
    generation: int
    closing: bool
    rateable_hash: str | None
    save_offered: str | None = None  # the answer a second `y` saves as a verified example
    config: Config
    shared: SharedDatabase
    session: Session | None
    runner: LoopRunner
    conversation: Conversation
    results: ResultsPanel
    question: QuestionInput

    def _continue(self, kind: str, payload: str | None) -> None:
        raise NotImplementedError  # the app resumes a paused turn

    def _settle(self) -> None:
        raise NotImplementedError  # the app ends a run

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in MAIN_SCREEN_ACTIONS:
            return True
        if len(self.screen_stack) > 1 or not hasattr(self, "results"):
            return False  # a dialog is open; its own keys apply
        if action in ("cancel", "interrupt"):
            return (
                self.phase in ("running", "clarifying")
                or self.results.export_job is not None
                or self.results.page_job is not None
            )
        if action == "focus_question":
            return not self.question.has_focus
        if action == "new_conversation":
            return self.phase == "idle" and self.session is not None
        if action in RESULT_ACTIONS:
            if self.phase == "running":
                return False  # keys typed ahead during a step must not act on the last result
            if action == "rate":
                return bool(self.rateable_hash)
            return self.results.shown is not None
        return True

    def result_keys_apply(self) -> bool:
        """Whether the one-letter result keys would act (the question box's footer hint)."""
        return (
            len(self.screen_stack) == 1
            and self.phase != "running"
            and hasattr(self, "results")
            and self.results.shown is not None
        )

    def action_cancel(self) -> None:
        if self.phase == "clarifying":  # leave the model's question unanswered: the turn ends, nothing guessed
            self._continue("unclarified", None)
            return
        if self.phase == "running":
            self.generation += 1
            self.runner.cancel()
            self.conversation.end_run()
            self.conversation.add_notice("■ cancelled: the running step was stopped", "yellow")
            self.notify("Cancelled.")
            self._settle()
        self.results.cancel_export()
        self.results.cancel_page()
        self.refresh_bindings()

    def action_interrupt(self) -> None:
        """ctrl+c, from anywhere on the main screen: cancel as Esc does; check_action lets it
        through only while a step or an export runs, so otherwise Textual's ctrl+c applies."""
        self.action_cancel()

    def on_key(self, event: events.Key) -> None:
        """Type-ahead: while a step runs the conversation has the focus (so Esc cancels at once);
        a printable key typed there starts the next question in the box instead of being lost.
        Runs before App's own key handler, which would look for a binding."""
        if (
            self.phase == "running"
            and self.focused is self.conversation
            and event.is_printable
            and event.character not in ("/", "?")
        ):
            event.stop()
            event.prevent_default()
            self.question.type_ahead(event.character or "")

    def action_help(self) -> None:
        from analyst.tui.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_show_request(self) -> None:
        """Show exactly what the next model request would contain, before anything is sent."""
        from analyst.tui.request_view import RequestScreen, render_request

        if self.session is None:
            self.notify("The session is still starting.")
            return
        loop = self.session.loop
        request = loop.preview_request(self.question.value.strip() or None)
        self.push_screen(RequestScreen(render_request(request, loop.model.name)))

    def action_focus_question(self) -> None:
        self.question.focus()

    def action_toggle_schema(self) -> None:
        """Show or hide the schema column whatever the width (a narrow screen hides it by default)."""
        screen = self.screen
        shown = bool(self.query_one("#sidebar").display)
        screen.set_class(shown, "-hide-schema")
        screen.set_class(not shown, "-show-schema")

    async def action_quit(self) -> None:
        self.closing = True
        self.generation += 1
        self.runner.cancel()
        self.results.cancel_export()
        self.results.cancel_page()
        self.exit(0)

    def action_rate(self, verdict: str) -> None:
        if not self.rateable_hash:
            self.notify("Nothing to rate yet: ask a question first.")
            return
        from agents.events import AnswerRated

        if verdict == "good" and self.save_offered == self.rateable_hash:
            self.save_offered = None  # the offer is taken once
            self.save_example()
            return
        self._record(AnswerRated(verdict, self.rateable_hash))

    @work(thread=True, group="record", exit_on_error=False)
    def save_example(self) -> None:
        """Keep the last turn as a verified example (only if a person approved it and it was
        answered: analyst/example_saving.py), and say what became of it."""
        from analyst.example_saving import save_approved

        if self.session is None:
            return
        lines = save_approved(self.config, self.shared.inner, self.session.path, last=True)
        self.call_from_thread(self.notify, "; ".join(lines).capitalize(), markup=False)

    @work(thread=True, group="record", exit_on_error=False)
    def _record(self, event: AnswerRated) -> None:
        self.runner.record(event)
        self.post_message(AnswerRatedLogged(event.verdict))

    @on(AnswerRatedLogged)
    @while_open
    def _rated(self, message: AnswerRatedLogged) -> None:
        if message.verdict == "good" and not self.config.save_examples:
            self.save_offered = self.rateable_hash
            self.notify("Rated good (logged). Press y again to keep this question and its SQL as a verified example.")
            return
        self.notify(f"Rated the answer {message.verdict}; thank you (logged).")

    def action_new_conversation(self) -> None:
        """ctrl+n while idle: a fresh loop history; the boundary is logged before the next question
        can start (on this thread: the runner's lock is free between steps)."""
        self.runner.new_conversation()
        self.conversation.add_notice(
            "── new conversation: the next question starts fresh (earlier turns are not sent) ──", "bold"
        )
        self.question.focus()
        self.refresh_bindings()

    def action_chart(self) -> None:
        self.results.toggle_chart()

    def action_more(self) -> None:
        self.results.show_more()

    def action_previous_page(self) -> None:
        self.results.show_previous()

    def action_export(self) -> None:
        self.results.export()

    @on(TableChosen)
    def _table_chosen(self, message: TableChosen) -> None:
        self.results.show_sample(message.table)
