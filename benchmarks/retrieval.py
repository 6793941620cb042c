"""Benchmark: schema retrieval quality on defog's 11 databases as one catalog, and speed at scale.

It measures the default slicer (the focused one); schema_scale.py sets it against the greedy
slicer it replaced, step by step, and on a catalog of many small databases.

1. Quality. All 11 defog databases loaded as one catalog, a schema per database (~110 tables),
   with each database's sidecar context (column descriptions, join hints, glossary) applied with
   table names qualified by schema. Every defog question (its prompt, as the loop sends it) gets a
   slice under a budget of 25% of the whole catalog's tokens. Gold tables come from the gold SQL
   (sqlglot, CTEs excluded, qualified with the question's schema). Reported: the share of
   questions whose slice holds every gold table, mean table recall, and tokens sent / whole
   schema. Baseline (same run): sending the whole schema (recall 1.0 by construction, 100%).
2. Speed. A synthetic warehouse of 2,000 tables (20 schemas, ~40k columns, comments, foreign keys,
   sample values): index build time and retrieval p50/p95 over generated questions with the
   default 6,000-token budget. Baseline (same run): rendering the whole schema's DDL once, the
   work of the no-retrieval alternative.

    python benchmarks/retrieval.py [--cache DIR] [--questions 300]

Prints a table, writes benchmarks/results/retrieval.json, exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import sqlglot  # noqa: E402
from sqlglot import exp  # noqa: E402
from sqlglot.optimizer.qualify import qualify  # noqa: E402
from sqlglot.optimizer.scope import traverse_scope  # noqa: E402

from tools.catalog import Catalog, Column, Context, ForeignKey, JoinHint, Table  # noqa: E402
from tools.catalog.ddl import render_ddl  # noqa: E402
from tools.retrieval import Retriever  # noqa: E402
from tools.tokens import DEFAULT_BUDGET, estimate_tokens  # noqa: E402

TARGET_RECALL = 0.95
TARGET_TOKEN_SHARE = 0.25
TARGET_P50_MS = 30.0
TARGET_BUILD_S = 3.0
SYNTHETIC_TABLES = 2_000


# --- 1. defog as one catalog ------------------------------------------------------------------

_WORD = re.compile(r"(?<![\w.])[A-Za-z_]\w*")


def _qualify_text(text: str, schema: str, names: set[str]) -> str:
    """Prefix every identifier naming a table of this database with its schema (`t.c` too)."""
    return _WORD.sub(lambda m: f"{schema}.{m.group(0)}" if m.group(0).lower() in names else m.group(0), text)


def _requalify(name: str, schemas: dict[str, str]) -> str:
    """`old_schema.t[.c]` -> `new_schema.t[.c]`."""
    head, _, rest = name.partition(".")
    return f"{schemas.get(head, head)}.{rest}"


def _schema_map(database: str, schemas: set[str]) -> dict[str, str]:
    """The database's schemas in the merged catalog: its name, or `<db>_<schema>` if several."""
    if len(schemas) == 1:
        return {next(iter(schemas)): database}
    return {s: database if s == "main" else f"{database}_{s}" for s in schemas}


def defog_catalog(cache_dir: Path) -> tuple[Catalog, dict[str, dict[str, str]]]:
    """One Catalog: every defog database's tables under a schema named after it, context applied.

    Returns it with each database's schema renaming (`ewallet`'s `consumer_div` becomes `ewallet`).
    """
    from sessions.evaluation.defog import build_databases
    from tools.databases.duckdb import open_duckdb

    paths = build_databases(cache_dir)
    tables: list[Table] = []
    hints: list[JoinHint] = []
    glossary: list[str] = []
    renames: dict[str, dict[str, str]] = {}
    for database, path in sorted(paths.items()):
        db = open_duckdb(path, cache_dir)
        try:
            catalog = db.catalog()  # introspected, sidecar context applied (comments, join hints)
        finally:
            db.close()
        schemas = renames[database] = _schema_map(database, {t.schema for t in catalog.tables})
        names = {t.name.lower() for t in catalog.tables}
        for table in catalog.tables:
            fks = tuple(
                dataclasses.replace(fk, ref_table=_requalify(fk.ref_table, schemas)) for fk in table.foreign_keys
            )
            tables.append(dataclasses.replace(table, schema=schemas[table.schema], foreign_keys=fks))
        for hint in catalog.context.join_hints:
            hints.append(JoinHint(_requalify(hint.left, schemas), _requalify(hint.right, schemas), hint.source))
        default = schemas.get(catalog.default_schema) or next(iter(schemas.values()))
        for text in (catalog.context.glossary, catalog.context.instructions):
            if text.strip():
                glossary.append(_qualify_text(text.strip(), default, names))
    context = Context(glossary="\n".join(glossary), join_hints=tuple(hints))
    return Catalog("duckdb", tuple(tables), context, default_schema="main"), renames


