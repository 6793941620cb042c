"""What PostgreSQL's system catalogs say about the tables the role can read.

Introspection runs once per opened database, inside one READ ONLY snapshot (the role check and
session settings that every connection passes first are in role.py).

Row counts come from the planner's `reltuples` estimate, because `count(*)` on a big table is a
full scan; only a small table that was never analyzed (`reltuples < 0`) is counted exactly. Sample
values come from `pg_stats.most_common_vals` (or an enum's labels), and only a small table
without statistics is grouped to find them. Tables and columns the role cannot SELECT are left
out, so the guard's allowlist never offers something the server would refuse.
"""

from __future__ import annotations

from typing import Any

from tools.catalog import (
    Catalog,
    Column,
    ForeignKey,
    Table,
    split_columns,
    unmatched_exclusions,
    without_columns,
)
from tools.catalog.derived import opaque_view_note
from tools.databases.postgres.code import database_code
from tools.databases.postgres.exclusions import USER_SCHEMA, exclusions, views_over_excluded

SAMPLE_MAX_DISTINCT = 12
SAMPLE_MAX_CHARS = 60
COUNT_MAX_BYTES = 8 * 1024 * 1024  # tables without statistics up to this size are counted
SCAN_MAX_ROWS = 200_000  # tables up to this many rows may be grouped for sample values
SCAN_TIMEOUT_MS = 2000  # per count or sample scan
TEXT_TYPES = frozenset({"text", "character varying", "character", "citext", "name"})

_USER_SCHEMA = USER_SCHEMA

_TABLES_SQL = f"""
SELECT n.nspname, c.relname, c.relkind, obj_description(c.oid, 'pg_class'),
       CASE WHEN c.relkind = 'p' THEN (
                SELECT sum(greatest(ch.reltuples, 0))::float8 FROM pg_catalog.pg_inherits i
                JOIN pg_catalog.pg_class ch ON ch.oid = i.inhrelid WHERE i.inhparent = c.oid)
            ELSE c.reltuples::float8 END,
       CASE WHEN c.relkind IN ('r', 'm') THEN pg_catalog.pg_relation_size(c.oid) END
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition AND {_USER_SCHEMA}
  AND pg_catalog.has_schema_privilege(n.oid, 'USAGE')
  AND pg_catalog.has_any_column_privilege(c.oid, 'SELECT')
ORDER BY 1, 2
"""

_COLUMNS_SQL = f"""
SELECT n.nspname, c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),
       pg_catalog.col_description(c.oid, a.attnum), NOT a.attnotnull, t.typtype = 'e',
       CASE WHEN t.typtype = 'e' THEN ARRAY(
           SELECT e.enumlabel::text FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid
           ORDER BY e.enumsortorder LIMIT {SAMPLE_MAX_DISTINCT + 1}) END
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition AND {_USER_SCHEMA}
  AND a.attnum > 0 AND NOT a.attisdropped
  AND pg_catalog.has_column_privilege(c.oid, a.attnum, 'SELECT')
ORDER BY n.nspname, c.relname, a.attnum
"""

_KEYS_SQL = f"""
SELECT con.contype, n.nspname, c.relname,
       ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num
             ORDER BY k.ord),
       rn.nspname, rc.relname,
       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num
             ORDER BY k.ord)
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
WHERE con.contype IN ('p', 'f') AND NOT c.relispartition AND {_USER_SCHEMA}
ORDER BY n.nspname, c.relname, con.conname
"""

# pg_stats shows only columns the role may read; most_common_vals is anyarray, hence the casts.
_STATS_SQL = """
SELECT s.schemaname, s.tablename, s.attname, s.n_distinct::float8,
       s.most_common_vals::text::text[]
FROM pg_catalog.pg_stats s
WHERE s.schemaname !~ '^pg_' AND s.schemaname <> 'information_schema' AND NOT s.inherited
"""


