"""The `analyst` command line: argument parsing and dispatch, nothing heavy at import time.

`analyst --help` must not import textual, openai, anthropic or duckdb: every command imports
what it needs inside its handler.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from analyst.errors import EXIT_INTERRUPTED, EXIT_USAGE, UserError

DESCRIPTION = """A terminal SQL analyst: ask a question in plain language; analyst finds the relevant
schema, asks a model for SQL, checks it, shows it for approval, runs it read-only, and explains
the result. Every step is logged to a session file."""

EPILOG = """examples:
  analyst --db shop.duckdb --model anthropic:claude-haiku-4-5   (the terminal app)
  analyst ask "Which customer spent the most?"                 (bundled sample database)
  analyst ask "Top 5 products by revenue" --db shop.duckdb --approve auto --format json
  analyst ask "How many rows per day?" --db events.parquet --model ollama:sqlcoder
  analyst schema --for "revenue by region"
  echo "SELECT 1" | analyst check -

exit codes: 0 answered/dry run · 1 needs clarification, aborted, rejected or failed (also:
no query succeeded) · 2 usage or config error ·
3 model provider failed · 4 database cannot be opened · 130 interrupted"""


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line (exit 2), like every other user error."""

    def error(self, message: str) -> Any:
        raise UserError(f"{message} (see `{self.prog} --help`)")


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be greater than 0")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be greater than 0")
    return value


