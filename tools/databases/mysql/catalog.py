"""What MySQL's information_schema says about the tables of one database the account can read.

Introspection runs once per opened database inside one READ ONLY transaction. information_schema
lists only what the account holds a privilege on, so the guard's allowlist never offers what the
server would refuse. Row counts: `TABLE_ROWS` is InnoDB's estimate, so a small table (by its data
length) is counted exactly; sample values are an enum's labels, or a small table's text column
grouped under a short server-side time limit.
"""

from __future__ import annotations

import re
from typing import Any

from tools.catalog import Catalog, Column, ForeignKey, Table, split_columns, unmatched_exclusions, without_columns
from tools.catalog.derived import opaque_view_note
from tools.databases.mysql.connection import Server
from tools.databases.mysql.exclusions import find_exclusions

SAMPLE_MAX_DISTINCT = 12
SAMPLE_MAX_CHARS = 60
COUNT_MAX_BYTES = 8 * 1024 * 1024  # tables up to this data length are counted exactly
SCAN_MAX_ROWS = 200_000  # tables up to this many rows may be grouped for sample values
SCAN_TIMEOUT_S = 2.0  # per count or sample scan
TEXT_TYPES = frozenset({"char", "varchar", "tinytext", "text", "mediumtext", "longtext"})

_TABLES_SQL = """
SELECT TABLE_NAME, TABLE_TYPE, TABLE_ROWS, TABLE_COMMENT, DATA_LENGTH FROM information_schema.TABLES
WHERE TABLE_SCHEMA = %s AND TABLE_TYPE IN ('BASE TABLE', 'VIEW', 'SYSTEM VERSIONED') ORDER BY TABLE_NAME
"""
_COLUMNS_SQL = """
SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, DATA_TYPE, IS_NULLABLE, COLUMN_COMMENT, GENERATION_EXPRESSION, EXTRA
FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = %s ORDER BY TABLE_NAME, ORDINAL_POSITION
"""
_KEYS_SQL = """
SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME,
       REFERENCED_COLUMN_NAME
FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = %s
ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION
"""
_VIEWS_SQL = "SELECT TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS WHERE TABLE_SCHEMA = %s"
_ROUTINES_SQL = "SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = %s"


def introspect(
    conn: Any, server: Server, schema: str, exclude_tables: tuple[str, ...], exclude_columns: tuple[str, ...]
) -> Catalog:
    """Read tables, views, columns, comments, keys, row estimates and sample values."""
    with conn.cursor() as cur:
        tables_raw = _rows(cur, _TABLES_SQL, schema)
        columns_raw = _rows(cur, _COLUMNS_SQL, schema)
        keys_raw = _rows(cur, _KEYS_SQL, schema)
        views = {str(name): (str(text) if text else None) for name, text in _rows(cur, _VIEWS_SQL, schema)}
        routines = frozenset(str(r[0]).lower() for r in _rows(cur, _ROUTINES_SQL, schema))
    columns: dict[str, list[Column]] = {}
    generated: dict[str, str] = {}
    for table, name, column_type, data_type, nullable, comment, expression, extra in columns_raw:
        samples = _enum_labels(str(column_type)) if str(data_type).lower() == "enum" else ()
        columns.setdefault(table, []).append(
            Column(name, str(column_type), comment or None, nullable == "YES", samples)
        )
        if expression or "GENERATED" in str(extra).upper():
            generated[f"{table}.{name}"] = str(expression or "")
    found = find_exclusions(
        schema,
        {t: [c.name for c in cols] for t, cols in columns.items()},
        generated,
        views,
        routines,
        exclude_tables,
        exclude_columns,
    )
    pks, fks = _keys(keys_raw, schema)
    kept = {name for name, *_ in tables_raw if (schema, name) not in found.relations}
    tables: list[Table] = []
    with conn.cursor() as cur:
        cur.execute(server.time_limit_sql(SCAN_TIMEOUT_S))  # counts and sample scans
        for name, kind, estimate, comment, data_length in tables_raw:
            if name not in kept:
                continue  # never counted or sampled either
            is_view = kind == "VIEW"
            count, estimated = (None, False) if is_view else _row_count(cur, schema, name, estimate, data_length)
            # Excluded columns go before sampling: their values are never read.
            cols, hidden_here = split_columns(
                schema, name, columns.get(name, []), exclude_columns, found.by_table.get((schema, name), ())
            )
            if count is not None and not estimated and count <= SCAN_MAX_ROWS:
                cols = [_with_samples(cur, schema, name, col) for col in cols]
            tables.append(
                Table(
                    schema=schema,
                    name=name,
                    columns=tuple(cols),
                    comment=(comment or None) if not is_view else None,
                    primary_key=pks.get(name, ()),
                    foreign_keys=tuple(fk for fk in fks.get(name, ()) if fk.ref_table.split(".", 1)[1] in kept),
                    row_count=count,
                    row_count_estimated=estimated,
                    kind="view" if is_view else "table",
                    hidden_columns=hidden_here,
                )
            )
    unmatched = unmatched_exclusions(
        ((schema, t, [c.name for c in columns.get(t, [])]) for t, *_ in tables_raw), exclude_tables, exclude_columns
    )
    catalog = Catalog(
        dialect="mysql",
        tables=_twins_share_hidden(tables),
        default_schema=schema,
        user_functions=routines,
        unmatched_exclusions=unmatched,
        exclusion_notes=found.notes + tuple(opaque_view_note(f"{schema}.{v}") for v in found.opaque_views),
    )
    return without_columns(catalog, exclude_columns)


