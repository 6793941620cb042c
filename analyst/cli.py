"""The `analyst` command line: the table of commands, dispatch, and the console script.

`analyst --help` must not import textual, openai, anthropic or duckdb: each command lives in its
own module under analyst/commands/, imported only when that command runs or shows its help, and
importing what it needs inside its handler.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, cast

from analyst.commands.arguments import Parser
from analyst.errors import EXIT_DATABASE, EXIT_INTERRUPTED, UserError

if TYPE_CHECKING:
    from analyst.config import Config

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


class Command(NamedTuple):
    """A row of the command table: the name typed after `analyst` and its line in `analyst --help`.

    The command itself is the module `analyst.commands.<name>`: `register(parser)` adds its
    arguments and `run(args, config)` runs it. The module is imported only when the command is
    used, so `analyst --help` imports none of them and `analyst ask ...` only the one. (A
    NamedTuple rather than a frozen dataclass: `dataclasses` would be the slowest import of
    `--help`.)
    """

    name: str
    summary: str


COMMANDS = (
    Command("chat", "the interactive terminal app (the default command)"),
    Command("ask", "answer one question, no screen"),
    Command("batch", "answer many questions from a file (JSONL, CSV or text)"),
    Command("replay", "re-run a logged session offline, or re-ask it with another model"),
    Command("sessions", "list, show and export logged sessions"),
    Command("eval", "score a model by executing its SQL against gold SQL"),
    Command("runs", "recorded eval runs: list, show, compare"),
    Command("schema", "show the catalog, or the slice chosen for a question"),
    Command("check", "run the SQL guard alone (one JSON line per statement)"),
    Command("mcp", "serve the database to coding agents over MCP, a person approving each query"),
    Command("examples", "verified question→SQL examples per database: add, list, remove, import, export, check"),
    Command("suite", "check an eval suite: gold SQL runs and is deterministic, duplicates, difficulty"),
    Command("keys", "API keys in the OS keyring (read from a prompt or stdin, never argv)"),
    Command("models", "known models, where each key comes from"),
    Command("demo", "replay a bundled recorded session on the sample database (offline, no key)"),
    Command("config", "show settings and where each came from"),
)


class _CommandModule(Protocol):
    """What every module under analyst/commands/ provides."""

    def register(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace, config: Config) -> int: ...


def _command(name: str) -> _CommandModule:
    return cast(_CommandModule, import_module(f"analyst.commands.{name}"))


class _CommandParser(Parser):
    """A command's parser, given its arguments by the command's module when it first parses:
    argparse has chosen the command by then, so only that module is imported."""

    def __init__(self, *, command: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._unregistered = command

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        if self._unregistered is not None:
            _command(self._unregistered).register(self)
            self._unregistered = None
        return super().parse_known_args(args, namespace)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="analyst", description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_CommandParser)
    for command in COMMANDS:
        sub.add_parser(command.name, help=command.summary, command=command.name)
    return parser


def _flags(args: argparse.Namespace) -> dict[str, Any]:
    """The settings given as flags; a flag not given (None) leaves its setting to config and environment."""
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
        "max_memory",
        "examples",
    )
    return {name: getattr(args, name) for name in names if getattr(args, name, None) is not None}


def _dispatch(args: argparse.Namespace) -> int:
    from analyst.config import load_config

    if args.version:
        from sessions.session import code_version

        print(f"analyst {code_version()}")
        return 0
    config = load_config(_flags(args))
    return _command(args.command or "chat").run(args, config)


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
        return _dispatch(args)
    except UserError as exc:
        from tools.redaction import redact_secrets

        print(f"analyst: error: {redact_secrets(exc.message)}", file=sys.stderr)  # a path may be a URL
        return exc.exit_code
    except KeyboardInterrupt:
        print("analyst: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return 0
    except Exception as exc:
        base = sys.modules.get("tools.databases.base")  # loaded if any database was opened
        if base is None or not isinstance(exc, base.DatabaseOpenError):
            raise
        from tools.redaction import redact_secrets

        # the catalog is read on first use, after open_database's own checks
        print(f"analyst: error: {redact_secrets(str(exc))}", file=sys.stderr)
        return EXIT_DATABASE


def entry() -> None:
    """The console script: `main`, then an exit that cannot be turned into a crash.

    A PostgreSQL statement abandoned at its time limit may still be waiting for the server on a
    daemon worker thread when analyst is done. Letting the interpreter shut down under a thread
    inside a C extension can abort the process after the answer was printed; so in that case
    analyst flushes its output and leaves at once. (DuckDB runs in engine processes, which end
    when analyst closes their pipes.)
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