def _since(text: str) -> Any:
    from sessions.filters import parse_since

    try:
        return parse_since(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _status(text: str) -> str:
    from sessions.filters import parse_status

    try:
        return parse_status(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db",
        metavar="DB",
        help="a .duckdb file, a CSV/Parquet/JSON file or folder of them, or a postgresql://USER@HOST:PORT/DBNAME URL (password in PGPASSWORD or ~/.pgpass) (default: $ANALYST_DB, config, else the bundled sample database)",
    )
    p.add_argument(
        "--exclude-table",
        dest="exclude_tables",
        action="append",
        metavar="PATTERN",
        help="table name or pattern never retrieved, shown or queryable (repeatable)",
    )
    p.add_argument(
        "--exclude-column",
        dest="exclude_columns",
        action="append",
        metavar="TABLE.COLUMN",
        help="column (table.column or schema.table.column, wildcards allowed) never retrieved, shown or queryable (repeatable)",
    )


def _add_query_flags(p: argparse.ArgumentParser) -> None:
    _add_db(p)
    p.add_argument(
        "--model",
        metavar="M",
        help="provider:model, e.g. openai:gpt-4.1-mini, ollama:sqlcoder, scripted:FILE.jsonl (default: $ANALYST_MODEL or config)",
    )
    p.add_argument("--timeout", type=_positive_float, metavar="SECONDS", help="per query (default 30)")
    p.add_argument(
        "--max-rows", dest="max_rows", type=_positive_int, metavar="N", help="rows fetched per query (default 1000)"
    )
    p.add_argument(
        "--max-cost",
        dest="max_cost",
        type=_positive_float,
        metavar="USD",
        help="stop when the model cost reaches this: per session; for batch and eval, the whole run",
    )
    p.add_argument(
        "--model-timeout",
        dest="model_timeout",
        type=_positive_float,
        metavar="SECONDS",
        help="per model call (default 60)",
    )
    p.add_argument(
        "--log-rows",
        dest="log_rows",
        action="store_true",
        default=None,
        help="also write result rows to the session log",
    )
    p.add_argument(
        "--no-data-to-model",
        dest="data_to_model",
        action="store_false",
        default=None,
        help="send the model no sample values and no result rows (only shapes and aggregates)",
    )
    p.add_argument(
        "--no-tools",
        dest="tools",
        action="store_false",
        default=None,
        help="for models without tool calling: read SQL from a ```sql block",
    )


def build_parser() -> argparse.ArgumentParser:
    from sessions.statuses import STATUSES

    parser = _Parser(
        prog="analyst", description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    chat = sub.add_parser(
        "chat",
        help="the interactive terminal app (the default command)",
        description="Open the terminal app: ask, review, approve, watch, cancel.",
    )
    _add_query_flags(chat)

    ask = sub.add_parser(
        "ask",
        help="answer one question, no screen",
        description="Answer one question against a database, with approval, and print the result.",
    )
    ask.add_argument("question", help="the question, in quotes")
    ask.add_argument(
        "--approve",
        choices=("ask", "auto", "never"),
        default="ask",
        help="ask: prompt on the terminal (default); auto: run what the checks accept; never: dry run, execute nothing",
    )
    ask.add_argument(
        "--format",
        dest="output",
        choices=("table", "json", "csv"),
        default="table",
        help="stdout format (default table)",
    )
    _add_query_flags(ask)

    batch = sub.add_parser(
        "batch",
        help="answer many questions from a file (JSONL, CSV or text)",
        description='Answer every question in FILE through the same loop, one session each. JSONL lines {"id", "question", "db"?}, a CSV with a question column, or one question per line.',
    )
    batch.add_argument("file", metavar="FILE", help="questions: .jsonl, .csv, or text (one per line)")
    batch.add_argument(
        "--approve", choices=("auto", "never"), required=True, help="auto: run what the checks accept; never: dry run"
    )
    batch.add_argument(
        "--out", metavar="FILE", help="append results here (JSONL, or CSV if it ends in .csv) instead of stdout"
    )
    batch.add_argument(
        "--concurrency", type=_positive_int, default=1, metavar="N", help="questions in parallel (default 1)"
    )
    batch.add_argument("--resume", action="store_true", help="skip ids already in --out")
    _add_query_flags(batch)

    replay = sub.add_parser(
        "replay",
        help="re-run a logged session offline, or re-ask it with another model",
        description="Replay a session from its log alone (recorded model responses and decisions) and report 'identical' or the first divergence; with --model, re-ask each question with a live model and diff SQL and results.",
    )
    replay.add_argument("session", metavar="SESSION", help="a session id (or unique prefix) or a .jsonl path")
    replay.add_argument(
        "--approve",
        choices=("auto", "never"),
        default="auto",
        help="with --model: run what the checks accept (auto, default) or dry run",
    )
    _add_query_flags(replay)

    sessions = sub.add_parser("sessions", help="list, show and export logged sessions")
    sessions_sub = sessions.add_subparsers(
        dest="sessions_command", metavar="list|show|export", parser_class=_Parser, required=True
    )
    listing = sessions_sub.add_parser("list", help="sessions, newest first")
    listing.add_argument("--limit", type=_positive_int, metavar="N", help="only the N newest (after the other filters)")
    listing.add_argument(
        "--since",
        type=_since,
        metavar="DATE|DURATION",
        help="started on or after a date/time (2026-12-01, local time) or within a duration (30m, 3h, 7d, 2w)",
    )
    listing.add_argument(
        "--status",
        dest="statuses",
        type=_status,
        action="append",
        metavar="STATUS",
        help=f"with a turn that ended so: {', '.join(STATUSES)} (repeatable)",
    )
    listing.add_argument(
        "--db",
        metavar="PATTERN",
        help="database location: a glob (*.parquet, shop.duckdb) or a part of it (shop, 127.0.0.1)",
    )
    show = sessions_sub.add_parser("show", help="one session's turns: question, status, SQL, answer, cost")
    show.add_argument("session", metavar="ID")
    export = sessions_sub.add_parser("export", help="human-approved turns as an eval suite or fine-tuning chat JSONL")
    export.add_argument(
        "--as",
        dest="as_",
        choices=("suite", "chat"),
        required=True,
        help="suite: eval entries (first questions only; follow-ups lean on earlier ones); chat: fine-tuning examples, follow-ups with their conversation",
    )
    export.add_argument("--out", metavar="FILE")
    export.add_argument("ids", nargs="*", metavar="ID", help="sessions to export (default: all)")

    evaluate = sub.add_parser(
        "eval",
        help="score a model by executing its SQL against gold SQL",
        description="Run every question of SUITE through the loop (SQL the guard accepts is executed), execute the gold SQL, compare results, and record the run under runs/. SUITE is a .jsonl/.csv file, `defog` (314 questions) or `defog-idk` (105 questions that should be declined).",
    )
    evaluate.add_argument("suite", metavar="SUITE", help="suite file, defog, or defog-idk")
    evaluate.add_argument("--name", metavar="NAME", help="a name for the recorded run")
    evaluate.add_argument("--out", metavar="FILE", help="also write per-question results (JSONL) here")
    evaluate.add_argument(
        "--concurrency", type=_positive_int, default=1, metavar="N", help="questions in parallel (default 1)"
    )
    evaluate.add_argument(
        "--resume",
        metavar="RUN",
        help="a new run that keeps RUN's scored questions and runs only the rest (not run, or never reached: after --max-cost, Ctrl+C or a crash); same suite and model",
    )
    _add_query_flags(evaluate)

    runs = sub.add_parser("runs", help="recorded eval runs: list, show, compare")
    runs_sub = runs.add_subparsers(
        dest="runs_command", metavar="list|show|compare", parser_class=_Parser, required=True
    )
    runs_sub.add_parser("list", help="runs, newest first")
    runs_show = runs_sub.add_parser(
        "show", help="one run's report, then each question not correct with why and its predicted and gold SQL"
    )
    runs_show.add_argument("refs", nargs=1, metavar="RUN")
    runs_show.add_argument(
        "--format",
        dest="output",
        choices=("text", "json"),
        default="text",
        help="json: summary, per-category/per-database accuracy and every question (README: Eval runs as JSON)",
    )
    runs_compare = runs_sub.add_parser(
        "compare",
        help="per-category deltas and questions that flipped, those with the same SQL in both runs marked (exit 1 if any broke)",
    )
    runs_compare.add_argument("refs", nargs=2, metavar="RUN")
    runs_compare.add_argument(
        "--format",
        dest="output",
        choices=("text", "json"),
        default="text",
        help="json: both runs, the deltas, every flip with both outcomes and identical_sql, McNemar",
    )

    schema = sub.add_parser("schema", help="show the catalog, or the slice chosen for a question")
    _add_db(schema)
    schema.add_argument(
        "--for", dest="question", metavar="QUESTION", help="show only what would be sent to the model for this question"
    )
    schema.add_argument(
        "--budget",
        type=_positive_int,
        metavar="TOKENS",
        help="token budget for the slice (default: config schema_budget, else 6000 or a quarter of the model's context window if smaller)",
    )
    schema.add_argument("--format", dest="output", choices=("text", "json"), default="text")

    check = sub.add_parser(
        "check",
        help="run the SQL guard alone (one JSON line per statement)",
        description="Run the SQL guard alone and print one JSON line per statement. Table and column names are checked only against a database: --db, else $ANALYST_DB or the configured one; with none, only the SQL itself is checked (a warning says so).",
    )
    check.add_argument(
        "--db",
        metavar="DB",
        help="check table and column names against this database: a .duckdb file, a CSV/Parquet/JSON file or folder, or a postgresql:// URL (default: $ANALYST_DB or config; with neither, names are not checked)",
    )
    check.add_argument(
        "--exclude-table",
        dest="exclude_tables",
        action="append",
        metavar="PATTERN",
        help="table name or pattern treated as absent (repeatable)",
    )
    check.add_argument(
        "--exclude-column",
        dest="exclude_columns",
        action="append",
        metavar="TABLE.COLUMN",
        help="column (table.column or schema.table.column, wildcards allowed) treated as absent (repeatable)",
    )
    check.add_argument(
        "--dialect", choices=("duckdb", "postgres"), help="SQL dialect (default: the database's, else duckdb)"
    )
    check.add_argument(
        "file",
        nargs="?",
        default="-",
        metavar="FILE|-",
        help='a .sql file (each statement is checked), a .jsonl file of {"sql": ...} lines, or - for stdin',
    )

    keys = sub.add_parser("keys", help="API keys in the OS keyring (read from a prompt or stdin, never argv)")
    keys_sub = keys.add_subparsers(dest="keys_command", metavar="set|list|delete", parser_class=_Parser, required=True)
    for verb, text in (("set", "store a key (prompted, or piped on stdin)"), ("delete", "remove a stored key")):
        verb_parser = keys_sub.add_parser(verb, help=text)
        verb_parser.add_argument("provider", help="openai, anthropic, or a configured endpoint name")
    keys_sub.add_parser("list", help="which providers have a key, and from where (never the key)")

    models = sub.add_parser("models", help="known models, where each key comes from")
    models.add_argument("--check", action="store_true", help="also check whether each endpoint answers")

    sub.add_parser("demo", help="replay a bundled recorded session on the sample database (offline, no key)")

    config = sub.add_parser("config", help="show settings and where each came from")
    config_sub = config.add_subparsers(dest="config_command", metavar="show", parser_class=_Parser)
    config_sub.add_parser("show", help="every setting, its value and its source")
    return parser


def _flags(args: argparse.Namespace) -> dict[str, Any]:
    names = (
        "db",
        "model",
        "timeout",
        "max_rows",
        "max_cost",
        "model_timeout",
        "log_rows",
        "tools",
        "exclude_tables",
        "exclude_columns",
        "data_to_model",
    )
    return {name: getattr(args, name) for name in names if getattr(args, name, None) is not None}


def _dispatch(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from analyst.config import load_config

    if args.version:
        from sessions.session import code_version

        print(f"analyst {code_version()}")
        return 0
    config = load_config(_flags(args))
    if args.command in (None, "chat"):
        from analyst.tui import run_chat

        return run_chat(config, getattr(args, "db", None), getattr(args, "model", None))
    if args.command == "ask":
        from analyst.ask import run_ask

        return run_ask(
            config, args.question, approve=args.approve, output=args.output, db=args.db, model_name=args.model
        )
    if args.command == "batch":
        from pathlib import Path

        from analyst.batch import run_batch

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
    if args.command == "replay":
        from analyst.replay_cmd import run_replay

        return run_replay(config, args.session, db=args.db, model_name=args.model, approve=args.approve)
    if args.command == "sessions":
        from analyst import sessions_cmd

        if args.sessions_command == "list":
            from sessions.filters import SessionFilter

            chosen = SessionFilter(args.limit, args.since, tuple(args.statuses or ()), args.db)
            return sessions_cmd.run_sessions_list(config, chosen=chosen)
        if args.sessions_command == "show":
            return sessions_cmd.run_sessions_show(config, args.session)
        return sessions_cmd.run_sessions_export(config, args.ids, args.as_, args.out)
    if args.command == "eval":
        from analyst.eval_cmd import run_eval

        return run_eval(
            config,
            args.suite,
            model_name=args.model,
            db=args.db,
            name=args.name,
            out=args.out,
            concurrency=args.concurrency,
            resume=args.resume,
        )
    if args.command == "runs":
        from analyst.eval_cmd import run_runs

        return run_runs(config, args.runs_command, getattr(args, "refs", []), output=getattr(args, "output", "text"))
    if args.command == "schema":
        from analyst.inspect import run_schema

        return run_schema(config, db=args.db, question=args.question, budget=args.budget, output=args.output)
    if args.command == "check":
        from analyst.inspect import run_check

        return run_check(config, db=args.db, dialect=args.dialect, source=args.file)
    if args.command == "keys":
        from analyst.keys import run_keys

        return run_keys(
            args.keys_command, getattr(args, "provider", None), {e.name: e.key_env for e in config.endpoints.values()}
        )
    if args.command == "models":
        from analyst.inspect import run_models

        return run_models(config, check=args.check)
    if args.command == "demo":
        from analyst.demo import run_demo

        return run_demo(config)
    if args.command == "config":
        from analyst.inspect import run_config_show

        return run_config_show(config)
    parser.print_help()
    return EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; user errors are one line on stderr and a non-zero exit, never a traceback."""
    for stream in (sys.stdout, sys.stderr):  # a lone surrogate (undecodable argv) must not crash output
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version"):
        argv = ["chat", *argv]  # `analyst --db X --model M` is `analyst chat --db X --model M`
    try:
        args = parser.parse_args(argv)
        return _dispatch(args, parser)
    except UserError as exc:
        print(f"analyst: error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("analyst: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return 0


def entry() -> None:
    """The console script: `main`, then an exit that cannot be turned into a crash.

    A statement abandoned at its time limit may still be running on a daemon worker thread when
    analyst is done (DuckDB cannot interrupt some single function calls). Letting the interpreter
    shut down under it makes DuckDB abort the process (exit 134, "FATAL: exception not rethrown")
    after the answer was printed; so in that case analyst flushes its output and leaves at once.
    """
    import os

    code = main()
    workers = sys.modules.get("tools.databases.workers")
    if workers is not None and workers.WORKERS.busy:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    entry()
