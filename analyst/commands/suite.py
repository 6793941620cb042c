"""`analyst suite check SUITE`: curate an eval suite before scoring anyone against it — every gold
runs within limits and gives the same rows twice (no tie cut by a LIMIT), exact and near-duplicate
questions, a difficulty tier per question; a report, and a cleaned copy on request.

The checks are sessions/evaluation/suite_check.py; this module opens the databases and prints.
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
    parser.description = "Check an eval suite's data: gold SQL that fails or is not deterministic, duplicate questions, difficulty tiers."
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=Parser)
    check = sub.add_parser("check", help="check every question of SUITE (a .jsonl/.csv file, defog or defog-idk)")
    check.add_argument("suite", metavar="SUITE")
    add_db(check)
    check.add_argument("--format", dest="output", choices=("table", "json"), default="table")
    check.add_argument(
        "--clean",
        metavar="FILE",
        help="also write a cleaned copy: without failing or non-deterministic golds and exact duplicates, with each question's difficulty",
    )


def run(args: argparse.Namespace, config: Config) -> int:
    from analyst.wiring import database_key, open_database
    from sessions.evaluation.suite_check import check_suite
    from sessions.runner import SharedDatabases
    from tools.databases.base import Limits

    suite = _load(config, args.suite)
    databases = SharedDatabases(lambda spec, origin: open_database(config, spec, origin=origin), args.db, database_key)
    try:
        result = check_suite(
            suite.items,
            lambda item: databases.get(item.db, f"{args.suite} (id {item.id})"),
            Limits(timeout_s=config.timeout, max_rows=max(config.max_rows, 10_000)),
        )
    finally:
        databases.close()
    report = result.to_json(suite.items)
    if args.output == "json":
        print(json.dumps(report, ensure_ascii=False))
    else:
        _print(report)
    if args.clean:
        kept = _write_clean(Path(args.clean), suite.items, result, report)
        print(f"wrote {kept} of {len(suite.items)} questions to {args.clean}", file=sys.stderr)
    return EXIT_OK if report["sound"] == report["questions"] and not report["duplicates"] else EXIT_NOT_ANSWERED


def _load(config: Config, ref: str) -> Any:
    from sessions.evaluation import SuiteError, load_suite

    if ref in ("defog", "defog-idk"):
        from sessions.evaluation import defog_suite

        sys.stderr.write("building the defog databases (cached per day)…\n")
        return defog_suite(config.cache_dir, idk=ref == "defog-idk")
    if not Path(ref).exists():
        raise UserError(f"no suite {ref!r}: pass a .jsonl/.csv suite file, `defog` or `defog-idk`")
    try:
        return load_suite(Path(ref))
    except SuiteError as exc:
        raise UserError(str(exc)) from None


def _print(report: dict[str, Any]) -> None:
    from analyst.render import inert

    print(f"{report['sound']} of {report['questions']} questions sound")
    for entry in report["failing"]:
        print(inert(f"  failing  {entry['id']}: {'; '.join(entry['problems'])}"))
    for entry in report["nondeterministic"]:
        print(inert(f"  unsteady {entry['id']}: {'; '.join(entry['why'])}"))
    for d in report["duplicates"]:
        kind = "duplicate" if d["exact"] else f"near-duplicate ({d['score']:g})"
        print(inert(f"  {kind}: {d['first']} and {d['second']}"))
    print("difficulty: " + ", ".join(f"{tier} {count}" for tier, count in sorted(report["tiers"].items())))


def _write_clean(path: Path, items: Any, result: Any, report: dict[str, Any]) -> int:
    """The suite without what cannot be scored fairly, each line with its difficulty tier."""
    dropped = {i.id for i in result.items if not i.sound}
    dropped |= {items[d.second].id for d in result.duplicates if d.exact}
    lines = []
    for item in items:
        if item.id in dropped:
            continue
        row: dict[str, Any] = {
            "id": item.id,
            "question": item.question,
            "gold_sql": list(item.gold),
            "db": item.db,
            "category": item.category,
            "difficulty": report["by_id"][item.id],
        }
        if item.instructions:
            row["instructions"] = item.instructions
        if item.kind != "sql":
            row["kind"] = item.kind
        if item.order_sensitive is not None:
            row["order_sensitive"] = item.order_sensitive
        if item.examples:
            row["examples"] = [{"question": q, "sql": s} for q, s in item.examples]
        lines.append(json.dumps(row, ensure_ascii=False))
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return len(lines)
