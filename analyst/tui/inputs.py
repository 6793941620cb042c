"""Text boxes that `Esc` leaves (and nothing more), and the question box with its history."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding
from textual.widgets import Input


class BoxInput(Input):
    """An Input that `Esc` leaves, so the screen's keys (and `Esc` itself) work again."""

    BINDINGS = [Binding("escape", "leave", "Leave the box", show=False)]

    def action_leave(self) -> None:
        self.screen.set_focus(None)


class QuestionInput(BoxInput):
    """The question box; up/down recall earlier questions of this session."""

    BINDINGS = [
        Binding("up", "history(-1)", "Previous question", show=False),
        Binding("down", "history(1)", "Next question", show=False),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.history: list[str] = []
        self._position = 0
        self._draft = ""

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