def gold_refs(sql: str, schemas: dict[str, str], mapping: dict[str, Any]) -> tuple[set[str], set[str]]:
    """Tables (`schema.table`) and columns (`schema.table.column`) the gold SQL reads, in the
    merged catalog's schemas; CTE names left out, `SELECT *` not expanded."""
    default = schemas.get("main") or next(iter(schemas.values()))
    tree = sqlglot.parse_one(sql, read="duckdb")
    ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    tables = set()
    for table in tree.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier):
            continue
        if table.args.get("db"):
            table.set("db", exp.to_identifier(schemas.get(table.db, table.db)))
        elif table.name.lower() in ctes:
            continue
        tables.add(f"{table.db or default}.{table.name}".lower())
    columns = set()
    try:
        qualified = qualify(
            tree,
            schema=mapping,
            db=default,
            dialect="duckdb",
            expand_stars=False,
            validate_qualify_columns=False,
            identify=False,
        )
        for scope in traverse_scope(qualified):
            for column in scope.columns:
                source = scope.sources.get(column.table)
                if isinstance(source, exp.Table):
                    columns.add(f"{source.db or default}.{source.name}.{column.name}".lower())
    except Exception:
        return tables, set()
    return tables, columns


def defog_quality(cache_dir: Path) -> dict[str, Any]:
    from sessions.evaluation.defog import defog_suite

    started = time.perf_counter()
    catalog, renames = defog_catalog(cache_dir)
    suite = defog_suite(cache_dir)
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    retriever = Retriever(catalog)
    build_s = time.perf_counter() - started
    whole = estimate_tokens(retriever.full_ddl)
    budget = int(whole * TARGET_TOKEN_SHARE)
    known = {t.qualified.lower() for t in catalog.tables}
    mapping: dict[str, dict[str, dict[str, str]]] = {}
    for table in catalog.tables:
        mapping.setdefault(table.schema.lower(), {})[table.name.lower()] = {
            c.name.lower(): "UNKNOWN" for c in table.columns
        }
    gold = {}
    for item in suite.items:
        gold[item.id] = gold_refs(item.gold[0], renames[item.db_label], mapping)
        unknown = gold[item.id][0] - known
        if unknown:
            raise RuntimeError(f"{item.id}: gold tables {sorted(unknown)} are not in the catalog")
    rows = []
    runs = [("prompt", TARGET_TOKEN_SHARE), ("question", TARGET_TOKEN_SHARE), ("prompt", 0.10), ("prompt", 0.05)]
    for prompt_kind, share in runs:
        budget_here = int(whole * share)
        complete, recalls, col_complete, col_recalls, shares, times, misses = 0, [], 0, [], [], [], []
        for item in suite.items:
            tables, columns = gold[item.id]
            text = item.prompt if prompt_kind == "prompt" else item.question
            t0 = time.perf_counter()
            chosen = retriever.retrieve(text, budget_here)
            times.append(time.perf_counter() - t0)
            got = {c.table.qualified.lower() for c in chosen.tables}
            shown = {f"{c.table.qualified}.{col.name}".lower() for c in chosen.tables for col in c.columns}
            hit = len(tables & got)
            recalls.append(hit / len(tables))
            complete += hit == len(tables)
            col_recalls.append(len(columns & shown) / len(columns) if columns else 1.0)
            col_complete += columns <= shown
            shares.append(chosen.tokens / whole)
            if hit < len(tables):
                misses.append({"id": item.id, "missing": sorted(tables - got)})
        n = len(suite.items)
        rows.append(
            {
                "retrieved_on": "question + instructions (what the loop sends)"
                if prompt_kind == "prompt"
                else "question only",
                "budget_share": share,
                "budget_tokens": budget_here,
                "questions": n,
                "all_gold_tables": round(complete / n, 4),
                "mean_table_recall": round(sum(recalls) / n, 4),
                "all_gold_columns": round(col_complete / n, 4),
                "mean_column_recall": round(sum(col_recalls) / n, 4),
                "tokens_sent_share_mean": round(sum(shares) / n, 4),
                "tokens_sent_share_max": round(max(shares), 4),
                "p50_ms": round(statistics.median(times) * 1000, 2),
                "misses": misses,
            }
        )
    return {
        "tables": len(catalog.tables),
        "columns": sum(len(t.columns) for t in catalog.tables),
        "schemas": len({t.schema for t in catalog.tables}),
        "whole_schema_tokens": whole,
        "budget_tokens": budget,
        "load_seconds": round(load_s, 3),
        "index_build_seconds": round(build_s, 4),
        "baseline": {"what": "send the whole schema", "all_gold_tables": 1.0, "tokens_sent_share": 1.0},
        "runs": rows,
    }


