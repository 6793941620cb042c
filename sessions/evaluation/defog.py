"""defog's sql-eval benchmark (314 questions, 11 databases), shipped as package data.

Databases are built into the cache from the shipped SQL with `TimeZone = 'UTC'`, and rebuilt
each UTC day: many rows are computed relative to the load date and questions say "last N days".
Each database gets a sidecar context file from defog's metadata (column descriptions, glossary,
join hints), since most defog databases have no foreign keys. The `;` / `{…}` gold-template
expansion of the data's README applies to this suite only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.resources
import itertools
import json
import re
from pathlib import Path
from typing import Any

from sessions.evaluation.suite import Suite, SuiteItem, suite_hash
from tools.catalog import Context, JoinHint
from tools.catalog.context import context_path_for, write_context
from tools.databases.build import build_from_sql

_BRACE = re.compile(r"\{([^{}]*)\}")


def data_dir() -> Any:
    return importlib.resources.files("sessions") / "data" / "defog"


def expand_gold(template: str) -> list[str]:
    """defog's gold template: `;` separates alternatives; `{a, b}` means any non-empty subset."""
    out: list[str] = []
    for piece in (p.strip() for p in template.split(";")):
        if not piece:
            continue
        match = next((m for m in _BRACE.finditer(piece) if m.group(1).strip()), None)
        if match is None:
            out.append(piece)
            continue
        items = [i.strip() for i in match.group(1).split(",") if i.strip()]
        for subset in (c for size in range(1, len(items) + 1) for c in itertools.combinations(items, size)):
            chosen = ", ".join(subset)
            after = piece[match.end() :].replace("GROUP BY {}", f"GROUP BY {chosen}")
            out.append(piece[: match.start()] + chosen + after)
    return out


def _manifest() -> dict[str, Any]:
    return json.loads((data_dir() / "manifest.json").read_text(encoding="utf-8"))


def _context_for(db_name: str, joins: dict[str, Any]) -> Context:
    meta = json.loads((data_dir() / "metadata" / f"{db_name}.json").read_text(encoding="utf-8"))
    columns = {
        f"{table}.{col['column_name']}": col["column_description"]
        for table, cols in (meta.get("table_metadata") or {}).items()
        for col in cols
        if col.get("column_description")
    }
    hints = tuple(
        JoinHint(left, right, source="context")
        for pair in joins.get(db_name, [])
        for left, right in pair.get("columns", [])
    )
    return Context(glossary=meta.get("glossary") or "", column_descriptions=columns, join_hints=hints)


def build_databases(cache_dir: Path, today: dt.date | None = None) -> dict[str, Path]:
    """Every defog database, built today (UTC) into the cache, with its sidecar; name -> path."""
    import duckdb

    today = today or dt.datetime.now(dt.UTC).date()
    manifest = _manifest()
    joins = json.loads((data_dir() / "metadata" / "joins.json").read_text(encoding="utf-8"))
    folder = cache_dir / "defog"
    paths: dict[str, Path] = {}
    for entry in manifest["databases"]:
        name = entry["db_name"]
        sql = (data_dir() / entry["sql_file"]).read_text(encoding="utf-8")
        key = hashlib.sha256(f"{sql}\0{duckdb.__version__}".encode()).hexdigest()[:10]
        target = folder / f"{name}-{key}-{today:%Y%m%d}.duckdb"
        if not target.is_file():
            for stale in folder.glob(f"{name}-*.duckdb"):
                stale.unlink(missing_ok=True)
            build_from_sql(sql, target, timezone="UTC")
            _check_counts(target, entry["tables"])
        sidecar = context_path_for(target)
        if not sidecar.is_file():
            write_context(sidecar, _context_for(name, joins))
        paths[name] = target
    return paths


def _check_counts(path: Path, expected: dict[str, int]) -> None:
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        for table, count in expected.items():
            row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
            got = row[0] if row else None
            if got != count:
                raise RuntimeError(f"defog database {path.name}: {table} has {got} rows, expected {count}")
    finally:
        con.close()


def _order_sensitive(row: dict[str, Any]) -> bool | None:
    """defog's `order_sensitive_sql_eval`, trusted when it says the order counts.  Its "false" is
    not a reading of the question: defog sets it by whole-word `order|sort|arrange` on the classic
    set only, so "ordered from highest to lowest", "sorted" and "top 5" questions carry it false.
    Then the question's words decide (order_policy.py)."""
    return True if row.get("order_sensitive_sql_eval") is True else None


_K_SHOT = re.compile(r"EXAMPLE QUESTION (\d+): (.*?)\nEXAMPLE QUERY \1: (.*?)(?:\n\n|\Z)", re.DOTALL)


def k_shot_pairs(prompt: str) -> tuple[tuple[str, str], ...]:
    """defog's `k_shot_prompt` as (question, SQL) pairs (written for Postgres: `eval --examples`
    shows each only if the guard passes it on the DuckDB database)."""
    return tuple((q.strip(), sql.strip()) for _, q, sql in _K_SHOT.findall(prompt))


def defog_suite(cache_dir: Path, *, idk: bool = False) -> Suite:
    """The shipped benchmark as a Suite over freshly built databases."""
    paths = build_databases(cache_dir)
    name = "idk_questions.jsonl" if idk else "questions.jsonl"
    items = []
    for line in (data_dir() / name).read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        variants = expand_gold(row["gold_sql_duckdb"])
        if variants != row["gold_sql_duckdb_variants"]:
            raise RuntimeError(f"defog {row['id']}: gold expansion differs from the shipped variants")
        items.append(
            SuiteItem(
                id=row["id"],
                question=row["question"],
                gold=tuple(variants),
                db=str(paths[row["db_name"]]),
                category=row["category"],
                instructions=row.get("instructions") or "",
                kind="refusal" if idk else "sql",
                db_label=row["db_name"],
                order_sensitive=_order_sensitive(row),
                examples=k_shot_pairs(row.get("k_shot_prompt") or ""),
            )
        )
    frozen = tuple(items)
    return Suite("defog-idk" if idk else "defog", suite_hash(frozen), frozen)
