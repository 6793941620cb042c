"""The help screen: every key, by where it works."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Anywhere",
        (
            ("Enter", "ask the question in the box (follow-ups keep the conversation)"),
            ("↑ / ↓", "in the question box: earlier questions"),
            ("Esc", "inside a text box: leave the box; otherwise cancel the running step"),
            ("ctrl+c", "cancel the running step (or an export, or a page being read), even from the question box"),
            ("/", "go to the question box (typed as a character once the box holds text)"),
            ("Tab", "move between schema, conversation, results and question"),
            ("? / F1", "this help (? outside the question box or in the empty box)"),
            ("ctrl+r", "show exactly what the next model request contains (for the question in the box)"),
            ("ctrl+n", "new conversation: the next question starts fresh, without the earlier turns"),
            ("ctrl+q", "quit"),
        ),
    ),
    (
        "After a result",
        (
            ("", "the focus is back in the question box, where keys type: Esc or Tab leaves it, / returns"),
            ("y / n", "rate the answer good / bad (logged as answer_rated)"),
            ("m", "next page of rows: the same SQL again, the rows after the shown ones"),
            ("M", "previous page of rows"),
            ("c", "bar chart of the result (a label and a number column)"),
            ("x", "export the result to CSV, JSON or Parquet"),
        ),
    ),
    (
        "Approval",
        (
            ("a", "approve: run the SQL exactly as shown"),
            ("e", "edit the SQL (checked as you type; ctrl+s runs the edit)"),
            ("r", "reject with feedback for the model"),
            ("p", "EXPLAIN preview of the plan"),
            ("Esc / ctrl+c", "abort: nothing runs"),
        ),
    ),
    (
        "Schema",
        (
            ("Enter", "on a table: show sample rows"),
            ("ctrl+b", "show or hide the schema column (it narrows below 110 columns and hides below 64)"),
        ),
    ),
)


def keys_table() -> Table:
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for section, rows in KEYS:
        table.add_row(Text(section, style="bold underline"), "")
        for key, what in rows:
            table.add_row(key, what)
        table.add_row("", "")
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark,f1", "close", "Close help"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog", classes="dialog"):
            yield Static(Text("analyst — keys", style="bold"), markup=False)
            yield Static(keys_table(), markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
