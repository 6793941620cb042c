"""`analyst runs list|show|compare`: recorded eval runs, read back and compared."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from analyst.commands.arguments import Parser
from analyst.errors import EXIT_NOT_ANSWERED, EXIT_OK, UserError

if TYPE_CHECKING:
    from analyst.config import Config


def register(parser: argparse.ArgumentParser) -> None:
    verbs = parser.add_subparsers(dest="runs_command", metavar="list|show|compare", parser_class=Parser, required=True)
    verbs.add_parser("list", help="runs, newest first")
    show = verbs.add_parser(
        "show", help="one run's report, then each question not correct with why and its predicted and gold SQL"
    )
    show.add_argument("refs", nargs=1, metavar="RUN")
    show.add_argument(
        "--format",
        dest="output",
        choices=("text", "json"),
        default="text",
        help="json: summary, per-category/per-database accuracy and every question (README: Eval runs as JSON)",
    )
    compare = verbs.add_parser(
        "compare",
        help="per-category deltas and questions that flipped, those with the same SQL in both runs marked (exit 1 if any broke)",
    )
    compare.add_argument("refs", nargs=2, metavar="RUN")
    compare.add_argument(
        "--format",
        dest="output",
        choices=("text", "json"),
        default="text",
        help="json: both runs, the deltas, every flip with both outcomes and identical_sql, McNemar",
    )


def run(args: argparse.Namespace, config: Config) -> int:
    return run_runs(config, args.runs_command, getattr(args, "refs", []), output=getattr(args, "output", "text"))


def run_runs(config: Config, verb: str, refs: list[str], stdout: TextIO | None = None, output: str = "text") -> int:
    """`runs list|show|compare`; `output` "json" prints the shapes of sessions/run_json.py."""
    from analyst.eval_report import print_comparison, print_report
    from sessions.evaluation import compare_runs, find_run, list_runs

    stdout = stdout or sys.stdout
    runs_dir = config.home / "runs"
    if verb == "list":
        rows = list_runs(runs_dir)
        if not rows:
            sys.stderr.write(f"no runs in {runs_dir}; `analyst eval SUITE --model M` records one\n")
        for row in rows:
            accuracy = f"{row['correct'] / row['questions']:.1%}" if row["questions"] else "-"
            state = "" if row["finished"] else " (unfinished)"
            state += f" ({row['not_run']} not run; see runs show)" if row["not_run"] else ""
            stdout.write(
                f"{row['run_id']}  {accuracy:>6} of {row['questions']:<4} {row['model']:<28} {row['suite']}{state}\n"
            )
        return EXIT_OK
    try:
        paths = [find_run(runs_dir, ref) for ref in refs]
    except FileNotFoundError as exc:
        raise UserError(str(exc)) from None
    records = [_load(path) for path in paths]
    if verb == "show":
        from sessions.evaluation import results_as_objects, run_summary, show_json

        if output == "json":
            _dump(stdout, show_json(records[0], paths[0]))
        else:
            print_report(stdout, records[0].header, run_summary(records[0]), results_as_objects(records[0].results))
        return EXIT_OK
    comparison = compare_runs(records[0], records[1])
    if output == "json":
        from sessions.evaluation import compare_json

        _dump(stdout, compare_json(comparison, (records[0], paths[0]), (records[1], paths[1])))
    else:
        print_comparison(stdout, comparison, paths[0].stem, paths[1].stem)
    return EXIT_OK if not comparison["broken"] else EXIT_NOT_ANSWERED


def _load(path: Path) -> Any:
    """The run log at `path`, or a one-line error naming it (unreadable since it was found)."""
    from sessions.evaluation import load_run

    try:
        return load_run(path)
    except OSError as exc:
        raise UserError(f"cannot read the run log {path}: {exc.strerror or exc}") from None


def _dump(stream: TextIO, value: Any) -> None:
    import json

    stream.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")
