"""The sidecar context file `<db>.context.toml`: what the schema cannot say.

Glossary, instructions, table and column descriptions and join hints live next to the database so
a person can edit them by hand; defog's metadata is converted into this format. Descriptions only
fill in where the database has no comment of its own, because the database is the authority.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tools.catalog.values import Catalog, Column, Context, JoinHint, Table

SUFFIX = ".context.toml"
_TOP_KEYS = ("glossary", "instructions", "tables", "columns", "joins")


def context_path_for(db_path: Path) -> Path:
    """`shop.duckdb` -> `shop.context.toml`, next to the database (a suffixless name keeps it)."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.stem + SUFFIX)


def load_context_for(db_path: Path) -> Context:
    """The sidecar of `db_path`, or an empty Context when there is none."""
    path = context_path_for(db_path)
    return load_context(path) if path.is_file() else Context()


def load_sidecar(path: Path | None) -> Context:
    """A database's sidecar for opening it: empty when absent; malformed stops the open with
    one line, because a context silently ignored changes every answer."""
    from tools.databases.base import DatabaseOpenError

    if path is None or not Path(path).is_file():
        return Context()
    try:
        return load_context(path)
    except ValueError as exc:
        raise DatabaseOpenError(f"bad context file: {exc}", "fix the file or move it aside") from None


