"""The tools offered to the model, and the schema lookups that run without approval.

Lookups read only our catalog (and, for sample values, a query our own code builds from names
validated against it), so they need no approval; `run_sql` is the one tool that does. `ask_user`
(agents/clarify.py) is not a lookup: it pauses the turn for the person.
"""

from __future__ import annotations

import json
from typing import Any

from agents.clarify import ASK_USER
from agents.models.base import ToolSpec
from tools.catalog import Catalog, Table
from tools.databases.base import Database, Limits, QueryError

RUN_SQL = ToolSpec(
    "run_sql",
    "Propose one read-only SQL query. A person reviews it before it runs; you get the result.",
    {
        "type": "object",
        "properties": {"sql": {"type": "string", "description": "One SELECT statement."}},
        "required": ["sql"],
    },
)
LIST_TABLES = ToolSpec(
    "list_tables",
    "List every table with its row count and description.",
    {"type": "object", "properties": {}},
)
DESCRIBE_TABLE = ToolSpec(
    "describe_table",
    "Show a table's columns, types, comments, keys and sample values.",
    {
        "type": "object",
        "properties": {"table": {"type": "string"}},
        "required": ["table"],
    },
)
SAMPLE_VALUES = ToolSpec(
    "sample_values",
    "Show up to 20 distinct values of one column, most frequent first.",
    {
        "type": "object",
        "properties": {"table": {"type": "string"}, "column": {"type": "string"}},
        "required": ["table", "column"],
    },
)
TOOL_SPECS = (RUN_SQL, LIST_TABLES, DESCRIBE_TABLE, SAMPLE_VALUES, ASK_USER)
LOOKUP_TOOLS = frozenset({LIST_TABLES.name, DESCRIBE_TABLE.name, SAMPLE_VALUES.name})
TOOL_NAMES = ", ".join(t.name for t in TOOL_SPECS)


def _find(catalog: Catalog, name: str) -> Table | None:
    schema, _, table = name.rpartition(".")
    return catalog.find(table, schema or None)


def describe(table: Table) -> str:
    lines = [f"{table.qualified} ({table.kind}, {table.row_count if table.row_count is not None else '?'} rows)"]
    if table.comment:
        lines.append(f"  {table.comment}")
    for col in table.columns:
        extra = f" -- {col.comment}" if col.comment else ""
        samples = f" e.g. {', '.join(repr(s) for s in col.samples[:6])}" if col.samples else ""
        lines.append(f"  {col.name} {col.type}{extra}{samples}")
    if table.primary_key:
        lines.append(f"  primary key: {', '.join(table.primary_key)}")
    for fk in table.foreign_keys:
        lines.append(f"  foreign key: ({', '.join(fk.columns)}) references {fk.ref_table}({', '.join(fk.ref_columns)})")
    return "\n".join(lines)


def run_lookup(
    name: str, args: dict[str, Any], catalog: Catalog, database: Database, limits: Limits, allow_data: bool = True
) -> tuple[bool, str]:
    """Run one schema lookup; (ok, text for the model)."""
    if name == "list_tables":
        lines = [
            f"{t.qualified}: {t.row_count if t.row_count is not None else '?'} rows"
            + (f" — {t.comment}" if t.comment else "")
            for t in catalog.tables
        ]
        return True, "\n".join(lines) or "(no tables)"
    table_name = str(args.get("table", ""))
    table = _find(catalog, table_name)
    if table is None:
        known = ", ".join(t.qualified for t in catalog.tables[:50])
        return False, f"unknown table {table_name!r}; tables: {known}"
    if name == "describe_table":
        return True, describe(table)
    if name == "sample_values":
        if not allow_data:
            return (
                False,
                "sample values are not shared with you in this session (no-data mode); use the schema and comments",
            )
        column = table.column(str(args.get("column", "")))
        if column is None:
            cols = ", ".join(c.name for c in table.columns)
            return False, f"unknown column {args.get('column')!r} in {table.qualified}; columns: {cols}"

        def ident(name: str) -> str:
            return '"' + name.replace('"', '""') + '"'

        sql = (
            f"SELECT {ident(column.name)} AS value, count(*) AS n FROM {ident(table.schema)}.{ident(table.name)} "
            f"GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20"
        )
        result = database.execute(sql, Limits(timeout_s=min(limits.timeout_s, 10), max_rows=20, max_cell_bytes=200))
        if isinstance(result, QueryError):
            return False, f"could not sample {table.qualified}.{column.name}: {result.message}"
        return True, json.dumps([[str(v) if v is not None else None, n] for v, n in result.rows])
    return False, f"unknown tool {name!r}; tools: {TOOL_NAMES}"
