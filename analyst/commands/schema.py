"""Commands that look without asking a model: `schema`, `check`, `models`, `config show`."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from analyst.config import SETTINGS, Config, shown_url
from analyst.errors import EXIT_NOT_ANSWERED, EXIT_OK, UserError
from analyst.wiring import open_database


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
            chosen = retrieve(
                catalog, question, budget or config.schema_budget or default_budget(context_window(config.model))
            )
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
    from tools.guard import Problem, check_sql
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
            cross = None
            if database is not None:
                cross = lambda text: [Problem("engine_rejects", m) for m in database.cross_check(text)]  # noqa: E731
            verdict = check_sql(sql, catalog, dialect, cross_check=cross)
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


# The endpoints the SDKs use when no base URL is configured (for display and `--check`).
PUBLIC_ENDPOINTS = {"openai": "https://api.openai.com/v1", "anthropic": "https://api.anthropic.com"}


def run_models(config: Config, *, check: bool, stdout: TextIO | None = None) -> int:
    """Known providers and models, and where each key comes from (never the key).

    `--check` asks each endpoint's model list with its key and says whether it answers and
    whether it takes the key; the exit code stays 0 (a provider the person does not use, such as
    a local Ollama that is not running, is not a failure of the command)."""
    stdout = stdout or sys.stdout
    from agents.models.registry import PRICES, PROVIDERS
    from analyst.keys import resolve_key

    for name, provider in PROVIDERS.items():
        if name == "scripted":
            stdout.write(
                f"{name:<10} key: not needed · no endpoint (replies are read from a JSONL file: scripted:FILE.jsonl)\n"
            )
            continue
        found = resolve_key(name, provider.key_env) if provider.needs_key else None
        if found is None:
            key = "key: not needed"
        elif found.value:
            key = f"key: {found.source}"
        else:
            key = f"key: missing (set {provider.key_env} or run `analyst keys set {name}`)"
        configured = config.values.get(f"{name}_base_url")
        base = configured or provider.default_base_url or PUBLIC_ENDPOINTS.get(name)
        shown = shown_url(base) if configured or not base else f"{base} (default)"
        line = f"{name:<10} {key} · endpoint: {shown}"
        if check and base:
            line += f" · {_probe(base, name, found, provider.key_env, provider.needs_key)}"
        stdout.write(line + "\n")
    for endpoint in config.endpoints.values():
        found = resolve_key(endpoint.name, endpoint.key_env)
        key = f"key: {found.source}" if found.value else "key: none (sent a dummy)"
        line = f"{endpoint.name:<10} {key} · endpoint: {shown_url(endpoint.base_url)} · tools: {'yes' if endpoint.tools else 'no (```sql blocks)'} · context: {endpoint.context_window or 'default'}"
        if check:
            line += f" · {_probe(endpoint.base_url, endpoint.name, found, endpoint.key_env, False)}"
        stdout.write(line + "\n")
    stdout.write("\nmodels with known prices (USD per 1M tokens in/out):\n")
    for model, (price_in, price_out) in {**PRICES, **config.prices}.items():
        stdout.write(f"  {model:<36} {price_in:>7.2f} {price_out:>7.2f}\n")
    stdout.write(f"\ndefault model: {config.model} ({_source(config.sources['model'])})\n")
    return EXIT_OK


def _source(source: str) -> str:
    """Where a setting came from, as a phrase: "config (/p/config.toml)" -> "from config /p/config.toml"."""
    if source == "default":
        return "built-in default"
    if source == "flag":
        return "from a command-line flag"
    if source.startswith("config (") and source.endswith(")"):
        return f"from config {source[len('config (') : -1]}"
    return f"from {source}"


def _key_fix(provider: str, found: Any, key_env: str | None) -> str:
    """How to put a valid key where `analyst` looks first (a set variable hides the keyring)."""
    if found is not None and found.source.startswith("env "):
        return f"set {found.source[4:]} to a valid key (it is used before the keyring), or unset it and run `analyst keys set {provider}`"
    return f"run `analyst keys set {provider}`" + (f" or set {key_env}" if key_env else "")


def _probe(base_url: str, provider: str, found: Any, key_env: str | None, needs_key: bool) -> str:
    """Ask `base_url`'s model list, with the key, and say what the answer means for the person."""
    import urllib.error
    import urllib.request

    key = found.value if found is not None else None
    if provider == "anthropic":
        url = base_url.rstrip("/") + ("/models" if base_url.rstrip("/").endswith("/v1") else "/v1/models")
        headers = {"anthropic-version": "2023-06-01", **({"x-api-key": key} if key else {})}
    else:
        url = base_url.rstrip("/") + "/models"
        headers = {"Authorization": f"Bearer {key}"} if key else {}
    request = urllib.request.Request(url, headers={"User-Agent": "analyst", **headers})
    try:
        with urllib.request.urlopen(request, timeout=3):
            pass
    except urllib.error.HTTPError as exc:
        if exc.code in (401, 403):
            fix = _key_fix(provider, found, key_env)
            if key:
                return f"key rejected (HTTP {exc.code}): the key from {found.source} is not valid here; {fix}"
            return f"reachable, but it needs a key (HTTP {exc.code}): {fix}"
        if exc.code == 404:
            return f"answers, but has no model list at {shown_url(url)} (HTTP 404): check the base URL"
        return f"answers with an error (HTTP {exc.code})"
    except (urllib.error.URLError, OSError) as exc:
        return f"unreachable ({getattr(exc, 'reason', exc)})"
    if needs_key and not key:
        return "reachable (no key to check)"
    return "reachable, key accepted" if key else "reachable"


def _shown_value(name: str, value: Any) -> str:
    """A setting's value as a person reads it: "not set (…)" for None, TOML spelling otherwise."""
    unset = {
        "db": "(bundled sample)",
        "max_cost": "not set (no cap)",
        "max_tokens": "not set (no cap)",
        "schema_budget": "not set (automatic)",
        "openai_base_url": f"not set ({PUBLIC_ENDPOINTS['openai']})",
        "anthropic_base_url": f"not set ({PUBLIC_ENDPOINTS['anthropic']})",
        "ollama_base_url": "not set (http://localhost:11434/v1)",
    }
    if value is None:
        return unset.get(name, "not set")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ", ".join(value) if value else "none"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if name.endswith("_base_url") and isinstance(value, str):
        return shown_url(value)
    if name == "db" and isinstance(value, str):
        from analyst.wiring import is_postgres_url

        if is_postgres_url(value):  # a password in the URL is not shown
            from tools.databases.postgres_conn import redact_dsn

            return redact_dsn(value)
    return str(value)


def run_config_show(config: Config, stdout: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout
    stdout.write(f"home: {config.home}\n")
    for setting in SETTINGS:
        shown = _shown_value(setting.name, config.values[setting.name])
        stdout.write(f"{setting.name:<20} {shown:<40} {config.sources[setting.name]}\n")
    return EXIT_OK