def _rows(cur: Any, sql: str, schema: str) -> list[tuple[Any, ...]]:
    cur.execute(sql, (schema,))
    return list(cur.fetchall())


def _keys(rows: list[tuple[Any, ...]], schema: str) -> tuple[dict[str, tuple[str, ...]], dict[str, list[ForeignKey]]]:
    pks: dict[str, tuple[str, ...]] = {}
    fk_parts: dict[tuple[str, str], tuple[list[str], str, list[str]]] = {}
    for table, constraint, column, ref_schema, ref_table, ref_column in rows:
        if constraint == "PRIMARY":
            pks[table] = pks.get(table, ()) + (column,)
        elif ref_table and ref_schema == schema:  # a key into another database is not in this catalog
            cols, ref, ref_cols = fk_parts.setdefault((table, constraint), ([], f"{schema}.{ref_table}", []))
            cols.append(column)
            ref_cols.append(ref_column)
    fks: dict[str, list[ForeignKey]] = {}
    for (table, _), (cols, ref, ref_cols) in fk_parts.items():
        fks.setdefault(table, []).append(ForeignKey(tuple(cols), ref, tuple(ref_cols)))
    return pks, fks


def _enum_labels(column_type: str) -> tuple[str, ...]:
    """`enum('a','b')` -> ("a", "b"), when there are few enough to show."""
    labels = [m.replace("''", "'") for m in re.findall(r"'((?:[^']|'')*)'", column_type)]
    return tuple(label[:SAMPLE_MAX_CHARS] for label in labels) if len(labels) <= SAMPLE_MAX_DISTINCT else ()


def quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _row_count(cur: Any, schema: str, name: str, estimate: Any, data_length: Any) -> tuple[int | None, bool]:
    """An exact count for a small table, else InnoDB's estimate; None when neither is known."""
    if data_length is not None and int(data_length) <= COUNT_MAX_BYTES:
        try:
            cur.execute(f"SELECT COUNT(*) FROM {quote(schema)}.{quote(name)}")
            return int(cur.fetchone()[0]), False
        except Exception:
            pass
    return (int(estimate), True) if estimate is not None else (None, False)


def _with_samples(cur: Any, schema: str, table: str, col: Column) -> Column:
    """Up to a dozen values of a text column with few distinct values; more means none."""
    if col.samples or col.type.split("(")[0].strip().lower() not in TEXT_TYPES:
        return col
    c = quote(col.name)
    try:
        cur.execute(
            f"SELECT {c} FROM {quote(schema)}.{quote(table)} WHERE {c} IS NOT NULL "
            f"GROUP BY {c} ORDER BY COUNT(*) DESC, {c} LIMIT {SAMPLE_MAX_DISTINCT + 1}"
        )
        rows = cur.fetchall()
    except Exception:
        return col
    if not rows or len(rows) > SAMPLE_MAX_DISTINCT:
        return col
    return Column(col.name, col.type, col.comment, col.nullable, tuple(str(r[0])[:SAMPLE_MAX_CHARS] for r in rows))


def _twins_share_hidden(tables: list[Table]) -> tuple[Table, ...]:
    """Tables whose names differ only in case (`Orders`, `orders`: two tables where
    lower_case_table_names = 0) share their hidden columns. The guard matches table names without
    case, so it may judge a query by one twin while the server reads the other; with the hidden
    columns of both on each, `SELECT *` on either is refused and no hidden name reads as visible."""
    from dataclasses import replace

    groups: dict[str, list[Table]] = {}
    for table in tables:
        groups.setdefault(table.name.lower(), []).append(table)
    out: list[Table] = []
    for table in tables:
        twins = groups[table.name.lower()]
        hidden = tuple(dict.fromkeys(c for t in twins for c in t.hidden_columns))
        out.append(replace(table, hidden_columns=hidden) if len(twins) > 1 and hidden else table)
    return tuple(out)