# --- 2. a synthetic 2,000-table warehouse -----------------------------------------------------

_DOMAINS = [
    "sales",
    "finance",
    "hr",
    "marketing",
    "inventory",
    "logistics",
    "support",
    "product",
    "web",
    "billing",
    "procurement",
    "manufacturing",
    "legal",
    "risk",
    "analytics",
    "crm",
    "payroll",
    "treasury",
    "compliance",
    "fleet",
]
_ENTITIES = [
    "order",
    "customer",
    "invoice",
    "payment",
    "shipment",
    "ticket",
    "campaign",
    "employee",
    "supplier",
    "product",
    "account",
    "contract",
    "warehouse",
    "vehicle",
    "store",
    "region",
    "lead",
    "opportunity",
    "refund",
    "subscription",
    "session",
    "device",
    "claim",
    "policy",
    "budget",
    "asset",
    "vendor",
    "project",
    "task",
    "incident",
]
_SUFFIXES = [
    "fact",
    "dim",
    "daily",
    "monthly",
    "snapshot",
    "staging",
    "history",
    "summary",
    "detail",
    "archive",
    "audit",
    "v2",
    "raw",
]
_ATTRS = [
    ("amount", "DECIMAL(18,2)", "Monetary amount in the account currency"),
    ("quantity", "INTEGER", "Number of units"),
    ("status", "VARCHAR", "Lifecycle status"),
    ("created_at", "TIMESTAMP", "When the row was created"),
    ("updated_at", "TIMESTAMP", None),
    ("region_code", "VARCHAR", "Sales region code"),
    ("channel", "VARCHAR", "Acquisition channel"),
    ("discount_pct", "DOUBLE", "Discount as a percentage"),
    ("currency", "VARCHAR", "ISO currency code"),
    ("priority", "VARCHAR", None),
    ("score", "DOUBLE", "Model score between 0 and 1"),
    ("country", "VARCHAR", "Country name"),
    ("city", "VARCHAR", None),
    ("email", "VARCHAR", "Contact e-mail"),
    ("is_active", "BOOLEAN", "Whether the record is active"),
    ("cost", "DECIMAL(18,2)", "Internal cost"),
    ("revenue", "DECIMAL(18,2)", "Recognised revenue"),
    ("margin", "DOUBLE", None),
    ("due_date", "DATE", "Date payment is due"),
    ("closed_date", "DATE", None),
    ("category", "VARCHAR", "Product category"),
    ("segment", "VARCHAR", "Customer segment"),
    ("rating", "INTEGER", "Rating from 1 to 5"),
    ("duration_minutes", "INTEGER", None),
    ("weight_kg", "DOUBLE", "Weight in kilograms"),
    ("notes", "VARCHAR", "Free text notes"),
    ("source_system", "VARCHAR", "System the row was loaded from"),
    ("batch_id", "BIGINT", None),
]
_SAMPLES = {
    "status": ("open", "closed", "pending"),
    "channel": ("web", "store", "partner"),
    "currency": ("USD", "EUR", "GBP"),
    "priority": ("low", "medium", "high"),
    "segment": ("enterprise", "smb", "consumer"),
}


