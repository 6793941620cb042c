"""What the commands' parsers share: the parser class, argument types and the flag groups.

Kept apart from `analyst.cli` so that a command module can build its own sub-commands with
`Parser` without importing the command table that imports it.
"""

from __future__ import annotations

import argparse
from typing import NoReturn

from analyst.errors import UserError


class Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line (exit 2), like every other user error."""

    def error(self, message: str) -> NoReturn:
        raise UserError(f"{message} (see `{self.prog} --help`)")


def positive_number(text: str) -> float:
    """A flag's number above 0 (seconds, dollars): 0 would switch a limit off instead of setting it."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be greater than 0")
    return value


def positive_whole_number(text: str) -> int:
    """A flag's count above 0 (rows, tokens, workers, sessions)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be greater than 0")
    return value


def add_db(p: argparse.ArgumentParser) -> None:
    """--db and the exclusions: every command that opens the person's database takes them."""
    p.add_argument(
        "--db",
        metavar="DB",
        help="a .duckdb or SQLite (.sqlite, .sqlite3, .db) file, a CSV/Parquet/JSON file or folder of them, a postgresql://USER@HOST:PORT/DBNAME URL (password in PGPASSWORD or ~/.pgpass) or a mysql://USER@HOST:PORT/DBNAME URL (MYSQL_PWD or ~/.my.cnf) (default: $ANALYST_DB, config, else the bundled sample database)",
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
    p.add_argument(
        "--max-memory",
        dest="max_memory",
        metavar="SIZE",
        help='the most memory a DuckDB query may use, e.g. "4GB" or "50%%" of RAM; past it the query fails (default 4GB)',
    )


def add_query_flags(p: argparse.ArgumentParser) -> None:
    """The flags of every command that asks a model: the database, the model and the limits."""
    add_db(p)
    p.add_argument(
        "--model",
        metavar="M",
        help="provider:model, e.g. openai:gpt-4.1-mini, ollama:sqlcoder, scripted:FILE.jsonl (default: $ANALYST_MODEL or config)",
    )
    p.add_argument("--timeout", type=positive_number, metavar="SECONDS", help="per query (default 30)")
    p.add_argument(
        "--max-rows",
        dest="max_rows",
        type=positive_whole_number,
        metavar="N",
        help="rows fetched per query (default 1000)",
    )
    p.add_argument(
        "--max-cost",
        dest="max_cost",
        type=positive_number,
        metavar="USD",
        help="stop when the model cost reaches this: per session; for batch and eval, the whole run",
    )
    p.add_argument(
        "--model-timeout",
        dest="model_timeout",
        type=positive_number,
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
        help="send the model no sample values, result rows or database error text (only column names, types, a rough row count and error classes)",
    )
    p.add_argument(
        "--no-tools",
        dest="tools",
        action="store_false",
        default=None,
        help="for models without tool calling: read SQL from a ```sql block",
    )


def add_example_flags(p: argparse.ArgumentParser) -> None:
    """How many verified examples each question's prompt carries (`analyst examples`)."""
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "--examples",
        dest="examples",
        type=positive_whole_number,
        metavar="N",
        help="verified examples most like the question to put in the prompt (default 3, config: examples)",
    )
    group.add_argument(
        "--no-examples", dest="examples", action="store_const", const=0, help="put no verified examples in the prompt"
    )
