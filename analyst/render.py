"""Rendering for the screenless front ends: progress on stderr, data on stdout.

Model and data text are rendered inertly: ANSI escapes, control and invisible format characters
are stripped (a cell can hold a hyperlink escape or a screen-clearing code), and nothing is
interpreted as rich markup.
"""

from __future__ import annotations

import csv
import json
import re
import sys
import unicodedata
from typing import TYPE_CHECKING, Any, TextIO

from agents.outcome import Status

if TYPE_CHECKING:
    from agents.outcome import Outcome

_ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")


def inert(text: str) -> str:
    """Text safe to print: no escape sequences, controls (but newline/tab) or format characters."""
    text = _ANSI.sub("", text)
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co"))


def _console(stream: TextIO) -> Any:
    from rich.console import Console

    return Console(file=stream, highlight=False, soft_wrap=False)


class Progress:
    """Shows the loop's events on stderr as they happen (plan, schema, SQL, verdict, timing)."""

    def __init__(self, stream: TextIO | None = None, quiet: bool = False, dialect: str = "duckdb") -> None:
        self.console = _console(stream or sys.stderr)
        self.quiet = quiet
        self.dialect = dialect  # for laying SQL out (line breaks only; tools/sql_layout.py)
        self._model_error: str | None = None  # shown only if the turn does not end with it

    def __call__(self, event: Any) -> None:
        from rich.syntax import Syntax
        from rich.text import Text

        if self.quiet:
            return
        kind = event.type
        c = self.console
        if self._model_error is not None:
            # A model failure that ends the turn is said once, by the final `analyst: failed:` line;
            # one the turn survives (a summary that failed after the result) is said here.
            message, self._model_error = self._model_error, None
            ending = kind == "run_finished" and event.error is not None and event.error.message == message
            if not ending:
                c.print(Text(f"model error: {inert(message)}", style="red"))
        if kind == "schema_retrieved":
            what = "whole schema" if event.whole else f"{len(event.tables)} tables"
            c.print(Text(f"schema: {what} ({event.tokens} tokens): {', '.join(event.tables)}", style="dim"))
        elif kind == "model_responded" and event.purpose == "think" and event.text.strip() and event.tool_calls:
            c.print(Text("plan: ", style="bold") + Text(inert(event.text.strip())))
        elif kind == "sql_checked":
            if event.ok:
                from tools.sql_layout import layout, visible

                c.print(
                    Syntax(visible(layout(event.sql_out or "", self.dialect)), "sql", theme="ansi_dark", word_wrap=True)
                )
                c.print(Text(f"guard: ok · tables {', '.join(event.tables) or '-'}", style="green"))
            else:
                c.print(Text("guard rejected:", style="bold red"))
                for problem in event.problems:
                    c.print(Text(f"  [{problem['code']}] {inert(problem['message'])}", style="red"))
        elif kind == "query_executed":
            cut = " (truncated)" if event.truncated else ""
            rows = "1 row" if event.row_count == 1 else f"{event.row_count:,} rows"
            c.print(Text(f"ran: {rows}{cut} in {event.elapsed_ms:.0f} ms", style="dim"))
        elif kind == "query_failed":
            message = inert(event.message)
            head = "" if message.lower().startswith(f"query {event.kind}") else f"query {event.kind}: "
            c.print(Text(head + message, style="yellow"))
        elif kind == "model_failed":
            self._model_error = event.message
        elif kind == "approval_decided" and event.decided_by == "policy" and event.decision == "dry_run":
            c.print(Text("dry run: checked, not executed", style="dim"))


def print_table(outcome: Outcome, stream: TextIO, answer_shown: bool = False) -> None:
    """The result as a table and the answer, for people."""
    from rich.text import Text

    from analyst.result_table import print_result

    console = _console(stream)
    result = outcome.result
    if result is not None:
        print_result(result, stream)  # never cuts a name or a value (see result_table)
        more = (
            " (truncated at --max-rows: more rows exist; pass a higher --max-rows N to see them)"
            if result.truncated
            else ""
        )
        rows = "1 row" if result.row_count == 1 else f"{result.row_count:,} rows"
        console.print(Text(f"{rows}{more}", style="dim"))
    elif outcome.status is Status.DRY_RUN and outcome.sql:
        console.print(Text(outcome.sql))
    if outcome.answer and not answer_shown:
        console.print(Text(inert(outcome.answer)))
    if outcome.answer:
        if outcome.unverified_numbers:
            console.print(
                Text(f"note: not found in the result: {', '.join(outcome.unverified_numbers)}", style="yellow")
            )
        if not outcome.grounded:
            console.print(Text(ungrounded_note(outcome), style="bold yellow"))
    if outcome.status is Status.NEEDS_CLARIFICATION and outcome.clarification:
        console.print(Text(f"The model asks: {inert(outcome.clarification)}", style="bold"))


def ungrounded_note(outcome: Outcome) -> str:
    """The line under words no successful query backs: the person must not read them as data."""
    if outcome.queries or outcome.status is not Status.ANSWERED:
        return "not from your data: no query succeeded, so the reply above is the model's own words"
    return "no query ran — this is not from your data"


def _cell(value: Any) -> str:
    from tools.fingerprint import normalize_value

    if value is None:
        return "NULL"
    normalized = normalize_value(value)
    return normalized if isinstance(normalized, str) else json.dumps(normalized)


def outcome_json(outcome: Outcome, session_id: str, session_path: str) -> dict[str, Any]:
    """The `ask --format json` object (README, "Ask for real")."""
    from tools.fingerprint import normalize_value

    result = outcome.result
    return {
        "status": outcome.status.value,
        "question": outcome.question,
        "sql": outcome.sql,
        "columns": [{"name": c.name, "type": c.type} for c in result.columns] if result else [],
        "rows": [[normalize_value(v) for v in row] for row in result.rows] if result else [],
        "row_count": result.row_count if result else 0,
        "truncated": result.truncated if result else False,
        "answer": outcome.answer,
        "grounded": outcome.grounded,
        "clarification": outcome.clarification,
        "proposed_sql": outcome.proposed_sql,  # the last SQL checked, run or not: a refused one too
        "unverified_numbers": list(outcome.unverified_numbers),
        "queries": [
            {
                "sql": q.sql,
                "hash": q.sql_hash,
                "ok": q.result is not None,
                "row_count": q.result.row_count if q.result else None,
                "truncated": q.result.truncated if q.result else None,
                "fingerprint": q.fingerprint,
                "error": {"kind": q.error.kind, "message": q.error.message} if q.error else None,
            }
            for q in outcome.queries
        ],
        "session_id": session_id,
        "session_path": session_path,
        "usage": {
            "input_tokens": outcome.usage.input_tokens,
            "output_tokens": outcome.usage.output_tokens,
            "cost_usd": outcome.cost_usd,
        },
        "error": outcome.error.to_json() if outcome.error is not None else None,
    }


def truncation_warning(kept: int) -> str:
    """The stderr line for a machine format cut at the row cap: a file of rows looks complete."""
    rows = "1 row" if kept == 1 else f"{kept:,} rows"
    return (
        f"analyst: warning: the result was cut at --max-rows: kept the first {rows}, more exist; "
        f"pass --max-rows N with N above {kept} to get more"
    )


def print_csv(outcome: Outcome, stream: TextIO) -> None:
    """Header and rows only."""
    result = outcome.result
    if result is None:
        return
    writer = csv.writer(stream)
    writer.writerow([c.name for c in result.columns])
    for row in result.rows:
        writer.writerow(["" if v is None else _cell(v) for v in row])
