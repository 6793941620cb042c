"""Compact DDL for a focused slice: what a column means only where the schema does not already say.

The defog-style DDL (`tools.catalog.ddl`) prints every comment, sample and key line; at warehouse
scale most of that repeats the names (`customer_id -- Identifier of the customer`). Here a comment
goes out only when it adds words the column and table names lack, samples only for columns the
question matched (the values it may filter on, those matching the question first), keys inline
(`PRIMARY KEY`, `REFERENCES t(c)` for tables in the slice), and each table's header says which
columns were left out and that `describe_table` returns them, so the model knows what it has not
seen instead of guessing it does not exist.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence

from tools.catalog import Column, Table
from tools.catalog.ddl import ident, qualified_name
from tools.retrieval.terms import identifier_terms, text_terms

_GENERIC = frozenset(
    [
        "identifier",
        "id",
        "unique",
        "key",
        "primary",
        "foreign",
        "reference",
        "references",
        "column",
        "field",
        "value",
        "record",
        "row",
        "table",
        "number",
        "name",
        "code",
        "the",
        "this",
        "that",
        "belong",
        "belongs",
        "which",
        "when",
    ]
)
_OMITTED_NAMES = 100  # characters of left-out column names listed before "… N more"
_COMMENT_CHARS = 160
_TABLE_COMMENT_CHARS = 200
_SAMPLES = 4


@functools.lru_cache(maxsize=65536)
def _terms(text: str) -> frozenset[str]:
    return frozenset(text_terms(text))


@functools.lru_cache(maxsize=65536)
def _name_terms(name: str) -> frozenset[str]:
    return frozenset(identifier_terms(name))


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def telling_comment(comment: str | None, column: str, table: str) -> bool:
    """Whether a comment says more than the column's and table's names already do."""
    if not comment or not comment.strip():
        return False
    return bool(_terms(comment) - _GENERIC - _name_terms(column) - _name_terms(table) - _terms(table))


def _samples(col: Column, wanted: Collection[str]) -> str:
    first = [s for s in col.samples if _terms(s) & set(wanted)]
    values = first + [s for s in col.samples if s not in first]
    return ", ".join("'" + _clip(s, 30).replace("'", "''") + "'" for s in values[:_SAMPLES])


def omitted_note(table: Table, shown: Collection[str]) -> str:
    """`describe_table for 14 more: a, b, c, …` — the left-out columns, named while short."""
    rest = [c.name for c in table.columns if c.name not in shown]
    if not rest:
        return ""
    listed: list[str] = []
    used = 0
    for name in rest:
        if used + len(name) > _OMITTED_NAMES:
            break
        listed.append(name)
        used += len(name) + 2
    tail = ", …" if len(listed) < len(rest) else ""
    return f"{len(rest)} more columns via describe_table: {', '.join(listed)}{tail}"


def render_compact(
    table: Table,
    columns: Sequence[Column],
    dialect: str,
    in_slice: Collection[str],
    sampled: Collection[str],
    wanted: Collection[str],
) -> str:
    """One CREATE TABLE with only `columns`; `in_slice` holds the lower-cased qualified names of
    the slice's tables (REFERENCES to others are left out), `sampled` the lower-cased column
    names whose samples matter, `wanted` the question's terms (matching samples first)."""
    shown = {c.name for c in columns}
    lowered = {c.name.lower() for c in columns}
    header = [_clip(table.comment, _TABLE_COMMENT_CHARS)] if table.comment and table.comment.strip() else []
    if table.kind == "view":
        header.append("view")
    if table.row_count is not None:
        header.append(f"{'about ' if table.row_count_estimated else ''}{table.row_count:,} rows")
    note = omitted_note(table, shown)
    if note:
        header.append(note)
    single_pk = table.primary_key[0].lower() if len(table.primary_key) == 1 else None
    refs = {
        fk.columns[0].lower(): fk
        for fk in table.foreign_keys
        if len(fk.columns) == 1 and fk.ref_table.lower() in in_slice
    }
    items: list[tuple[str, str]] = []
    for col in columns:
        name = col.name.lower()
        text = f"{ident(col.name, dialect)} {col.type}"
        if name == single_pk:
            text += " PRIMARY KEY"
        elif not col.nullable:
            text += " NOT NULL"
        if name in refs:
            fk = refs[name]
            text += f" REFERENCES {qualified_name(fk.ref_table, dialect)}({ident(fk.ref_columns[0], dialect)})"
        notes = [_clip(col.comment or "", _COMMENT_CHARS)] if telling_comment(col.comment, col.name, table.name) else []
        if col.samples and name in sampled:
            notes.append(f"e.g. {_samples(col, wanted)}")
        items.append((text, "; ".join(notes)))
    if len(table.primary_key) > 1 and all(c.lower() in lowered for c in table.primary_key):
        items.append((f"PRIMARY KEY ({', '.join(ident(c, dialect) for c in table.primary_key)})", ""))
    for fk in table.foreign_keys:
        if len(fk.columns) > 1 and fk.ref_table.lower() in in_slice and all(c.lower() in lowered for c in fk.columns):
            own = ", ".join(ident(c, dialect) for c in fk.columns)
            ref = ", ".join(ident(c, dialect) for c in fk.ref_columns)
            items.append((f"FOREIGN KEY ({own}) REFERENCES {qualified_name(fk.ref_table, dialect)} ({ref})", ""))
    lines = [f"-- {'; '.join(header)}"] if header else []
    lines.append(f"CREATE TABLE {qualified_name(table.qualified, dialect)} (")
    for n, (text, note_text) in enumerate(items):
        comma = "," if n < len(items) - 1 else ""
        lines.append(f"  {text}{comma}{' -- ' + note_text if note_text else ''}")
    lines.append(");")
    return "\n".join(lines)
