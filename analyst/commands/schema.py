"""`analyst schema`: the catalog, or the slice of it that a question would send to the model."""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING, TextIO

from analyst.commands.arguments import add_db, positive_whole_number
from analyst.errors import EXIT_OK

if TYPE_CHECKING:
    from analyst.config import Config


def register(parser: argparse.ArgumentParser) -> None:
    add_db(parser)
    parser.add_argument(
        "--for", dest="question", metavar="QUESTION", help="show only what would be sent to the model for this question"
    )
    parser.add_argument(
        "--budget",
        type=positive_whole_number,
        metavar="TOKENS",
        help="token budget for the slice (default: config schema_budget, else 6000 or a quarter of the model's context window if smaller)",
    )
    parser.add_argument("--format", dest="output", choices=("text", "json"), default="text")


def run(args: argparse.Namespace, config: Config) -> int:
    return run_schema(config, db=args.db, question=args.question, budget=args.budget, output=args.output)


def run_schema(
    config: Config,
    *,
    db: str | None,
    question: str | None,
    budget: int | None,
    output: str,
    stdout: TextIO | None = None,
) -> int:
    """The catalog, or the slice that would be sent to the model for `question`."""
    stdout = stdout or sys.stdout
    import json

    from agents.models.registry import context_window
    from agents.questions import context_section
    from analyst.wiring import open_database
    from tools.catalog.ddl import render_ddl
    from tools.retrieval import retrieve
    from tools.tokens import default_budget, estimate_tokens

    database = open_database(config, db)
    context, scope_why = "", ""
    scope: tuple[str, ...] = ()
    try:
        catalog = database.catalog()
        started = time.perf_counter()
        if question:  # the budget the loop would use for the configured model
            chosen = retrieve(
                catalog, question, budget or config.schema_budget or default_budget(context_window(config.model))
            )
            choices = [(c.table, c.columns, c.why) for c in chosen.tables]
            hints, ddl, tokens, full = chosen.join_hints, chosen.ddl, chosen.tokens, chosen.full_tokens
            context, scope, scope_why = context_section(catalog), chosen.scope, chosen.scope_why
        else:
            choices = [(t, t.columns, "") for t in catalog.tables]
            hints = catalog.join_hints()
            ddl = render_ddl(catalog.tables, hints, catalog.dialect)
            tokens = full = estimate_tokens(ddl)
        elapsed_ms = (time.perf_counter() - started) * 1000
    finally:
        database.close()
    if output == "json":
        payload = {
            "tables": [
                {
                    "name": table.qualified,
                    "row_count": table.row_count,
                    "comment": table.comment,
                    "columns": [{"name": c.name, "type": c.type, "comment": c.comment} for c in columns],
                    "omitted_columns": [c.name for c in table.columns if c not in columns],
                    "why": why,
                }
                for table, columns, why in choices
            ],
            "scope": {"schemas": list(scope), "why": scope_why} if scope else None,
            "join_hints": [h.render() for h in hints],
            "glossary": catalog.context.glossary or None,
            "instructions": catalog.context.instructions or None,
            "tokens": tokens,
            "full_tokens": full,
            "elapsed_ms": round(elapsed_ms, 3),
        }
        stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
    else:
        stdout.write(ddl.rstrip() + "\n" + (f"\n{context}" if context else ""))
        if question:  # why each table is there, where a person reads it and stdout stays the prompt's text
            if scope_why:
                sys.stderr.write(f"scope: {scope_why}\n")
            for table, _, why in choices:
                sys.stderr.write(f"{table.qualified}: {why}\n")
        sys.stderr.write(f"{len(choices)} tables · {tokens} of {full} tokens\n")
    return EXIT_OK
