"""`analyst check`: the SQL guard alone, one JSON line per statement; no model is asked."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from analyst.errors import EXIT_NOT_ANSWERED, EXIT_OK, UserError

if TYPE_CHECKING:
    from analyst.config import Config


def register(parser: argparse.ArgumentParser) -> None:
    parser.description = "Run the SQL guard alone and print one JSON line per statement. Table and column names are checked only against a database: --db, else $ANALYST_DB or the configured one; with none, only the SQL itself is checked (a warning says so)."
    parser.add_argument(
        "--db",
        metavar="DB",
        help="check table and column names against this database: a .duckdb or SQLite file, a CSV/Parquet/JSON file or folder, a postgresql:// or mysql:// URL (default: $ANALYST_DB or config; with neither, names are not checked)",
    )
    parser.add_argument(
        "--exclude-table",
        dest="exclude_tables",
        action="append",
        metavar="PATTERN",
        help="table name or pattern treated as absent (repeatable)",
    )
    parser.add_argument(
        "--exclude-column",
        dest="exclude_columns",
        action="append",
        metavar="TABLE.COLUMN",
        help="column (table.column or schema.table.column, wildcards allowed) treated as absent (repeatable)",
    )
    parser.add_argument(
        "--dialect",
        choices=("duckdb", "postgres", "mysql", "sqlite"),
        help="SQL dialect (default: the database's, else duckdb)",
    )
    parser.add_argument(
        "file",
        nargs="?",
        default="-",
        metavar="FILE|-",
        help='a .sql file (each statement is checked), a .jsonl file of {"sql": ...} lines, or - for stdin',
    )


def run(args: argparse.Namespace, config: Config) -> int:
    return run_check(config, db=args.db, dialect=args.dialect, source=args.file)


def _statements(source: str) -> list[tuple[int, str]] | str:
    """(line, sql) pairs from a .jsonl file of {"sql": ...} lines; else the script's text, split
    into statements once the dialect is known (see tools/statements.py)."""
    from analyst.config import utf8_text

    if source == "-":
        stdin_bytes = getattr(sys.stdin, "buffer", None)  # absent when stdin is replaced by a StringIO
        return (
            utf8_text(stdin_bytes.read(), "standard input")
            if stdin_bytes is not None
            else sys.stdin.read().removeprefix("\ufeff")
        )
    path = Path(source)
    try:
        text = utf8_text(path.read_bytes(), source)
    except OSError as exc:
        raise UserError(f"cannot read {source}: {exc.strerror}") from None
    if path.suffix.lower() != ".jsonl":
        return text
    from tools.jsonl import JsonlError, jsonl_objects

    try:
        rows = jsonl_objects(text, source, hint='; each line must be {"sql": "..."}')
    except JsonlError as exc:
        raise UserError(str(exc)) from None
    for number, item in rows:
        if not isinstance(item.get("sql"), str):
            raise UserError(f'{source}, line {number}: expected an object with a "sql" string')
    return [(number, item["sql"]) for number, item in rows]


def run_check(config: Config, *, db: str | None, dialect: str | None, source: str, stdout: TextIO | None = None) -> int:
    """The guard alone; one JSON line per statement; exit 1 if any is rejected."""
    stdout = stdout or sys.stdout
    import json

    from analyst.wiring import open_database
    from tools.guard import check_for
    from tools.statements import split_statements

    read = _statements(source)
    database = None
    catalog = None
    if db or config.db:
        database = open_database(config, db)
        catalog = database.catalog()
        dialect = dialect or database.dialect
    else:
        sys.stderr.write("analyst: warning: no --db given, so table and column names are not checked\n")
    dialect = dialect or "duckdb"
    if isinstance(read, str):
        # a script without statements (empty, comments only) is checked as is: the guard says "empty"
        statements = [(s.line, s.sql) for s in split_statements(read, dialect)] or [(1, read)]
    else:
        statements = read
    all_ok = True
    try:
        for index, (line, sql) in enumerate(statements, start=1):
            verdict = check_for(database, sql, catalog=catalog, dialect=dialect)
            all_ok &= verdict.ok
            stdout.write(
                json.dumps(
                    {
                        "index": index,
                        "line": line,
                        "ok": verdict.ok,
                        "problems": [{"code": p.code, "message": p.message} for p in verdict.problems],
                        "sql": verdict.sql,
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
    finally:
        if database is not None:
            database.close()
    return EXIT_OK if all_ok else EXIT_NOT_ANSWERED
