"""What the MCP server's tools answer, as JSON-ready values, with no MCP SDK in sight.

Why apart from `analyst/mcp_server.py`: the SDK is imported in that one module (an import
contract); what a tool says — and what it withholds when `data_to_model` is off, since every MCP
client is a model's agent — is plain code over an `analyst.Analyst`, testable without a client.
"""

from __future__ import annotations

from typing import Any

from analyst.api.connection import Analyst
from analyst.api.values import Check, Result
from tools.databases.base import Limits
from tools.fingerprint import normalize_value

NO_ELICITATION = (
    "refused: this server was started with --approve ask, and this MCP client cannot ask the person "
    "(it does not support elicitation), so nothing ran. Options: restart the server with --approve auto "
    "(run what analyst's guard accepts) or --approve never (checked plans only), or ask the question in "
    "analyst's own terminal app (analyst --db DB), where the person approves each query"
)
DECLINED = "The person declined this SQL; it was not run. Do not run it again unchanged: ask them what to change."


def list_tables(analyst: Analyst) -> dict[str, Any]:
    """Every table and view the model may query (exclusions already gone)."""
    catalog = analyst.catalog()
    return {
        "tables": [
            {
                "name": t.qualified,
                "kind": t.kind,
                "row_count": t.row_count,
                "comment": t.comment,
                "columns": len(t.columns),
            }
            for t in catalog.tables
        ]
    }


def describe_table(analyst: Analyst, table: str) -> dict[str, Any]:
    """One table's columns (with sample values only when data may reach the model), keys and DDL."""
    from tools.catalog.ddl import render_table

    catalog = analyst.catalog()
    wanted = table.strip().lower()
    found = next((t for t in catalog.tables if wanted in (t.qualified.lower(), t.name.lower())), None)
    if found is None:
        names = ", ".join(t.qualified for t in catalog.tables)
        raise LookupError(f"no table {table!r} here; the tables are: {names}")
    return {
        "name": found.qualified,
        "kind": found.kind,
        "row_count": found.row_count,
        "comment": found.comment,
        "primary_key": list(found.primary_key),
        "columns": [
            {"name": c.name, "type": c.type, "comment": c.comment, "samples": list(c.samples)} for c in found.columns
        ],
        "ddl": render_table(found, found.columns, catalog.dialect),
    }


def schema_for(analyst: Analyst, question: str | None, budget: int | None) -> dict[str, Any]:
    schema = analyst.schema(question, budget)
    return {
        "ddl": schema.ddl,
        "tables": [{"name": t.name, "why": t.why} for t in schema.tables],
        "join_hints": list(schema.join_hints),
        "tokens": schema.tokens,
        "full_tokens": schema.full_tokens,
    }


def check_json(check: Check) -> dict[str, Any]:
    return {
        "ok": check.ok,
        "sql": check.sql,
        "hash": check.sql_hash,
        "tables": list(check.tables),
        "problems": [{"code": p.code, "message": p.message} for p in check.problems],
        "warnings": list(check.warnings),
    }


def plan_json(sql: str, sql_hash: str, tables: tuple[str, ...], limits: Limits, warnings: list[str]) -> dict[str, Any]:
    """What would run: the exact text, its hash, its tables and limits (`--approve never`, approval)."""
    return {
        "sql": sql,
        "hash": sql_hash,
        "tables": list(tables),
        "limits": {"max_rows": limits.max_rows, "timeout_s": limits.timeout_s},
        "warnings": warnings,
    }


def approval_message(database: str, plan: dict[str, Any]) -> str:
    """What the person is shown before a statement runs: everything the approval binds to."""
    lines = [
        f"An agent asks analyst to run this read-only SQL on {database}:",
        "",
        plan["sql"],
        "",
        f"hash: {plan['hash']}",
        f"tables: {', '.join(plan['tables']) or '(none)'}",
        f"limits: at most {plan['limits']['max_rows']} rows, {plan['limits']['timeout_s']:g} s",
    ]
    lines += [f"warning: {w}" for w in plan["warnings"]]
    lines += ["", "Approve to run it; decline and nothing runs."]
    return "\n".join(lines)


def result_json(result: Result, data_to_model: bool) -> dict[str, Any]:
    """A finished `run_sql` or `ask` as the agent sees it; rows and database error text only when
    the data may reach the model (`--no-data-to-model` keeps the shape: columns and a row count)."""
    out: dict[str, Any] = {
        "status": result.status.value,
        "ran": result.status.value == "answered" and result.sql is not None,
        "sql": result.sql,
        "columns": [{"name": c.name, "type": c.type} for c in result.columns],
        "row_count": result.row_count,
        "truncated": result.truncated,
        "session_id": result.session_id,
    }
    if data_to_model:
        out["rows"] = [[normalize_value(v) for v in row] for row in result.rows]
    else:
        out["rows_withheld"] = "rows are not shared with models here (--no-data-to-model)"
    if result.answer is not None:
        out["answer"] = result.answer
    if result.clarification:
        out["clarification"] = result.clarification
    if result.problems:
        out["problems"] = [{"code": p.code, "message": p.message} for p in result.problems]
    if result.error is not None:
        message = result.error.message
        if not data_to_model and result.error.kind.value == "database":
            message = message.split(":", 1)[0] + ": details withheld (--no-data-to-model)"
        out["error"] = {"kind": result.error.kind.value, "message": message}
    return out