def introspect(conn: Any, exclude_tables: tuple[str, ...], exclude_columns: tuple[str, ...] = ()) -> Catalog:
    """Read tables, views, columns, comments, keys, row estimates and sample values.

    Runs on `conn` inside the caller's read-only transaction; exact counts and sample scans get
    a short statement timeout (and a savepoint each) so a surprisingly large table cannot stall
    or break startup.
    """
    tables_raw = conn.execute(_TABLES_SQL).fetchall()
    columns = _columns(conn.execute(_COLUMNS_SQL).fetchall())
    pks, fks = _keys(conn.execute(_KEYS_SQL).fetchall())
    found = exclusions(conn, {(s, n) for s, n, *_ in tables_raw}, exclude_tables, exclude_columns)
    excluded, hidden, also = found.relations, found.columns, found.by_table
    kept = {f"{s}.{n}" for s, n, *_ in tables_raw if (s, n) not in excluded}
    hidden_triples = sorted(hidden)
    opaque: list[str] = []
    if excluded or hidden:
        dropped, opaque = views_over_excluded(conn, excluded, hidden)
        kept -= dropped
    user_functions = frozenset(str(row[0]).lower() for row in conn.execute(_USER_FUNCTIONS_SQL).fetchall())
    cast_types = frozenset(str(row[0]).lower() for row in conn.execute(_CAST_TYPES_SQL).fetchall())
    code = database_code(conn)
    if hidden_triples:  # not even the statistics of an excluded column are read
        schemas, names, cols = (list(part) for part in zip(*hidden_triples))
        stats = _stats(
            conn.execute(
                _STATS_SQL + " AND (s.schemaname::text, s.tablename::text, s.attname::text) NOT IN "
                "(SELECT * FROM unnest(%s::text[], %s::text[], %s::text[]))",
                [schemas, names, cols],
            ).fetchall()
        )
    else:
        stats = _stats(conn.execute(_STATS_SQL).fetchall())
    conn.execute(f"SET LOCAL statement_timeout = {SCAN_TIMEOUT_MS}")  # counts and sample scans
    tables: list[Table] = []
    for schema, name, relkind, comment, reltuples, size in tables_raw:
        key = (schema, name)
        if f"{schema}.{name}" not in kept:
            continue  # never counted or sampled either
        count, estimated = _row_count(conn, schema, name, relkind, reltuples, size)
        # Excluded columns go before sampling: their values are never read.
        cols, hidden_here = split_columns(schema, name, columns.get(key, []), exclude_columns, also.get(key, ()))
        cols = _with_samples(conn, schema, name, cols, stats, count if not estimated else None)
        tables.append(
            Table(
                schema=schema,
                name=name,
                columns=tuple(cols),
                comment=comment or None,
                primary_key=pks.get(key, ()),
                foreign_keys=tuple(fk for fk in fks.get(key, ()) if fk.ref_table in kept),
                row_count=count,
                row_count_estimated=estimated,
                kind="view" if relkind in ("v", "m") else "table",
                hidden_columns=hidden_here,
            )
        )
    unmatched = unmatched_exclusions(
        ((s, n, found.every.get((s, n), [])) for s, n in sorted(found.every.keys() | found.listed)),
        exclude_tables,
        exclude_columns,
    )
    catalog = Catalog(
        dialect="postgres",
        tables=tuple(tables),
        default_schema="public",
        user_functions=user_functions,
        cast_types=cast_types,
        user_operators=code.operators,
        user_cast_targets=code.cast_targets,
        implicit_user_casts=code.implicit_casts,
        unmatched_exclusions=unmatched,
        exclusion_notes=found.notes
        + tuple(opaque_view_note(v) for v in opaque if tuple(v.split(".", 1)) in found.listed),
    )
    return without_columns(catalog, exclude_columns)


# Functions in user schemas: an overload with an allowed name (`public.upper(integer)`) wins over
# the built-in for its argument types, and may be SECURITY DEFINER. A superuser may create one in
# pg_catalog too, so every function created after initdb (oid 16384 on) counts. Functions that
# belong to an installed extension (citext's `max(citext)`) are the extension's code, not the database's.
_USER_FUNCTIONS_SQL = f"""
SELECT DISTINCT p.proname::text FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE ({_USER_SCHEMA} OR p.oid >= 16384)
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                  WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid
                    AND d.deptype = 'e')
"""

# Types a cast may name: all but the row types of relations (a standalone composite type is fine)
# and domains whose CHECK calls a function or operator of the database (a cast to one runs it;
# built-ins are pinned, so pg_depend records only those that are not).
_CAST_TYPES_SQL = """
SELECT DISTINCT t.typname::text FROM pg_catalog.pg_type t
LEFT JOIN pg_catalog.pg_class c ON c.oid = t.typrelid
WHERE (t.typrelid = 0 OR c.relkind = 'c')
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_depend d
                  ON d.classid = 'pg_catalog.pg_constraint'::pg_catalog.regclass AND d.objid = k.oid
                 WHERE k.contypid = t.oid AND d.refclassid IN ('pg_catalog.pg_proc'::pg_catalog.regclass,
                                                               'pg_catalog.pg_operator'::pg_catalog.regclass))
"""


