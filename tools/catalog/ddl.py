"""Schema rendering: defog-style DDL, the form the model reads a schema (or a slice of it) in.

Each table is a `CREATE TABLE` with a header comment (description, row count, how many columns are
shown), a `-- comment` per column (its description and a few sample values), and the primary and
foreign keys whose columns are shown; join hints follow as `-- a.x can be joined with b.y` lines.
Names are quoted only where the engine needs it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tools.catalog.values import Column, JoinHint, Table

if TYPE_CHECKING:
    from tools.retrieval.schema_slice import TableChoice

__all__ = ["assemble", "ident", "qualified_name", "render_ddl", "render_table"]

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_RESERVED = frozenset(
    [
        "all",
        "and",
        "as",
        "asc",
        "between",
        "by",
        "case",
        "check",
        "column",
        "constraint",
        "create",
        "default",
        "desc",
        "distinct",
        "else",
        "end",
        "false",
        "foreign",
        "from",
        "group",
        "having",
        "in",
        "is",
        "join",
        "like",
        "limit",
        "not",
        "null",
        "offset",
        "on",
        "or",
        "order",
        "primary",
        "references",
        "select",
        "table",
        "then",
        "to",
        "true",
        "union",
        "unique",
        "user",
        "when",
        "where",
        "window",
        "with",
    ]
)


def ident(name: str, dialect: str) -> str:
    """Quote only where the engine needs it (PostgreSQL folds unquoted names to lower case), as
    the engine quotes (MySQL reads `"x"` as a string: backticks)."""
    plain = _PLAIN.match(name) and name.lower() not in _RESERVED
    if plain and (dialect != "postgres" or name == name.lower()):
        return name
    if dialect == "mysql":
        return "`" + name.replace("`", "``") + "`"
    return '"' + name.replace('"', '""') + '"'


def qualified_name(name: str, dialect: str) -> str:
    return ".".join(ident(part, dialect) for part in name.split("."))


def _clean(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _column_note(col: Column) -> str:
    parts = [_clean(col.comment, 300)] if col.comment and col.comment.strip() else []
    if col.samples:
        values = ", ".join("'" + _clean(s, 40).replace("'", "''") + "'" for s in col.samples[:5])
        parts.append(f"e.g. {values}")
    return "; ".join(parts)


@functools.lru_cache(maxsize=1 << 16)
def _column_item(col: Column, dialect: str) -> tuple[str, str]:
    """A column's definition and note; cached because warehouses repeat the same columns
    (`created_at`, `customer_id`) across hundreds of tables."""
    null = "" if col.nullable else " NOT NULL"
    return f"{ident(col.name, dialect)} {col.type}{null}", _column_note(col)


def render_table(table: Table, columns: Sequence[Column], dialect: str) -> str:
    """One defog-style CREATE TABLE: a header comment, a `-- comment` per column, PK/FK lines."""
    shown = {c.name.lower() for c in columns}
    header = [_clean(table.comment, 400)] if table.comment and table.comment.strip() else []
    if table.kind == "view":
        header.append("view")
    if table.row_count is not None:
        header.append(f"{'about ' if table.row_count_estimated else ''}{table.row_count:,} rows")
    if len(columns) < len(table.columns):
        header.append(f"{len(columns)} of {len(table.columns)} columns shown")
    items = [_column_item(col, dialect) for col in columns]
    if table.primary_key and all(c.lower() in shown for c in table.primary_key):
        key = ", ".join(ident(c, dialect) for c in table.primary_key)
        items.append((f"PRIMARY KEY ({key})", ""))
    for fk in table.foreign_keys:
        if all(c.lower() in shown for c in fk.columns):
            own = ", ".join(ident(c, dialect) for c in fk.columns)
            ref = ", ".join(ident(c, dialect) for c in fk.ref_columns)
            ref_table = qualified_name(fk.ref_table, dialect)
            items.append((f"FOREIGN KEY ({own}) REFERENCES {ref_table} ({ref})", ""))
    lines = [f"-- {'; '.join(header)}"] if header else []
    lines.append(f"CREATE TABLE {qualified_name(table.qualified, dialect)} (")
    for n, (text, note) in enumerate(items):
        comma = "," if n < len(items) - 1 else ""
        lines.append(f"  {text}{comma}{' -- ' + note if note else ''}")
    lines.append(");")
    return "\n".join(lines)


def assemble(blocks: Sequence[str], hint_lines: Sequence[str]) -> str:
    """Table blocks separated by blank lines, then the join-hint lines as one block."""
    parts = ["\n\n".join(blocks)] if blocks else []
    if hint_lines:
        parts.append("\n".join(hint_lines))
    return "\n\n".join(parts)


def render_ddl(tables: Sequence[Table | TableChoice], join_hints: Sequence[JoinHint], dialect: str) -> str:
    """Tables (whole, or a TableChoice's columns) then `-- a.x can be joined with b.y` lines."""
    blocks = [
        render_table(t, t.columns, dialect) if isinstance(t, Table) else render_table(t.table, t.columns, dialect)
        for t in tables
    ]
    return assemble(blocks, [h.render() for h in join_hints])
