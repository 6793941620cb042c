"""The SQL editor: edit the proposed SQL with the guard checking it as you type; the edit is what runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Static, TextArea

from analyst.render import inert

if TYPE_CHECKING:
    from tools.guard import Verdict

CHECK_DELAY_S = 0.25


def sql_language() -> str | None:
    """`sql` when tree-sitter and its SQL grammar are installed (textual[syntax]); else plain text."""
    from importlib.util import find_spec

    return "sql" if find_spec("tree_sitter") and find_spec("tree_sitter_sql") else None


class SqlTextArea(TextArea):
    """A code editor that `Esc` leaves."""

    BINDINGS = [Binding("escape", "leave", "Leave the editor box", show=False)]

    def action_leave(self) -> None:
        self.screen.set_focus(None)


@dataclass
class GuardChecked(Message):
    sql: str
    verdict: Verdict


def verdict_text(verdict: Verdict) -> Text:
    if verdict.ok:
        tables = ", ".join(verdict.tables) or "no tables"
        return Text(f"✓ passes the checks · tables {tables}", style="green")
    out = Text("✗ would be rejected:\n", style="bold red")
    for problem in verdict.problems:
        out.append(f"  [{problem.code}] {inert(problem.message)}\n", style="red")
    return out


class EditorScreen(ModalScreen[str | None]):
    """Returns the edited SQL, or None when the person goes back without running it."""

    BINDINGS = [
        Binding("ctrl+s", "run", "Run edited SQL"),
        Binding("escape", "back", "Back to approval"),
    ]

    def __init__(self, sql: str, check: Callable[[str], Verdict]) -> None:
        super().__init__()
        self.sql = sql
        self.check = check
        self.verdict: tuple[str, Verdict] | None = None  # (text checked, verdict)
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="editor-dialog", classes="dialog"):
            yield Static(
                Text("Edit the SQL — the edited text is what runs, after the checks pass", style="bold"), markup=False
            )
            yield SqlTextArea(
                self.sql, language=sql_language(), show_line_numbers=True, id="editor-text", soft_wrap=True
            )
            yield Static(Text("checking…", style="dim"), id="editor-verdict", markup=False)
            yield Static(
                Text("ctrl+s run the edited SQL · Esc leave the box, Esc again: back without running", style="dim"),
                markup=False,
            )

    def on_mount(self) -> None:
        self.query_one(SqlTextArea).focus()
        self._check_now()

    @on(TextArea.Changed)
    def _schedule_check(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(CHECK_DELAY_S, self._check_now)

    def _check_now(self) -> None:
        self._run_check(self.query_one(SqlTextArea).text)

    @work(thread=True, exclusive=True, group="guard", exit_on_error=False)
    def _run_check(self, sql: str) -> None:
        self.post_message(GuardChecked(sql, self.check(sql)))

    @on(GuardChecked)
    def _show_verdict(self, message: GuardChecked) -> None:
        if message.sql != self.query_one(SqlTextArea).text:
            return  # stale: the text changed since
        self.verdict = (message.sql, message.verdict)
        self.query_one("#editor-verdict", Static).update(verdict_text(message.verdict))

    def action_run(self) -> None:
        text = self.query_one(SqlTextArea).text
        if not text.strip():
            self.notify("The SQL is empty.", severity="warning")
            return
        if self.verdict is not None and self.verdict[0] == text and not self.verdict[1].ok:
            self.notify("The edit would be rejected; fix the problems shown first.", severity="warning")
            return
        self.dismiss(text)

    def action_back(self) -> None:
        self.dismiss(None)
