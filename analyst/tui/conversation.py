"""The conversation pane: questions, plans, retrieved tables, SQL, verdicts, results and answers.

Model and data text are made inert and rendered as rich `Text` (never parsed as markup); SQL is
syntax-highlighted with `rich.syntax`, which does not interpret markup either.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Group, RenderableType
from rich.syntax import Syntax
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from agents.events import (
    AnswerGiven,
    ApprovalDecided,
    ApprovalRequested,
    ClarificationAnswered,
    ClarificationRequested,
    Event,
    ExamplesUsed,
    ModelFailed,
    ModelResponded,
    QueryExecuted,
    QueryFailed,
    RunFinished,
    SchemaRetrieved,
    SqlChecked,
    ToolRan,
)
from agents.outcome import Status
from analyst.render import inert

STATUS_LINES = {
    Status.ANSWERED: ("✓ answered", "green"),
    Status.ABORTED: ("■ aborted: nothing ran", "yellow"),
    Status.INTERRUPTED: ("■ cancelled", "yellow"),
    Status.REJECTED: ("✗ the checker still rejected the SQL", "red"),
    Status.FAILED: ("✗ failed", "red"),
    Status.DRY_RUN: ("dry run: checked, not executed", "dim"),
    Status.NEEDS_CLARIFICATION: ("■ the model's question was left unanswered: nothing was guessed", "yellow"),
}
QUIET_ENDINGS = frozenset({Status.ANSWERED, Status.ABORTED, Status.INTERRUPTED})  # the status line says it all
NO_QUERY = "no query ran — this is not from your data"
NO_RESULT = "not from your data: no query succeeded, so these are the model's own words"


def sql_block(sql: str) -> Syntax:
    from tools.sql_layout import visible  # every unseen character shown escaped, not dropped

    return Syntax(visible(sql), "sql", theme="ansi_dark", word_wrap=True, background_color="default")


def format_elapsed(ms: float) -> str:
    return f"{ms / 1000:.1f} s" if ms >= 1000 else f"{ms:.0f} ms"


def _line(label: str, text: str, style: str = "", label_style: str = "bold") -> Text:
    out = Text()
    if label:
        out.append(label, style=label_style)
        out.append(" ")
    out.append(inert(text), style=style)
    return out


def render_event(event: Event, sql_proposed: bool = False) -> RenderableType | None:
    """What the conversation shows for one loop event; None for events it leaves out.
    `sql_proposed`: the turn has proposed SQL (so an unbacked answer says none succeeded)."""
    render = _RENDER.get(type(event))
    return render(event, sql_proposed) if render is not None else None


def _schema(event: SchemaRetrieved, _: bool) -> RenderableType:
    if event.whole:
        return _line(
            "schema:",
            f"the whole schema ({len(event.tables)} tables, {event.tokens:,} tokens) fits in the prompt",
            "dim",
            "bold dim",
        )
    lines = [
        _line(
            "schema:",
            f"{len(event.tables)} tables chosen, {event.tokens:,} of {event.full_tokens:,} tokens",
            "dim",
            "bold dim",
        )
    ]
    for table in event.tables:
        why = event.why.get(table, "")
        lines.append(_line("  ·", f"{table}" + (f" — {why}" if why else ""), "dim", "dim"))
    return Group(*lines)


def _plan(event: ModelResponded, _: bool) -> RenderableType | None:
    if event.purpose == "think" and event.tool_calls and event.text.strip():
        return _line("plan:", event.text.strip(), "italic")
    return None


def _looked_up(event: ToolRan, _: bool) -> RenderableType:
    args = ", ".join(f"{k}={v}" for k, v in event.arguments.items())
    return _line("looked up:", f"{event.name}({args})" + ("" if event.ok else " — failed"), "dim", "bold dim")


def _checked(event: SqlChecked, _: bool) -> RenderableType:
    who = "your edit" if event.source == "human" else "proposed SQL"
    if event.ok:
        tables = ", ".join(event.tables) or "no tables"
        return Group(
            _line(f"{who}:", "", ""),
            sql_block(event.sql_out or ""),
            _line("guard: ok ·", f"tables {tables}", "green", "bold green"),
        )
    problems = [_line("  ·", f"[{p['code']}] {p['message']}", "red", "red") for p in event.problems]
    return Group(_line(f"{who} rejected by the guard:", "", "", "bold red"), sql_block(event.sql_in), *problems)


def _decided(event: ApprovalDecided, _: bool) -> RenderableType | None:
    if event.decision == "approve":
        return _line("✓", "approved — running it", "green", "green")
    if event.decision == "edit":
        return _line("✎", "you edited the SQL", "cyan", "cyan")
    if event.decision == "reject":
        return _line("✗ rejected with feedback:", event.feedback or "", "", "bold yellow")
    return None  # aborts show in the run's status line


def _ran(event: QueryExecuted, _: bool) -> RenderableType:
    rows = "1 row" if event.row_count == 1 else f"{event.row_count:,} rows"
    cut = " (truncated: more rows exist)" if event.truncated else ""
    return _line("ran:", f"{rows} in {format_elapsed(event.elapsed_ms)}{cut} (results below)", "dim", "bold dim")


def _query_failed(event: QueryFailed, _: bool) -> RenderableType:
    head = "query:" if event.message.lower().startswith(f"query {event.kind}") else f"query {event.kind}:"
    return _line(head, event.message, "yellow", "bold yellow")


def _asked(event: ClarificationRequested, _: bool) -> RenderableType:
    return Group(
        _line("? the model asks:", event.question, "bold", "bold cyan"),
        _line("", "type your answer in the box below and press Enter (Esc then Esc: leave it unanswered)", "dim"),
    )


def _answer(event: AnswerGiven, sql_proposed: bool) -> RenderableType:
    parts: list[RenderableType] = [_line("", event.text.strip() or "(no answer text)")]
    if not event.grounded:
        parts.append(_line("⚠", NO_RESULT if sql_proposed else NO_QUERY, "bold yellow", "bold yellow"))
    if event.unverified_numbers:
        parts.append(
            _line("note:", "not found in the result: " + ", ".join(event.unverified_numbers), "yellow", "yellow")
        )
    return Group(*parts)


def _finished(event: RunFinished, _: bool) -> RenderableType:
    label, style = STATUS_LINES[event.status]
    message = event.error.message if event.error is not None and event.status not in QUIET_ENDINGS else None
    return _line(label + (":" if message else ""), message or "", style, f"bold {style}".strip())


_RENDER: dict[type[Event], Callable[[Any, bool], RenderableType | None]] = {
    SchemaRetrieved: _schema,
    ExamplesUsed: lambda event, _: _line(
        "examples:",
        f"{len(event.examples)} verified example(s) in the prompt: "
        + ", ".join(str(e.get("id")) for e in event.examples),
        "dim",
        "bold dim",
    ),
    ModelResponded: _plan,
    ToolRan: _looked_up,
    SqlChecked: _checked,
    ApprovalRequested: lambda event, _: _line("⏸", "waiting for your approval", "yellow", "yellow"),
    ApprovalDecided: _decided,
    QueryExecuted: _ran,
    QueryFailed: _query_failed,
    ModelFailed: lambda event, _: _line("model error:", event.message, "red", "bold red"),
    ClarificationRequested: _asked,
    ClarificationAnswered: lambda event, _: _line("↳ your answer:", event.text, "", "bold cyan"),
    AnswerGiven: _answer,
    RunFinished: _finished,
}


class Conversation(VerticalScroll):
    """The turns of a session, newest at the bottom; streamed text shows as it arrives."""

    can_focus = True

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._live: Static | None = None
        self._live_text = ""
        self._sql_proposed = False  # this turn proposed SQL (guard-checked), whatever became of it

    def on_mount(self) -> None:
        self.anchor()

    def add(self, renderable: RenderableType, classes: str = "") -> Static:
        item = Static(renderable, classes=f"entry {classes}".strip(), markup=False)
        self.mount(item)
        self.anchor()
        return item

    def add_question(self, question: str) -> None:
        self._sql_proposed = False
        self.add(_line("›", question, "bold", "bold cyan"), "question")

    def add_notice(self, text: str, style: str = "dim") -> None:
        self.add(Text(inert(text), style=style), "notice")

    def show_event(self, event: Event) -> None:
        if event.type in ("model_responded", "model_failed", "answer_given", "run_finished"):
            self._drop_live()
        if event.type == "sql_checked":
            self._sql_proposed = True
        renderable = render_event(event, self._sql_proposed)
        if renderable is not None:
            self.add(renderable, event.type.replace("_", "-"))

    def stream(self, purpose: str, delta: str) -> None:
        """Append streamed model text to the live entry (replaced when the response completes)."""
        self._live_text += delta
        text = Text(inert(self._live_text), style="italic dim" if purpose == "think" else "")
        if self._live is None:
            self._live = self.add(text, "live")
        else:
            self._live.update(text)
        self.anchor()

    def _drop_live(self) -> None:
        if self._live is not None:
            self._live.remove()
        self._live = None
        self._live_text = ""

    def end_run(self) -> None:
        """Forget any live text of an abandoned step."""
        self._drop_live()