def synthetic_catalog(n_tables: int = SYNTHETIC_TABLES, seed: int = 7) -> Catalog:
    rng = random.Random(seed)
    names: list[tuple[str, str, str]] = []  # schema, table, entity
    seen: set[tuple[str, str]] = set()
    while len(names) < n_tables:
        schema, entity = _DOMAINS[len(names) % len(_DOMAINS)], rng.choice(_ENTITIES)
        table = f"{entity}_{rng.choice(_SUFFIXES)}" + (f"_{rng.randint(2, 9)}" if rng.random() < 0.3 else "")
        if (schema, table) not in seen:
            seen.add((schema, table))
            names.append((schema, table, entity))
    by_entity: dict[str, list[int]] = {}
    for i, (_, _, entity) in enumerate(names):
        by_entity.setdefault(entity, []).append(i)
    tables = []
    for schema, table, entity in names:
        cols = [Column(f"{entity}_id", "BIGINT", f"Identifier of the {entity}", nullable=False)]
        fks = []
        for other in rng.sample(_ENTITIES, rng.randint(1, 3)):
            if other == entity:
                continue
            cols.append(Column(f"{other}_id", "BIGINT", f"The {other} this {entity} belongs to"))
            target = names[rng.choice(by_entity[other])]
            fks.append(ForeignKey((f"{other}_id",), f"{target[0]}.{target[1]}", (f"{other}_id",)))
        for name, type_, comment in rng.sample(_ATTRS, rng.randint(6, 24)):
            cols.append(Column(name, type_, comment if rng.random() < 0.7 else None, samples=_SAMPLES.get(name, ())))
        comment = (
            f"{rng.choice(_SUFFIXES).title()} table of {entity} records for {schema}" if rng.random() < 0.6 else None
        )
        tables.append(Table(schema, table, tuple(cols), comment, (f"{entity}_id",), tuple(fks), rng.randint(10, 10**7)))
    return Catalog("duckdb", tuple(tables))