def load_context(path: Path) -> Context:
    """Parse and check one context file; malformed input is a ValueError naming file and key."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: invalid TOML: {exc}") from exc
    for key in data:
        if key not in _TOP_KEYS:
            allowed = ", ".join(_TOP_KEYS)
            raise ValueError(f"{path}: unknown key {key!r} (allowed: {allowed})")
    return Context(
        glossary=_text(path, data, "glossary"),
        instructions=_text(path, data, "instructions"),
        table_descriptions=_descriptions(path, data.get("tables", {}), "tables", min_dots=0),
        column_descriptions=_descriptions(path, data.get("columns", {}), "columns", min_dots=1),
        join_hints=_joins(path, data.get("joins", [])),
    )


def _text(path: Path, data: Mapping[str, Any], key: str) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise ValueError(f"{path}: {key!r} must be a string, not {type(value).__name__}")
    return value


def _descriptions(path: Path, section: Any, name: str, min_dots: int) -> dict[str, str]:
    """Flatten `[tables.x]` / `[columns."t.c"]`; unquoted dotted keys (`[columns.t.c]`) work too."""
    if not isinstance(section, dict):
        raise ValueError(f"{path}: {name!r} must be a table of tables with a 'description'")
    out: dict[str, str] = {}

    def walk(prefix: str, value: Any) -> None:
        where = f"{name}.{prefix}"
        if not isinstance(value, dict):
            raise ValueError(f"{path}: {where} must be a table with a 'description' string")
        if "description" not in value:
            if not value:
                raise ValueError(f"{path}: {where} has no 'description'")
            for key, sub in value.items():
                walk(f"{prefix}.{key}", sub)
            return
        extra = sorted(k for k in value if k != "description")
        if extra:
            raise ValueError(f"{path}: {where}: unknown key {extra[0]!r} (only 'description')")
        if not isinstance(value["description"], str):
            raise ValueError(f"{path}: {where}.description must be a string")
        if prefix.count(".") < min_dots:
            raise ValueError(f"{path}: {where}: expected 'table.column' (or 'schema.table.column')")
        out[prefix] = value["description"]

    for key, value in section.items():
        walk(key, value)
    return out


def _joins(path: Path, section: Any) -> tuple[JoinHint, ...]:
    if not isinstance(section, list):
        raise ValueError(f"{path}: 'joins' must be an array of tables ([[joins]] left/right)")
    hints: list[JoinHint] = []
    for i, item in enumerate(section):
        where = f"joins[{i}]"
        if not isinstance(item, dict):
            raise ValueError(f"{path}: {where} must be a table with 'left' and 'right'")
        for key in sorted(item):
            if key not in ("left", "right"):
                raise ValueError(f"{path}: {where}: unknown key {key!r} (only 'left', 'right')")
        sides = []
        for key in ("left", "right"):
            value = item.get(key)
            parts = value.split(".") if isinstance(value, str) else []
            if not 2 <= len(parts) <= 3 or "" in parts:
                raise ValueError(f"{path}: {where}.{key} must be 'table.column' or 'schema.table.column'")
            sides.append(str(value))
        hints.append(JoinHint(sides[0], sides[1], source="context"))
    return tuple(hints)


# --- writing ---------------------------------------------------------------------------------


def write_context(path: Path, context: Context) -> None:
    """Write `context` as TOML that `load_context` reads back equal; replaced atomically."""
    path = Path(path)
    text = dumps_context(context)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def dumps_context(context: Context) -> str:
    """The TOML text of a context file."""
    lines: list[str] = []
    if context.glossary:
        lines.append(f"glossary = {_toml_string(context.glossary)}")
    if context.instructions:
        lines.append(f"instructions = {_toml_string(context.instructions)}")
    for name, text in context.table_descriptions.items():
        lines += ["", f"[tables.{_toml_key(name)}]", f"description = {_toml_string(text)}"]
    for name, text in context.column_descriptions.items():
        lines += ["", f"[columns.{_toml_key(name)}]", f"description = {_toml_string(text)}"]
    for hint in context.join_hints:
        lines += ["", "[[joins]]", f"left = {_toml_string(hint.left)}"]
        lines.append(f"right = {_toml_string(hint.right)}")
    return "\n".join(lines).lstrip("\n") + "\n"


def _toml_key(key: str) -> str:
    if key and all(c.isascii() and (c.isalnum() or c in "_-") for c in key):
        return key
    return _toml_string(key, multiline=False)


def _toml_string(value: str, multiline: bool = True) -> str:
    """A TOML basic string; multi-line text becomes a `\"\"\"` string so it stays readable."""
    out: list[str] = []
    for ch in value:
        code = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n" and multiline and "\n" in value:
            out.append("\n")
        elif ch == "\t":
            out.append("\t" if multiline else "\\t")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        else:
            out.append(ch)
    body = "".join(out)
    if multiline and "\n" in value:
        return f'"""\n{body}"""'
    return f'"{body}"'


# --- applying to a catalog -------------------------------------------------------------------


def with_context(catalog: Catalog, context: Context) -> Catalog:
    """A new Catalog carrying `context`, with comments filled from its descriptions.

    Context join hints are rewritten to the catalog's `schema.table.column` spelling so they
    de-duplicate against foreign keys; hints naming tables the catalog lacks (excluded or
    misspelt) are dropped, because an excluded table must never be shown.
    """
    lookup = TableLookup(catalog)
    table_desc: dict[str, str] = {}
    for key, text in context.table_descriptions.items():
        table = lookup.table(key)
        if table is not None and text.strip():
            table_desc.setdefault(table.qualified, text)
    column_desc: dict[tuple[str, str], str] = {}
    for key, text in context.column_descriptions.items():
        found = lookup.column(key)
        if found is not None and text.strip():
            column_desc.setdefault((found[0].qualified, found[1].name), text)

    tables: list[Table] = []
    for table in catalog.tables:
        columns = tuple(_with_comment(col, column_desc.get((table.qualified, col.name))) for col in table.columns)
        comment = table.comment or table_desc.get(table.qualified)
        if columns != table.columns or comment != table.comment:
            table = dataclasses.replace(table, columns=columns, comment=comment)
        tables.append(table)

    hints: list[JoinHint] = []
    for hint in context.join_hints:
        left, right = lookup.column(hint.left), lookup.column(hint.right)
        if left is None or right is None:
            continue
        hints.append(
            JoinHint(
                f"{left[0].qualified}.{left[1].name}",
                f"{right[0].qualified}.{right[1].name}",
                source=hint.source,
            )
        )
    new_context = dataclasses.replace(context, join_hints=tuple(hints))
    return dataclasses.replace(catalog, tables=tuple(tables), context=new_context)


def _with_comment(col: Column, description: str | None) -> Column:
    if col.comment or not description:
        return col
    return dataclasses.replace(col, comment=description)


class TableLookup:
    """Tables by `table` or `schema.table`, case-insensitive like `Catalog.find`, in O(1).

    `Catalog.find` scans every table; resolving thousands of hints that way would be quadratic.
    """

    def __init__(self, catalog: Catalog) -> None:
        self._qualified: dict[str, Table] = {}
        bare: dict[str, list[Table]] = {}
        for table in catalog.tables:
            self._qualified.setdefault(table.qualified.lower(), table)
            bare.setdefault(table.name.lower(), []).append(table)
        default = catalog.default_schema.lower()
        self._bare = {
            key: next((t for t in found if t.schema.lower() == default), found[0]) for key, found in bare.items()
        }

    def table(self, name: str) -> Table | None:
        """`table` or `schema.table`; a dotted name that is not schema-qualified is tried whole."""
        lowered = name.lower()
        return self._qualified.get(lowered) or self._bare.get(lowered)

    def column(self, name: str) -> tuple[Table, Column] | None:
        """`table.column` or `schema.table.column` -> the table and column, if both exist."""
        table_name, _, column_name = name.rpartition(".")
        table = self.table(table_name) if table_name else None
        column = table.column(column_name) if table is not None else None
        return (table, column) if table is not None and column is not None else None
