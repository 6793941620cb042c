"""`analyst ask`: one question, no screen — the loop driven by a terminal prompt or a policy."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from agents.outcome import ErrorKind, Status
from analyst.commands.arguments import add_example_flags, add_query_flags
from analyst.errors import (
    EXIT_INTERRUPTED,
    EXIT_NOT_ANSWERED,
    EXIT_OK,
    EXIT_PROVIDER,
    UserError,
)

if TYPE_CHECKING:
    from agents.outcome import Outcome
    from analyst.config import Config
    from analyst.query_clock import QueryClock
    from sessions.session import Session

STATUS_EXIT = {
    Status.ANSWERED: EXIT_OK,
    Status.DRY_RUN: EXIT_OK,
    Status.NEEDS_CLARIFICATION: EXIT_NOT_ANSWERED,
    Status.ABORTED: EXIT_NOT_ANSWERED,
    Status.REJECTED: EXIT_NOT_ANSWERED,
    Status.FAILED: EXIT_NOT_ANSWERED,
    Status.INTERRUPTED: EXIT_INTERRUPTED,
}


def register(parser: argparse.ArgumentParser) -> None:
    parser.description = "Answer one question against a database, with approval, and print the result."
    parser.add_argument("question", help="the question, in quotes")
    parser.add_argument(
        "--approve",
        choices=("ask", "auto", "never"),
        default="ask",
        help="ask: prompt on the terminal (default); auto: run what the checks accept; never: dry run, execute nothing",
    )
    parser.add_argument(
        "--format",
        dest="output",
        choices=("table", "json", "csv"),
        default="table",
        help="stdout format (default table)",
    )
    add_query_flags(parser)
    add_example_flags(parser)
    parser.add_argument(
        "--save-example",
        dest="save_example",
        action="store_true",
        help="if you approve the SQL and the question is answered, keep it as a verified example (config: save_examples)",
    )


def run(args: argparse.Namespace, config: Config) -> int:
    return run_ask(
        config,
        args.question,
        approve=args.approve,
        output=args.output,
        db=args.db,
        model_name=args.model,
        save_example=args.save_example or config.save_examples,
    )


def exit_code_for(outcome: Outcome) -> int:
    if outcome.status is Status.FAILED and outcome.error is not None and outcome.error.kind is ErrorKind.PROVIDER:
        return EXIT_PROVIDER
    return STATUS_EXIT[outcome.status]


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
    save_example: bool = False,
) -> int:
    """Answer one question; returns the exit code of the README's table."""
    from agents.drive import auto_approve
    from analyst.render import Progress
    from analyst.terminal_prompts import TerminalApproval, TerminalClarification
    from analyst.wiring import build_model, loop_settings, open_database, open_session, require_price

    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    stdin = stdin or sys.stdin
    _refuse_unaskable(question, approve, stdin)
    database = open_database(config, db)
    resolved = build_model(config, model_name)
    settings = _with_examples(config, database, loop_settings(config))
    require_price(config, resolved, settings)
    progress = Progress(stderr, quiet=output != "table" and not stderr.isatty(), dialect=database.dialect)
    streamed = _StreamedAnswer(stdout)
    clock = _query_clock(stderr, settings.limits.timeout_s, lambda: session.loop.executing)
    session = open_session(
        config,
        database,
        resolved,
        settings,
        observer=progress if clock is None else _clock_then(clock, progress),
        on_text=streamed if output == "table" and stdout.isatty() else None,
    )
    if clock is not None:
        clock.start()
    decide = {"auto": auto_approve, "never": None}.get(
        approve,
        TerminalApproval(stdin, stderr, sql_shown=not progress.quiet, question=question, dialect=database.dialect),
    )
    answer = TerminalClarification(stdin, stderr) if approve == "ask" else None  # policies ask nobody
    try:
        try:
            outcome = _drive(session, question, decide, answer)
        finally:
            if clock is not None:
                clock.stop()
            session.close()
        if save_example:  # read back from the log: what was logged is what a person approved
            _save_example(config, database, session, stderr)
    finally:
        database.close()
    _print_outcome(outcome, output, session, streamed.shown, stdout, stderr)
    _say_how_it_ended(outcome, approve, stderr)
    stderr.write(f"session {session.id} · {session.path}\n")
    return exit_code_for(outcome)