def synthetic_questions(n: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    shapes = [
        "What is the total {a} of {e}s by {b} in {d}?",
        "Show the top 10 {e}s with the highest {a} last month",
        "How many {e}s per {b} were {s}?",
        "Average {a} for each {e2} and {e} in the {d} data",
        "Which {e2}s had {e}s with {a} above 1000 and {b} in Europe?",
        "monthly trend of {a} for {s} {e}s",
    ]
    attrs = [a[0].replace("_", " ") for a in _ATTRS]
    return [
        rng.choice(shapes).format(
            a=rng.choice(attrs),
            b=rng.choice(attrs),
            e=rng.choice(_ENTITIES),
            e2=rng.choice(_ENTITIES),
            d=rng.choice(_DOMAINS),
            s=rng.choice(("open", "closed", "pending")),
        )
        for _ in range(n)
    ]


def synthetic_speed(n_questions: int) -> dict[str, Any]:
    catalog = synthetic_catalog()
    started = time.perf_counter()
    ddl = render_ddl(catalog.tables, catalog.join_hints(), catalog.dialect)
    baseline_s = time.perf_counter() - started
    builds = []
    for _ in range(3):
        started = time.perf_counter()
        retriever = Retriever(catalog)
        builds.append(time.perf_counter() - started)
    build_s = statistics.median(builds)
    questions = synthetic_questions(n_questions)
    times, tokens = [], []
    retriever.retrieve(questions[0], DEFAULT_BUDGET)  # warm-up
    for question in questions:
        t0 = time.perf_counter()
        chosen = retriever.retrieve(question, DEFAULT_BUDGET)
        times.append(time.perf_counter() - t0)
        tokens.append(chosen.tokens)
    times.sort()
    p50 = statistics.median(times)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return {
        "tables": len(catalog.tables),
        "columns": sum(len(t.columns) for t in catalog.tables),
        "whole_schema_tokens": estimate_tokens(ddl),
        "budget_tokens": DEFAULT_BUDGET,
        "questions": len(questions),
        "baseline": {"what": "render the whole schema's DDL once", "seconds": round(baseline_s, 4)},
        "index_build_seconds": round(build_s, 3),
        "index_build_runs": [round(b, 3) for b in builds],
        "retrieve_p50_ms": round(p50 * 1000, 2),
        "retrieve_p95_ms": round(p95 * 1000, 2),
        "retrieve_max_ms": round(times[-1] * 1000, 2),
        "tokens_sent_mean": round(sum(tokens) / len(tokens)),
    }


# --- report -----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "analyst-bench")
    parser.add_argument("--questions", type=int, default=300, help="synthetic questions to time")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    quality = defog_quality(args.cache)
    speed = synthetic_speed(args.questions)
    main_run = quality["runs"][0]
    checks = [
        (
            "defog: questions with all gold tables",
            main_run["all_gold_tables"],
            "",
            1.0,
            f">= {TARGET_RECALL}",
            main_run["all_gold_tables"] >= TARGET_RECALL,
        ),
        ("defog: mean gold-table recall", main_run["mean_table_recall"], "", 1.0, "", None),
        (
            "defog: tokens sent / whole schema (mean)",
            main_run["tokens_sent_share_mean"],
            "",
            1.0,
            f"<= {TARGET_TOKEN_SHARE}",
            main_run["tokens_sent_share_max"] <= TARGET_TOKEN_SHARE,
        ),
        ("defog: questions with all gold columns shown", main_run["all_gold_columns"], "", 1.0, "", None),
        (
            "defog: question only (no instructions): all tables",
            quality["runs"][1]["all_gold_tables"],
            "",
            1.0,
            "",
            None,
        ),
        ("defog: budget 10%: all gold tables", quality["runs"][2]["all_gold_tables"], "", 1.0, "", None),
        ("defog: budget 5%: all gold tables", quality["runs"][3]["all_gold_tables"], "", 1.0, "", None),
        (
            "2k tables: index build",
            speed["index_build_seconds"],
            "s",
            speed["baseline"]["seconds"],
            f"< {TARGET_BUILD_S} s",
            speed["index_build_seconds"] < TARGET_BUILD_S,
        ),
        (
            "2k tables: retrieve p50",
            speed["retrieve_p50_ms"],
            "ms",
            speed["baseline"]["seconds"] * 1000,
            f"< {TARGET_P50_MS:g} ms",
            speed["retrieve_p50_ms"] < TARGET_P50_MS,
        ),
        ("2k tables: retrieve p95", speed["retrieve_p95_ms"], "ms", speed["baseline"]["seconds"] * 1000, "", None),
    ]
    print(
        f"defog as one catalog: {quality['tables']} tables in {quality['schemas']} schemas, {quality['whole_schema_tokens']:,} tokens, "
        f"budget {quality['budget_tokens']:,} (25%); baseline = whole schema"
    )
    print(
        f"synthetic warehouse: {speed['tables']:,} tables, {speed['columns']:,} columns, {speed['whole_schema_tokens']:,} tokens, "
        f"budget {speed['budget_tokens']:,}; baseline = render whole DDL ({speed['baseline']['seconds'] * 1000:.1f} ms)"
    )
    print(f"{'metric':52s} {'value':>9s} {'baseline':>9s} {'ratio':>7s}  {'target':12s} result")
    summary = []
    for label, value, unit, baseline, target, passed in checks:
        ratio = value / baseline if baseline else None
        verdict = "" if passed is None else ("PASS" if passed else "FAIL")
        print(
            f"{label:52s} {value:>9.4g}{unit:>0s} {baseline:>9.4g} {ratio if ratio is not None else 0:>7.3f}  {target:12s} {verdict}"
        )
        summary.append(
            {
                "metric": label,
                "value": value,
                "unit": unit,
                "baseline": round(baseline, 4),
                "ratio": round(ratio, 4) if ratio else None,
                "target": target or None,
                "passed": passed,
            }
        )
    if args.show_misses:
        for miss in main_run["misses"]:
            print(f"  miss {miss['id']}: {', '.join(miss['missing'])}")
    passed = all(p is not False for *_, p in checks)
    out = REPO / "benchmarks" / "results" / "retrieval.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "benchmark": "retrieval",
                "python": platform.python_version(),
                "machine": platform.machine(),
                "summary": summary,
                "passed": passed,
                "defog_catalog": quality,
                "synthetic_warehouse": speed,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {out.relative_to(REPO)}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
