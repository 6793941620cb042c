"""The approval screen: the exact SQL that will run, its tables, limits and warnings, an EXPLAIN
preview on demand; the person approves, edits, rejects with feedback or aborts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from agents.decisions import Abort, Approve, Decision, Edit, Reject
from analyst.render import inert
from analyst.tui.conversation import sql_block
from analyst.tui.editor import EditorScreen
from analyst.tui.inputs import BoxInput
from tools.databases.base import Limits, QueryError, QueryResult
from tools.guard import sql_warnings

if TYPE_CHECKING:
    from agents.outcome import Pending
    from tools.guard import Verdict

EXPLAIN_LINES = 60
BODY_MAX_ROWS = 24  # the SQL, facts, notes and EXPLAIN scroll within this many rows at most


@dataclass
class ExplainReady(Message):
    text: Text


def explain_text(outcome: QueryResult | QueryError) -> Text:
    """EXPLAIN's plan rows as one block of text, or the error."""
    if isinstance(outcome, QueryError):
        return Text(f"EXPLAIN failed ({outcome.kind}): {inert(outcome.message)}", style="yellow")
    lines = "\n".join(inert(str(row[-1])) for row in outcome.rows).splitlines()
    clipped = lines[:EXPLAIN_LINES] + (["…"] if len(lines) > EXPLAIN_LINES else [])
    return Text("\n".join(clipped))


class ApprovalScreen(ModalScreen[Decision]):
    """Returns Approve, Edit(sql), Reject(feedback) or Abort."""

    BINDINGS = [
        Binding("a", "approve", "Approve"),
        Binding("e", "edit", "Edit"),
        Binding("r", "reject", "Reject with feedback"),
        Binding("p", "explain", "EXPLAIN preview"),
        Binding("escape", "abort", "Abort"),
        Binding("ctrl+c", "abort", "Abort", show=False, priority=True),  # as on the main screen: ctrl+c stops
    ]

    def __init__(
        self,
        pending: Pending,
        *,
        limits: Limits,
        dialect: str,
        explain: Callable[[str], QueryResult | QueryError],
        check: Callable[[str], Verdict],
        question: str = "",
    ) -> None:
        super().__init__()
        self.pending = pending
        self.question = question  # what the SQL is meant to answer: judged against it
        self.limits = limits
        self.dialect = dialect
        self.explain = explain
        self.check = check

    def compose(self) -> ComposeResult:
        pending = self.pending
        rewritten = getattr(pending, "rewritten_from", None) is not None
        if pending.problems:
            title = "Your edit did not pass the checks"
        elif rewritten:  # the engine reads the typed text unlike the checker: this rewrite, or nothing
            title = "The database reads your edit differently from the checker, so it cannot run as typed. Run this checked rewrite instead?"
        else:
            title = "Run this SQL?"
        with Vertical(id="approval-dialog", classes="dialog"):
            yield Static(
                Text(title, style="bold red" if pending.problems else "bold"), id="approval-title", markup=False
            )
            with VerticalScroll(id="approval-body"):
                if self.question:
                    yield Static(
                        Text("question: ", style="bold") + Text(inert(" ".join(self.question.split()))),
                        id="approval-question",
                        markup=False,
                    )
                from tools.sql_layout import layout  # line breaks only: the text that runs is pending.sql

                yield Static(sql_block(layout(pending.sql, self.dialect)), id="approval-sql", markup=False)
                yield Static(self._facts(), id="approval-facts", markup=False)
                notes = self._notes()
                if notes is not None:
                    yield Static(notes, id="approval-notes", markup=False)
                yield Static(id="approval-explain", markup=False)
            yield BoxInput(
                placeholder="What should change? (Enter sends it to the model; Esc leaves the box)",
                id="approval-feedback",
            )
            yield Static(self._keys(), id="approval-keys", markup=False)

    def _facts(self) -> Text:
        out = Text()
        out.append("tables: ", style="bold")
        out.append(", ".join(inert(t) for t in self.pending.tables) or "none")
        out.append("\nlimits: ", style="bold")
        out.append(f"up to {self.limits.max_rows:,} rows · stops after {self.limits.timeout_s:g} s · read-only")
        if self.pending.sql_hash:
            out.append(f"\nhash: {self.pending.sql_hash[:16]}", style="dim")
        return out

    def _notes(self) -> Group | None:
        parts = []
        for problem in self.pending.problems:
            parts.append(Text(f"✗ [{problem.code}] {inert(problem.message)}", style="red"))
        if not self.pending.problems:
            for warning in sql_warnings(self.pending.sql, self.dialect):
                parts.append(Text(f"⚠ {warning}", style="yellow"))
        return Group(*parts) if parts else None

    def _keys(self) -> Text:
        approve = "" if self.pending.problems else "a approve · "
        return Text(f"{approve}e edit · r reject with feedback · p EXPLAIN preview · Esc abort", style="dim")

    def on_mount(self) -> None:
        self.query_one("#approval-feedback").display = False
        self.query_one("#approval-explain").display = False
        self.set_focus(None)
        self.call_after_refresh(self._fit_body)

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_body)

    def _fit_body(self) -> None:
        """Cap the scrolling body so the title, the feedback box and the keys line always fit in
        the dialog (whose max-height is a share of the screen): on a short terminal a long plan
        scrolls inside the body instead of pushing the keys off the dialog."""
        dialog = self.query_one("#approval-dialog")
        body = self.query_one("#approval-body")
        limit = dialog.styles.max_height
        rows = int(limit.resolve(self.size, self.app.size)) if limit is not None else self.size.height
        chrome = dialog.styles.gutter.height + sum(
            w.outer_size.height for w in dialog.children if w is not body and w.display
        )
        fitted = max(3, min(BODY_MAX_ROWS, rows - chrome))
        if body.styles.max_height is None or body.styles.max_height.value != fitted:
            body.styles.max_height = fitted

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """SQL that failed the guard can be edited, rejected or aborted, never run or explained."""
        return not (action in ("approve", "explain") and self.pending.problems)

    def action_approve(self) -> None:
        self.dismiss(Approve())

    def action_abort(self) -> None:
        self.dismiss(Abort())

    def action_edit(self) -> None:
        def edited(sql: str | None) -> None:
            if sql is not None:
                self.dismiss(Edit(sql))

        self.app.push_screen(EditorScreen(self.pending.sql, self.check), edited)

    def action_reject(self) -> None:
        feedback = self.query_one("#approval-feedback", BoxInput)
        feedback.display = True
        feedback.focus()
        self.call_after_refresh(self._fit_body)

    @on(Input.Submitted, "#approval-feedback")
    def _send_feedback(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.notify("Type what should change, or press Esc twice to abort.", severity="warning")
            return
        self.dismiss(Reject(text))

    def action_explain(self) -> None:
        body = self.query_one("#approval-explain", Static)
        body.display = True
        body.update(Text("running EXPLAIN…", style="dim"))
        self._run_explain(self.pending.sql)

    @work(thread=True, exclusive=True, group="explain", exit_on_error=False)
    def _run_explain(self, sql: str) -> None:
        try:
            text = explain_text(self.explain(sql))
        except Exception as exc:
            text = Text(f"EXPLAIN failed: {inert(str(exc))}", style="yellow")
        self.post_message(ExplainReady(text))

    @on(ExplainReady)
    def _show_explain(self, message: ExplainReady) -> None:
        header = Text("EXPLAIN (the plan, nothing executed):\n", style="bold")
        self.query_one("#approval-explain", Static).update(header + message.text)