def _columns(rows: list[tuple[Any, ...]]) -> dict[tuple[str, str], list[Column]]:
    by_table: dict[tuple[str, str], list[Column]] = {}
    for schema, table, name, dtype, comment, nullable, is_enum, labels in rows:
        samples: tuple[str, ...] = ()
        if is_enum and labels and len(labels) <= SAMPLE_MAX_DISTINCT:
            samples = tuple(str(v)[:SAMPLE_MAX_CHARS] for v in labels)
        by_table.setdefault((schema, table), []).append(Column(name, dtype, comment or None, bool(nullable), samples))
    return by_table


def _keys(
    rows: list[tuple[Any, ...]],
) -> tuple[dict[tuple[str, str], tuple[str, ...]], dict[tuple[str, str], list[ForeignKey]]]:
    pks: dict[tuple[str, str], tuple[str, ...]] = {}
    fks: dict[tuple[str, str], list[ForeignKey]] = {}
    for contype, schema, table, cols, ref_schema, ref_table, ref_cols in rows:
        if contype == "p":
            pks[(schema, table)] = tuple(cols)
        elif ref_table:
            fks.setdefault((schema, table), []).append(
                ForeignKey(tuple(cols), f"{ref_schema}.{ref_table}", tuple(ref_cols or ()))
            )
    return pks, fks


def _stats(rows: list[tuple[Any, ...]]) -> dict[tuple[str, str, str], tuple[float, list[str] | None]]:
    return {(s, t, c): (float(n or 0), mcv) for s, t, c, n, mcv in rows}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _row_count(
    conn: Any, schema: str, name: str, relkind: str, reltuples: float | None, size: int | None
) -> tuple[int | None, bool]:
    """The planner's estimate; an exact count only for a small table that was never analyzed."""
    if relkind in ("v", "f"):
        return None, False
    if reltuples is not None and reltuples >= 0:
        return int(reltuples), True
    if size is None or size > COUNT_MAX_BYTES:
        return None, False
    try:
        conn.execute("SAVEPOINT analyst_count")
        (count,) = conn.execute(f"SELECT count(*) FROM {_quote(schema)}.{_quote(name)}").fetchone()
        conn.execute("RELEASE SAVEPOINT analyst_count")
    except Exception:
        _rollback_to(conn, "analyst_count")
        return None, False
    return int(count), False


def _with_samples(
    conn: Any,
    schema: str,
    table: str,
    columns: list[Column],
    stats: dict[tuple[str, str, str], tuple[float, list[str] | None]],
    exact_count: int | None,
) -> list[Column]:
    """Attach up to a dozen values to text columns with few distinct values (stats first)."""
    out: list[Column] = []
    for col in columns:
        samples = col.samples
        if not samples and _is_text(col.type):
            found = stats.get((schema, table, col.name))
            if found is not None:
                samples = _from_stats(*found)
            elif exact_count is not None and exact_count <= SCAN_MAX_ROWS:
                samples = _scan_samples(conn, schema, table, col.name)
        out.append(Column(col.name, col.type, col.comment, col.nullable, samples) if samples != col.samples else col)
    return out


def _is_text(type_name: str) -> bool:
    return type_name.split("(")[0].strip() in TEXT_TYPES


def _from_stats(n_distinct: float, most_common: list[str] | None) -> tuple[str, ...]:
    """pg_stats lists every value when the column has few (positive n_distinct); else nothing."""
    if not most_common or not 0 < n_distinct <= SAMPLE_MAX_DISTINCT or len(most_common) < n_distinct:
        return ()
    return tuple(str(v)[:SAMPLE_MAX_CHARS] for v in most_common[:SAMPLE_MAX_DISTINCT])


def _scan_samples(conn: Any, schema: str, table: str, column: str) -> tuple[str, ...]:
    """Group a small table's column; more than a dozen distinct values means no samples."""
    col = _quote(column)
    sql = (
        f"SELECT {col}::text FROM {_quote(schema)}.{_quote(table)} WHERE {col} IS NOT NULL "
        f"GROUP BY {col} ORDER BY count(*) DESC, {col} LIMIT {SAMPLE_MAX_DISTINCT + 1}"
    )
    try:
        conn.execute("SAVEPOINT analyst_sample")
        rows = conn.execute(sql).fetchall()
        conn.execute("RELEASE SAVEPOINT analyst_sample")
    except Exception:
        _rollback_to(conn, "analyst_sample")
        return ()
    if len(rows) > SAMPLE_MAX_DISTINCT:
        return ()
    return tuple(str(r[0])[:SAMPLE_MAX_CHARS] for r in rows)


def _rollback_to(conn: Any, savepoint: str) -> None:
    try:
        conn.execute(f"ROLLBACK TO SAVEPOINT {savepoint}")
    except Exception:
        pass