def _with_examples(config: Config, database: Any, settings: Any) -> Any:
    """The loop settings with the database's verified examples, as many as asked."""
    from dataclasses import replace

    from analyst.example_files import chooser_for

    return replace(settings, examples=chooser_for(config, database))


def _save_example(config: Config, database: Any, session: Session, stderr: TextIO) -> None:
    """Keep the turn as a verified example if a person approved it and it was answered."""
    from analyst.example_saving import save_approved

    for line in save_approved(config, database, session.path):
        stderr.write(f"analyst: {line}\n")


def _refuse_unaskable(question: str, approve: str, stdin: TextIO) -> None:
    """Fail before anything opens when there is nothing to ask, or nobody to ask for approval."""
    if not question.strip():
        raise UserError('the question is empty; pass it in quotes: analyst ask "Which customer spent the most?"')
    if approve == "ask" and not stdin.isatty():
        raise UserError(
            "--approve ask needs a terminal to ask you; use --approve auto (run what the checks accept) or --approve never (dry run)"
        )


class _StreamedAnswer:
    """On a terminal the answer appears as it is written; data formats wait for the end."""

    def __init__(self, stdout: TextIO) -> None:
        self._stdout = stdout
        self.shown = False

    def __call__(self, purpose: str, delta: str) -> None:
        if purpose != "summarize":
            return
        from analyst.render import inert

        if not self.shown:
            self._stdout.write("\n")
        self.shown = True
        self._stdout.write(inert(delta))
        self._stdout.flush()


def _query_clock(stderr: TextIO, timeout_s: float, executing: Callable[[], bool]) -> QueryClock | None:
    """A ticking elapsed-time line while a query runs; never in a pipe or a file."""
    if not stderr.isatty():
        return None
    from analyst.query_clock import QueryClock

    return QueryClock(stderr, timeout_s, executing)


def _clock_then(clock: QueryClock, progress: Callable[[Any], None]) -> Callable[[Any], None]:
    def clock_then_progress(event: Any) -> None:
        clock.observe(event)  # clears its line before the progress printer writes
        progress(event)

    return clock_then_progress


def _drive(session: Session, question: str, decide: Any, answer: Any) -> Outcome:
    """The question driven to its end; Ctrl+C interrupts the turn instead of the program."""
    from agents.drive import drive
    from analyst.interrupts import interrupt_on_sigint
    from sessions.log import LogWriteError

    try:
        with interrupt_on_sigint(session.loop.interrupt, quiet_while=lambda: session.loop.executing):
            return drive(session.loop, question, decide, answer)
    except LogWriteError as exc:
        raise UserError(
            f"{exc}; stopped before running anything further (a decision must be logged before it executes)",
            EXIT_NOT_ANSWERED,
        ) from None


def _print_outcome(
    outcome: Outcome, output: str, session: Session, answer_shown: bool, stdout: TextIO, stderr: TextIO
) -> None:
    """The result on stdout in the asked format; what that format cannot hold goes to stderr."""
    import json

    from analyst.render import outcome_json, print_table, truncation_warning

    if output == "json":
        stdout.write(json.dumps(outcome_json(outcome, session.id, str(session.path)), ensure_ascii=False) + "\n")
    elif output == "csv":
        _print_csv(outcome, stdout, stderr)
    else:
        if answer_shown:
            stdout.write("\n\n")
        print_table(outcome, stdout, answer_shown=answer_shown)
    if output != "table" and outcome.result is not None and outcome.result.truncated:
        stderr.write(truncation_warning(outcome.result.row_count) + "\n")


def _print_csv(outcome: Outcome, stdout: TextIO, stderr: TextIO) -> None:
    from analyst.render import inert, print_csv, ungrounded_note

    print_csv(outcome, stdout)
    if outcome.answer:  # stdout holds only the rows; the answer would be lost
        stderr.write(f"answer: {inert(outcome.answer)}\n")
        if not outcome.grounded:
            stderr.write(ungrounded_note(outcome) + "\n")
    if outcome.status is Status.DRY_RUN and outcome.sql:  # nothing ran: the checked SQL is the result
        stderr.write(f"dry run: checked, not executed:\n{outcome.sql}\n")


def _say_how_it_ended(outcome: Outcome, approve: str, stderr: TextIO) -> None:
    """One stderr line for a turn that did not end with an answer: what happened and what to do."""
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
