"""`analyst batch`: many questions from a file through the same loop, in parallel, crash-safe.

The plan for each question (its record, the output file, the tally) is analyst/batch_plan.py.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from analyst.commands.arguments import add_example_flags, add_query_flags, positive_whole_number
from analyst.errors import EXIT_INTERRUPTED, EXIT_NOT_ANSWERED, EXIT_OK, EXIT_PROVIDER, UserError

if TYPE_CHECKING:
    from analyst.config import Config


def register(parser: argparse.ArgumentParser) -> None:
    parser.description = 'Answer every question in FILE through the same loop, one session each. JSONL lines {"id", "question", "db"?}, a CSV with a question column, or one question per line.'
    parser.add_argument("file", metavar="FILE", help="questions: .jsonl, .csv, or text (one per line)")
    parser.add_argument(
        "--approve", choices=("auto", "never"), required=True, help="auto: run what the checks accept; never: dry run"
    )
    parser.add_argument(
        "--out", metavar="FILE", help="append results here (JSONL, or CSV if it ends in .csv) instead of stdout"
    )
    parser.add_argument(
        "--concurrency", type=positive_whole_number, default=1, metavar="N", help="questions in parallel (default 1)"
    )
    parser.add_argument("--resume", action="store_true", help="skip ids already in --out")
    add_query_flags(parser)
    add_example_flags(parser)


def run(args: argparse.Namespace, config: Config) -> int:
    return run_batch(
        config,
        Path(args.file),
        approve=args.approve,
        db=args.db,
        model_name=args.model,
        out=Path(args.out) if args.out else None,
        concurrency=args.concurrency,
        resume=args.resume,
    )


def run_batch(
    config: Config,
    path: Path,
    *,
    approve: str,
    db: str | None,
    model_name: str | None,
    out: Path | None,
    concurrency: int,
    resume: bool,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Answer every question in `path`; exit 0 when each reached the status its policy asks for."""
    import time

    from agents.drive import auto_approve
    from analyst.batch_input import read_batch
    from analyst.batch_plan import BatchPlan, ResultWriter, Tally, completed_ids
    from analyst.batch_progress import BatchProgress, print_summary
    from analyst.wiring import build_model, database_key, open_database, open_session, run_settings
    from sessions.runner import Runner, SharedDatabases

    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    if resume and out is None:
        raise UserError("--resume needs --out FILE (the results to resume from)")
    items = read_batch(path)
    skipped = completed_ids(out) if resume and out is not None else set()
    todo = [item for item in items if item.id not in skipped]
    if skipped:
        stderr.write(f"resuming: {len(items) - len(todo)} of {len(items)} questions already in {out}\n")
    from agents.outcome import Status

    wanted = Status.ANSWERED if approve == "auto" else Status.DRY_RUN
    resolved = build_model(config, model_name, stream=False)
    settings = run_settings(config, resolved)
    with_examples = _examples_per_database(config, settings)
    writer = ResultWriter(out, stdout)
    tally = Tally()
    progress = BatchProgress(stderr, len(todo), tally, concurrency)
    plan = BatchPlan(path, writer, progress, tally, wanted)
    runner = Runner(
        plan,
        SharedDatabases(lambda spec, origin: open_database(config, spec, origin=origin), db, database_key),
        lambda database, observer: open_session(config, database, resolved, with_examples(database), observer=observer),
        settings.budget,
        auto_approve if approve == "auto" else None,
        concurrency,
        name="batch",
    )
    started = time.perf_counter()
    try:
        with progress:
            end = runner.run(todo)
    finally:
        writer.close()
        runner.close()
    if end.fatal is not None and not end.interrupted:  # every question would fail the same way
        raise UserError(
            f"{end.fatal}; stopped the batch (unanswered questions are not written, so --resume runs them)",
            EXIT_PROVIDER,
        )
    if end.interrupted:
        stderr.write(
            "analyst: interrupted; finished results are kept"
            + (f" in {out}; rerun with --resume" if out else "")
            + "\n"
        )
    print_summary(stderr, tally, time.perf_counter() - started, len(todo))
    if plan.capped:
        again = "rerun with a higher --max-cost and --resume to answer them" if out else "they are not in the output"
        stderr.write(
            f"analyst: {len(plan.capped)} question(s) stopped by --max-cost ({settings.budget.why_exhausted() or 'cap reached'}); {again}\n"
        )
    if end.interrupted:
        return EXIT_INTERRUPTED
    return EXIT_OK if plan.all_ok else EXIT_NOT_ANSWERED


def _examples_per_database(config: Config, settings: Any) -> Callable[[Any], Any]:
    """Each question's settings with its own database's verified examples (read once per database)."""
    from dataclasses import replace

    from analyst.example_files import chooser_for

    made: dict[int, Any] = {}

    def settings_for(database: Any) -> Any:
        if id(database) not in made:  # a race computes it twice, harmlessly
            made[id(database)] = replace(settings, examples=chooser_for(config, database))
        return made[id(database)]

    return settings_for
