"""Commands that look without asking a model: `schema`, `check`, `models`, `config show`."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from analyst.config import SETTINGS, Config
from analyst.errors import EXIT_NOT_ANSWERED, EXIT_OK, UserError
from analyst.wiring import open_database


def run_schema(config: Config, *, db: str | None, question: str | None, budget: int | None, output: str, stdout: TextIO | None = None) -> int:
    """The catalog, or the slice that would be sent to the model for `question`."""
    stdout = stdout or sys.stdout
    from agents.models.registry import context_window
    from agents.questions import context_section
    from tools.retrieve import render_ddl, retrieve
    from tools.tokens import default_budget, estimate_tokens

    database = open_database(config, db)
    context = ""
    try:
        catalog = database.catalog()
        started = time.perf_counter()
        if question:  # the budget the loop would use for the configured model
            chosen = retrieve(catalog, question, budget or config.schema_budget or default_budget(context_window(config.model)))
            choices = [(c.table, c.columns, c.why) for c in chosen.tables]
            hints, ddl, tokens, full = chosen.join_hints, chosen.ddl, chosen.tokens, chosen.full_tokens
            context = context_section(catalog)
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
                    "why": why,
                }
                for table, columns, why in choices
            ],
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
        sys.stderr.write(f"{len(choices)} tables · {tokens} of {full} tokens\n")
    return EXIT_OK


def _statements(source: str) -> list[tuple[int, str]]:
    """(line, sql) pairs: a .jsonl file of {"sql": ...} lines, else one statement per input."""
    from analyst.config import utf8_text

    if source == "-":
        stdin_bytes = getattr(sys.stdin, "buffer", None)  # absent when stdin is replaced by a StringIO
        text = utf8_text(stdin_bytes.read(), "standard input") if stdin_bytes is not None else sys.stdin.read().removeprefix("\ufeff")
        return [(1, text)]
    path = Path(source)
    try:
        text = utf8_text(path.read_bytes(), source)
    except OSError as exc:
        raise UserError(f"cannot read {source}: {exc.strerror}") from None
    if path.suffix.lower() != ".jsonl":
        return [(1, text)]
    from tools.jsonl import JsonlError, jsonl_objects

    try:
        rows = jsonl_objects(text, source, hint='; each line must be {"sql": "..."}')
    except JsonlError as exc:
        raise UserError(str(exc)) from None
    for number, item in rows:
        if not isinstance(item.get("sql"), str):
            raise UserError(f"{source}, line {number}: expected an object with a \"sql\" string")
    return [(number, item["sql"]) for number, item in rows]


def run_check(config: Config, *, db: str | None, dialect: str | None, source: str, stdout: TextIO | None = None) -> int:
    """The guard alone; one JSON line per statement; exit 1 if any is rejected."""
    stdout = stdout or sys.stdout
    from tools.guard import Problem, check_sql

    statements = _statements(source)
    database = None
    catalog = None
    if db or config.db:
        database = open_database(config, db)
        catalog = database.catalog()
        dialect = dialect or database.dialect
    else:
        sys.stderr.write("analyst: warning: no --db given, so table and column names are not checked\n")
    dialect = dialect or "duckdb"
    all_ok = True
    try:
        for line, sql in statements:
            cross = None
            if database is not None:
                cross = lambda text: [Problem("engine_rejects", m) for m in database.cross_check(text)]  # noqa: E731
            verdict = check_sql(sql, catalog, dialect, cross_check=cross)
            all_ok &= verdict.ok
            stdout.write(json.dumps({"line": line, "ok": verdict.ok, "problems": [{"code": p.code, "message": p.message} for p in verdict.problems], "sql": verdict.sql}, ensure_ascii=False) + "\n")
    finally:
        if database is not None:
            database.close()
    return EXIT_OK if all_ok else EXIT_NOT_ANSWERED


def run_models(config: Config, *, check: bool, stdout: TextIO | None = None) -> int:
    """Known providers and models, and where each key comes from (never the key)."""
    stdout = stdout or sys.stdout
    from agents.models.registry import PRICES, PROVIDERS
    from analyst.keys import resolve_key

    for name, provider in PROVIDERS.items():
        if provider.needs_key:
            found = resolve_key(name, provider.key_env)
            key = f"key: {found.source}" if found.value else f"key: missing (set {provider.key_env} or run `analyst keys set {name}`)"
        else:
            key = "key: not needed"
        base = config.values.get(f"{name}_base_url") or provider.default_base_url or "default endpoint"
        line = f"{name:<10} {key} · endpoint: {base}"
        if check and name in ("openai", "ollama", "anthropic"):
            line += f" · {_reachable(base if base != 'default endpoint' else None, name)}"
        stdout.write(line + "\n")
    for endpoint in config.endpoints.values():
        found = resolve_key(endpoint.name, endpoint.key_env)
        key = f"key: {found.source}" if found.value else "key: none (sent a dummy)"
        line = f"{endpoint.name:<10} {key} · endpoint: {endpoint.base_url} · tools: {'yes' if endpoint.tools else 'no (```sql blocks)'} · context: {endpoint.context_window or 'default'}"
        if check:
            line += f" · {_reachable(endpoint.base_url, endpoint.name)}"
        stdout.write(line + "\n")
    stdout.write("\nmodels with known prices (USD per 1M tokens in/out):\n")
    for model, (price_in, price_out) in {**PRICES, **config.prices}.items():
        stdout.write(f"  {model:<36} {price_in:>7.2f} {price_out:>7.2f}\n")
    stdout.write(f"\ndefault model: {config.model} ({config.sources['model']})\n")
    return EXIT_OK


def _reachable(base_url: str | None, provider: str) -> str:
    import urllib.error
    import urllib.request

    if base_url is None:
        return "not checked (public endpoint)"
    try:
        with urllib.request.urlopen(base_url.rstrip("/") + "/models", timeout=3):
            return "reachable"
    except urllib.error.HTTPError as exc:
        return f"reachable (HTTP {exc.code})"
    except (urllib.error.URLError, OSError) as exc:
        return f"unreachable ({getattr(exc, 'reason', exc)})"


def run_config_show(config: Config, stdout: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout
    stdout.write(f"home: {config.home}\n")
    for setting in SETTINGS:
        value: Any = config.values[setting.name]
        shown = ",".join(value) if isinstance(value, tuple) else value
        stdout.write(f"{setting.name:<20} {str(shown):<40} {config.sources[setting.name]}\n")
    return EXIT_OK
