"""`analyst ask`: one question, no screen — the loop driven by a terminal prompt or a policy."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import tempfile
from typing import Any, TextIO

from agents.drive import auto_approve, drive
from agents.outcome import ErrorKind, Outcome, Status
from analyst.config import Config
from analyst.errors import (
    EXIT_INTERRUPTED,
    EXIT_NOT_ANSWERED,
    EXIT_OK,
    EXIT_PROVIDER,
    UserError,
)
from analyst.wiring import build_model, loop_settings, open_database, open_session, require_price

STATUS_EXIT = {
    Status.ANSWERED: EXIT_OK,
    Status.DRY_RUN: EXIT_OK,
    Status.NEEDS_CLARIFICATION: EXIT_NOT_ANSWERED,
    Status.ABORTED: EXIT_NOT_ANSWERED,
    Status.REJECTED: EXIT_NOT_ANSWERED,
    Status.FAILED: EXIT_NOT_ANSWERED,
    Status.INTERRUPTED: EXIT_INTERRUPTED,
}


def exit_code_for(outcome: Outcome) -> int:
    if outcome.status is Status.FAILED and outcome.error is not None and outcome.error.kind is ErrorKind.PROVIDER:
        return EXIT_PROVIDER
    return STATUS_EXIT[outcome.status]


class TerminalApproval:
    """Asks the person on the terminal: approve, edit, reject with feedback, or abort."""

    def __init__(
        self,
        stdin: TextIO | None = None,
        stderr: TextIO | None = None,
        sql_shown: bool = False,
        question: str = "",
        dialect: str = "duckdb",
    ) -> None:
        stdin = stdin or sys.stdin
        stderr = stderr or sys.stderr
        self.stdin = stdin
        self.stderr = stderr
        self.sql_shown = sql_shown  # the progress lines just printed the checked SQL: not twice
        self.question = question  # named with the SQL: the person judges one against the other
        self.dialect = dialect

    def _read(self, prompt: str) -> str:
        self.stderr.write(prompt)
        self.stderr.flush()
        line = self.stdin.readline()
        if not line:
            raise EOFError
        return line.rstrip("\n")

    def __call__(self, pending: Any) -> Any:
        from agents.decisions import Abort, Approve, Edit, Reject
        from analyst.render import inert

        failed = bool(pending.problems)
        if self.question:
            self.stderr.write(f"\nQuestion: {inert(' '.join(self.question.split()))}\n")
        if failed:
            if self.sql_shown:  # the progress lines just listed the problems: say it once
                self.stderr.write("Your edit did not pass the checks above, so it cannot run.\n")
            else:
                self.stderr.write("Your edit did not pass the checks:\n")
                for problem in pending.problems:
                    self.stderr.write(f"  [{problem.code}] {inert(problem.message)}\n")
            self.stderr.write(f"\nYour edited SQL:\n{pending.sql}\n\n")
        elif pending.rewritten_from is not None:
            self.stderr.write(
                "\nThe database reads your SQL differently from the checker, so it cannot run as you typed it.\n"
                f"The checked text that would run instead (hash {pending.sql_hash[:12]}):\n{pending.sql}\n\n"
            )
        elif not self.sql_shown:
            from tools.sql_layout import layout

            shown = layout(pending.sql, self.dialect)
            note = "; laid out on lines for reading, it runs as written" if shown != pending.sql else ""
            self.stderr.write(f"\nSQL to run (hash {pending.sql_hash[:12]}{note}):\n{shown}\n\n")
        else:
            self.stderr.write(f"\nThe SQL above is ready to run (hash {pending.sql_hash[:12]}).\n")
        prompt = (
            "[e]dit  [r]eject with feedback  a[b]ort > "
            if failed
            else "[a]pprove  [e]dit  [r]eject with feedback  a[b]ort > "
        )
        while True:
            try:
                choice = self._read(prompt).strip().lower()
            except EOFError:
                return Abort()
            if choice in ("a", "approve", "y", "yes"):
                if not failed:
                    return Approve()
                self.stderr.write(
                    "This SQL did not pass the checks, so it cannot be approved: edit it, reject, or abort.\n"
                )
                continue
            if choice in ("e", "edit"):
                edited = self._edit(pending.sql)
                if edited is None or edited.strip() == pending.sql.strip():
                    # an edit is itself the approval of the new text, so "no edit" must not run anything
                    self.stderr.write("Edit cancelled; nothing changed and nothing ran.\n")
                    continue
                return Edit(edited)
            if choice in ("r", "reject"):
                try:
                    feedback = self._read("feedback for the model > ")
                except EOFError:
                    return Abort()
                return Reject(feedback)
            if choice in ("b", "abort", "q", "quit"):
                return Abort()

    def _edit(self, sql: str) -> str | None:
        """The edited SQL, or None when the edit was abandoned (the editor failed or quit with
        an error, as vim's `:cq` does, or nothing was typed)."""
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if editor:
            with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as handle:
                handle.write(sql)
                name = handle.name
            try:
                try:
                    finished = subprocess.run([*shlex.split(editor), name], check=False)
                except (OSError, ValueError) as exc:
                    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                    self.stderr.write(
                        f"Cannot start the editor {editor!r}: {reason}; set VISUAL or EDITOR to one that exists.\n"
                    )
                    return None
                if finished.returncode != 0:
                    self.stderr.write(f"The editor exited with status {finished.returncode}.\n")
                    return None
                with open(name, encoding="utf-8") as edited:
                    return edited.read()
            finally:
                os.unlink(name)
        prefilled = self._edit_in_place(sql)
        if prefilled is not _NO_LINE_EDITOR:
            return prefilled
        self.stderr.write(
            "No editor to open: set VISUAL or EDITOR (e.g. export EDITOR=nano) to edit the SQL in place.\n"
            "Type the new SQL (the current one is shown above); end with an empty line:\n"
        )
        lines = []
        while True:
            try:
                line = self._read("")
            except EOFError:
                break
            if not line.strip():
                break
            lines.append(line)
        return "\n".join(lines) or None

    def _edit_in_place(self, sql: str) -> Any:
        """On a terminal, the SQL pre-filled on the input line (readline's pre-input hook) to edit
        where it stands and send with Enter; `_NO_LINE_EDITOR` when there is no line editor here
        (not a terminal, output redirected so `input()` would bypass readline, or no readline)."""
        if self.stdin is not sys.stdin or not (sys.stdin.isatty() and sys.stdout.isatty()):
            return _NO_LINE_EDITOR
        try:
            import readline
        except ImportError:
            return _NO_LINE_EDITOR

        def prefill() -> None:
            readline.insert_text(sql)
            readline.redisplay()

        self.stderr.write(
            "Edit the SQL on the line below (Enter runs it once it passes the checks; an empty line cancels):\n"
        )
        self.stderr.flush()
        readline.set_pre_input_hook(prefill)
        try:
            edited = input("")
        except EOFError:
            return None
        finally:
            readline.set_pre_input_hook(None)
        return edited if edited.strip() else None


_NO_LINE_EDITOR = object()


def run_ask(
    config: Config,
    question: str,
    *,
    approve: str,
    output: str,
    db: str | None,
    model_name: str | None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    stdin: TextIO | None = None,
) -> int:
    """Answer one question; returns the exit code of DESIGN §7."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    stdin = stdin or sys.stdin
    from analyst.render import Progress, inert, outcome_json, print_csv, print_table, truncation_warning

    if not question.strip():
        raise UserError('the question is empty; pass it in quotes: analyst ask "Which customer spent the most?"')
    if approve == "ask" and not stdin.isatty():
        raise UserError(
            "--approve ask needs a terminal to ask you; use --approve auto (run what the checks accept) or --approve never (dry run)"
        )
    database = open_database(config, db)
    resolved = build_model(config, model_name)
    settings = loop_settings(config)
    require_price(config, resolved, settings)
    progress = Progress(stderr, quiet=output != "table" and not stderr.isatty(), dialect=database.dialect)
    streamed: list[str] = []

    def stream_answer(purpose: str, delta: str) -> None:
        """On a terminal the answer appears as it is written; data formats wait for the end."""
        if purpose != "summarize":
            return
        from analyst.render import inert

        if not streamed:
            stdout.write("\n")
        streamed.append(delta)
        stdout.write(inert(delta))
        stdout.flush()

    live = output == "table" and stdout.isatty()
    clock = None
    observer: Any = progress
    if stderr.isatty():  # a ticking elapsed-time line while a query runs; never in a pipe or a file
        from analyst.query_clock import QueryClock

        clock = QueryClock(stderr, settings.limits.timeout_s, lambda: session.loop.executing)

        def clock_then_progress(event: Any) -> None:
            clock.observe(event)  # clears its line before the progress printer writes
            progress(event)

        observer = clock_then_progress

    session = open_session(
        config, database, resolved, settings, observer=observer, on_text=stream_answer if live else None
    )
    if clock is not None:
        clock.start()
    decide = {"auto": auto_approve, "never": None}.get(
        approve,
        TerminalApproval(stdin, stderr, sql_shown=not progress.quiet, question=question, dialect=database.dialect),
    )
    answer = TerminalClarification(stdin, stderr) if approve == "ask" else None  # policies ask nobody
    from analyst.interrupts import interrupt_on_sigint
    from sessions.log import LogWriteError

    try:
        with interrupt_on_sigint(session.loop.interrupt, quiet_while=lambda: session.loop.executing):
            outcome = drive(session.loop, question, decide, answer)
    except LogWriteError as exc:
        raise UserError(
            f"{exc}; stopped before running anything further (a decision must be logged before it executes)",
            EXIT_NOT_ANSWERED,
        ) from None
    finally:
        if clock is not None:
            clock.stop()
        session.close()
        database.close()
    if output == "json":
        stdout.write(json.dumps(outcome_json(outcome, session.id, str(session.path)), ensure_ascii=False) + "\n")
    elif output == "csv":
        print_csv(outcome, stdout)
        if outcome.answer:  # stdout holds only the rows; the answer would be lost
            from analyst.render import ungrounded_note

            stderr.write(f"answer: {inert(outcome.answer)}\n")
            if not outcome.grounded:
                stderr.write(ungrounded_note(outcome) + "\n")
        if outcome.status is Status.DRY_RUN and outcome.sql:  # nothing ran: the checked SQL is the result
            stderr.write(f"dry run: checked, not executed:\n{outcome.sql}\n")
    else:
        if streamed:
            stdout.write("\n\n")
        print_table(outcome, stdout, answer_shown=bool(streamed))
    if output != "table" and outcome.result is not None and outcome.result.truncated:
        stderr.write(truncation_warning(outcome.result.row_count) + "\n")
    if outcome.error:
        stderr.write(f"analyst: {outcome.status}: {outcome.error.message}\n")
    elif outcome.status is Status.NEEDS_CLARIFICATION:
        how = (
            "answer it at the prompt (--approve ask on a terminal)"
            if approve != "ask"
            else "ask again with that detail"
        )
        stderr.write(f"analyst: needs_clarification: the model asks before it guesses; {how}\n")
    elif outcome.status is Status.ABORTED:
        stderr.write("analyst: aborted; nothing further ran\n")
    stderr.write(f"session {session.id} · {session.path}\n")
    return exit_code_for(outcome)


class TerminalClarification:
    """Shows the model's clarifying question on the terminal and reads the person's reply; an
    empty reply (or end of input) leaves it unanswered, and the turn ends needs_clarification."""

    def __init__(self, stdin: TextIO, stderr: TextIO) -> None:
        self.stdin = stdin
        self.stderr = stderr

    def __call__(self, clarification: Any) -> str | None:
        from analyst.render import inert

        self.stderr.write(f"\nThe model asks: {inert(clarification.question)}\n")
        self.stderr.write("your answer (empty to stop) > ")
        self.stderr.flush()
        line = self.stdin.readline()
        return line.strip() or None
