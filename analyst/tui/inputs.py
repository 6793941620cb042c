"""Text boxes that `Esc` leaves (and nothing more), and the question box with its history."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.binding import Binding
from textual.widgets import Input


class BoxInput(Input):
    """An Input that `Esc` leaves, so the screen's keys (and `Esc` itself) work again."""

    BINDINGS = [Binding("escape", "leave", "Leave the box", show=False)]

    def action_leave(self) -> None:
        self.screen.set_focus(None)


class QuestionInput(BoxInput):
    """The question box; up/down recall earlier questions of this session.

    Printable keys type into the box, so the app's one-letter keys (rate, more rows, chart,
    export) only work once `Esc` or `Tab` has left it; the footer says so while a result is shown.
    In the empty box `/` (which focuses the box from elsewhere) does nothing and `?` opens the
    help, as the placeholder says; after the first character both are typed as usual.
    """

    BINDINGS = [
        # Two bindings for Esc: the first, shown in the footer, only while a result's keys apply.
        Binding(
            "escape",
            "leave_for_result",
            "Result keys",
            tooltip="Leave the box: y/n rate, m more rows, c chart, x export",
        ),
        Binding("escape", "leave", "Leave the box", show=False),
        Binding("up", "history(-1)", "Previous question", show=False),
        Binding("down", "history(1)", "Next question", show=False),
    ]

    def __init__(self, **kwargs: Any) -> None:
        # The app gives this box the focus back after every run: selecting the draft then would
        # let the next keystroke replace it.
        kwargs.setdefault("select_on_focus", False)
        super().__init__(**kwargs)
        self.history: list[str] = []
        self._position = 0
        self._draft = ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_for_result":
            return bool(getattr(self.app, "result_keys_apply", lambda: False)())
        return True

    def action_leave_for_result(self) -> None:
        self.action_leave()

    async def _on_key(self, event: events.Key) -> None:
        """Runs before Input's own handler (Textual calls each class's in turn unless stopped)."""
        if not self.value and event.character in ("/", "?"):
            event.stop()
            event.prevent_default()  # Input's handler would type it
            if event.character == "?":
                await self.app.run_action("help")

    def type_ahead(self, character: str) -> None:
        """A key typed elsewhere that belongs here: focus the box and add it at the draft's end."""
        self.focus()
        self.cursor_position = len(self.value)
        self.insert_text_at_cursor(character)

    def remember(self, question: str) -> None:
        if not self.history or self.history[-1] != question:
            self.history.append(question)
        self._position = len(self.history)
        self._draft = ""

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        if self._position == len(self.history):
            self._draft = self.value
        self._position = min(max(self._position + step, 0), len(self.history))
        self.value = self.history[self._position] if self._position < len(self.history) else self._draft
        self.cursor_position = len(self.value)
