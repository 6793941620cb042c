"""`analyst examples`: the verified question→SQL examples of a database — add, list, remove,
import, export, check.

An example is admitted only if its SQL passes the guard on the current schema (with the
configured exclusions) and runs within the limits, and `check` applies the same test again later:
a stale example is marked and no longer used, so what a model is shown is what would be accepted
today. The files and their provenance are tools/examples/; where they live is analyst/example_files.py.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analyst.commands.arguments import Parser, add_db
from analyst.errors import EXIT_NOT_ANSWERED, EXIT_OK, UserError

if TYPE_CHECKING:
    from analyst.config import Config


def register(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Verified examples: question→SQL pairs a person approved, shown to the model for similar questions. "
        "Kept per database under ANALYST_HOME; a team file DB.examples.jsonl beside the database is read too."
    )
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=Parser)
    add = sub.add_parser("add", help="add an example (its SQL must pass the guard and run)")
    add_db(add)
    add.add_argument("--question", required=True, help="the question, in quotes")
    add.add_argument("--sql", required=True, help="the SQL that answers it")
    listing = sub.add_parser("list", help="the examples of a database, with provenance")
    add_db(listing)
    listing.add_argument("--format", dest="output", choices=("table", "json"), default="table")
    remove = sub.add_parser("remove", help="remove an example by id")
    add_db(remove)
    remove.add_argument("id", metavar="ID")
    imported = sub.add_parser("import", help="import examples, an eval suite, or `sessions export --as suite` output")
    add_db(imported)
    imported.add_argument("file", metavar="FILE")
    exported = sub.add_parser("export", help="write the examples as JSONL (for a team file DB.examples.jsonl)")
    add_db(exported)
    exported.add_argument("--out", metavar="FILE", help="write here instead of stdout")
    check = sub.add_parser("check", help="re-verify every example on today's schema; stale ones are marked, unused")
    add_db(check)


def run(args: argparse.Namespace, config: Config) -> int:
    from analyst.wiring import open_database

    database = open_database(config, args.db)
    try:
        action = {
            "add": _add,
            "list": _list,
            "remove": _remove,
            "import": _import,
            "export": _export,
            "check": _check,
        }[args.action]
        return action(args, config, database)
    finally:
        database.close()


def _limits(config: Config) -> Any:
    from tools.databases.base import Limits

    return Limits(timeout_s=config.timeout, max_rows=config.max_rows)


def _add(args: argparse.Namespace, config: Config, database: Any) -> int:
    from analyst.example_files import new_example, store_for
    from tools.examples.verify import verify_sql

    if not args.question.strip() or not args.sql.strip():
        raise UserError("an example needs a question and its SQL: --question '...' --sql 'SELECT ...'")
    verified = verify_sql(database, args.sql, _limits(config))
    if not verified.ok:
        raise UserError(f"not added: {verified.problem}", EXIT_NOT_ANSWERED)
    example, added = store_for(config, database).add(new_example(database, args.question, verified.sql, "added"))
    print(f"{'added' if added else 'already an example:'} {example.id}")
    return EXIT_OK


def _list(args: argparse.Namespace, config: Config, database: Any) -> int:
    from analyst.example_files import stored
    from analyst.render import inert

    examples = stored(config, database)
    if args.output == "json":
        print(
            json.dumps([{**e.to_json(), "hash": e.hash, "source": str(e.source)} for e in examples], ensure_ascii=False)
        )
        return EXIT_OK
    if not examples:
        print(
            f"no examples for {database.uri}; add one with: analyst examples add --question '...' --sql '...'",
            file=sys.stderr,
        )
        return EXIT_OK
    for e in examples:
        state = f"STALE ({e.stale})" if e.stale else str(e.origin)
        who = f" by {e.approved_by}" if e.approved_by else ""
        print(inert(f"{e.id}  {e.source:<5} {state}{who} {e.at}\n    Q: {e.question}\n    {' '.join(e.sql.split())}"))
    return EXIT_OK


def _remove(args: argparse.Namespace, config: Config, database: Any) -> int:
    from analyst.example_files import store_for, team_file

    removed = store_for(config, database).remove(args.id)
    if removed is not None:
        print(f"removed {removed.id}")
        return EXIT_OK
    team = team_file(database)
    from tools.examples.store import read_examples

    if team is not None and any(e.id == args.id for e in read_examples(team)):
        raise UserError(f"{args.id} is in the team file {team}; remove its line there (it is kept in git, not here)")
    raise UserError(f"no example {args.id!r} for {database.uri}; see `analyst examples list`")


def _import(args: argparse.Namespace, config: Config, database: Any) -> int:
    from analyst.example_files import new_example, store_for
    from analyst.example_import import pairs_in
    from tools.examples.verify import verify_sql

    store = store_for(config, database)
    added = known = refused = 0
    for where, question, sql in pairs_in(Path(args.file)):
        verified = verify_sql(database, sql, _limits(config))
        if not verified.ok:
            refused += 1
            print(f"analyst: {where}: not imported: {verified.problem}", file=sys.stderr)
            continue
        _, new = store.add(new_example(database, question, verified.sql, "imported"))
        added, known = added + new, known + (not new)
    print(f"imported {added}, already there {known}, refused {refused}", file=sys.stderr)
    return EXIT_OK if not refused else EXIT_NOT_ANSWERED


def _export(args: argparse.Namespace, config: Config, database: Any) -> int:
    from analyst.example_files import store_for

    lines = [json.dumps(e.to_json(), ensure_ascii=False, sort_keys=True) for e in store_for(config, database).load()]
    text = "".join(line + "\n" for line in lines)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {len(lines)} examples to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _check(args: argparse.Namespace, config: Config, database: Any) -> int:
    from analyst.example_files import store_for, team_file
    from tools.examples.example import Source
    from tools.examples.store import read_examples
    from tools.examples.verify import verify_sql

    store = store_for(config, database)
    team = team_file(database)
    mine = store.load()
    theirs = read_examples(team, Source.TEAM) if team is not None else []
    marks: dict[str, str] = {}
    stale = 0
    for example in [*mine, *theirs]:
        verified = verify_sql(database, example.sql, _limits(config))
        if not verified.ok:
            stale += 1
            print(f"{example.id}  stale ({example.source}): {verified.problem}")
        if example.source is Source.STORE:
            marks[example.id] = verified.problem
    if marks:  # stale marks are kept in the personal store; the team file is theirs to edit
        store.mark(marks)
    print(f"checked {len(mine) + len(theirs)} examples: {stale} stale", file=sys.stderr)
    return EXIT_OK if not stale else EXIT_NOT_ANSWERED
