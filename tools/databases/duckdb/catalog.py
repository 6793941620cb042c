"""What DuckDB's own catalog functions say: tables, views, columns, keys, counts and samples.

Introspection runs once per opened database. Tables (and views, when the data behind them is
small) are counted exactly, and text columns with a dozen distinct values or fewer get those
values as samples, which tell the model how the data spells things. Excluded tables and hidden
columns are dropped before counting and sampling, so their values are never read; views that read
them are dropped too, and so are generated columns computed from a hidden column. User-defined
functions (macros) are listed so the guard can refuse calls that would run the database's own SQL.
"""

from __future__ import annotations

from typing import Any

from tools.catalog import (
    Catalog,
    Column,
    ForeignKey,
    Table,
    column_excluded,
    dependent_views,
    split_columns,
    unmatched_exclusions,
    without_columns,
    without_tables,
)
from tools.catalog.derived import column_notes, hidden_columns, opaque_view_note
from tools.databases.duckdb.view_code import reads_anything

SAMPLE_MAX_DISTINCT = 12
SAMPLE_MAX_ROWS = 2_000_000


def introspect(
    cur: Any,
    exclude_tables: tuple[str, ...],
    scan_views: bool = True,
    exclude_columns: tuple[str, ...] = (),
    own_views: bool = False,
) -> Catalog:
    """Read tables, views, columns, comments, keys, row counts and sample values.

    `own_views`: the views are the ones written over data files (`file_views`), which read their
    file and nothing else, so calling `read_csv` does not make them suspect."""
    tables_raw = cur.execute(
        """
        SELECT schema_name, table_name, comment, estimated_size, 'table' AS kind
        FROM duckdb_tables() WHERE NOT internal AND NOT temporary AND database_name = current_database()
        UNION ALL
        SELECT schema_name, view_name, comment, NULL, 'view'
        FROM duckdb_views() WHERE NOT internal AND NOT temporary AND database_name = current_database()
        ORDER BY 1, 2
        """
    ).fetchall()
    columns_raw = cur.execute(
        """
        SELECT schema_name, table_name, column_name, data_type, comment, is_nullable,
               CASE WHEN is_generated THEN generation_expression END
        FROM duckdb_columns() WHERE NOT internal AND database_name = current_database()
        ORDER BY schema_name, table_name, column_index
        """
    ).fetchall()
    constraints = cur.execute(
        """
        SELECT schema_name, table_name, constraint_type, constraint_column_names,
               referenced_table, referenced_column_names
        FROM duckdb_constraints()
        WHERE constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY')
        """
    ).fetchall()
    by_table: dict[tuple[str, str], list[Column]] = {}
    generated: dict[tuple[str, str, str], frozenset[str] | None] = {}
    for schema, table, name, dtype, comment, nullable, expression in columns_raw:
        by_table.setdefault((schema, table), []).append(Column(name, dtype, comment or None, bool(nullable)))
        if expression is not None:
            generated[(schema, table, name)] = _generated_reads(str(expression))
    also = _shown_by_generated(by_table, generated, exclude_columns)
    pks: dict[tuple[str, str], tuple[str, ...]] = {}
    fks: dict[tuple[str, str], list[ForeignKey]] = {}
    for schema, table, ctype, cols, ref_table, ref_cols in constraints:
        if ctype == "PRIMARY KEY":
            pks[(schema, table)] = tuple(cols)
        elif ref_table:
            fks.setdefault((schema, table), []).append(
                ForeignKey(tuple(cols), f"{schema}.{ref_table}", tuple(ref_cols or ()))
            )
    tables: list[Table] = []
    listed = Catalog("duckdb", tuple(Table(s, n, ()) for s, n, *_ in tables_raw))
    kept = {t.qualified for t in without_tables(listed, exclude_tables).tables}
    user_functions = frozenset(
        str(row[0]).lower()
        for row in cur.execute("SELECT DISTINCT function_name FROM duckdb_functions() WHERE NOT internal").fetchall()
    )
    opaque: list[str] = []
    if exclude_tables or exclude_columns:
        dropped, opaque = _views_over_excluded(
            cur, tables_raw, by_table, kept, exclude_columns, also, user_functions if not own_views else None
        )
        kept -= dropped
    for schema, name, comment, estimated, kind in tables_raw:
        key = (schema, name)
        if f"{schema}.{name}" not in kept:
            continue  # never counted or sampled either
        # Excluded columns go before counting and sampling: their values are never read.
        columns, hidden = split_columns(schema, name, by_table.get(key, []), exclude_columns, also.get(key, ()))
        count = _count_rows(cur, schema, name) if kind == "table" or scan_views else None
        if count is not None and count <= SAMPLE_MAX_ROWS:
            columns = _with_samples(cur, schema, name, columns)
        tables.append(
            Table(
                schema=schema,
                name=name,
                columns=tuple(columns),
                comment=comment or None,
                primary_key=pks.get(key, ()),
                foreign_keys=tuple(fk for fk in fks.get(key, ()) if fk.ref_table in kept),
                row_count=count if count is not None else estimated,
                row_count_estimated=count is None,
                kind=kind,
                hidden_columns=hidden,
            )
        )
    unmatched = unmatched_exclusions(
        ((s, n, [c.name for c in by_table.get((s, n), [])]) for s, n, *_ in tables_raw), exclude_tables, exclude_columns
    )
    shown = {key: [c.name for c in cols] for key, cols in by_table.items() if f"{key[0]}.{key[1]}" in kept}
    notes = column_notes({(s, t, c) for (s, t), names in also.items() for c in names}, generated, shown)
    notes += [opaque_view_note(view) for view in opaque]
    catalog = Catalog(
        dialect="duckdb",
        tables=tuple(tables),
        user_functions=user_functions,
        unmatched_exclusions=unmatched,
        exclusion_notes=tuple(notes),
    )
    return without_columns(catalog, exclude_columns)


def _views_over_excluded(
    cur: Any,
    tables_raw: list[tuple[Any, ...]],
    by_table: dict[tuple[str, str], list[Column]],
    kept: set[str],
    exclude_columns: tuple[str, ...],
    also: dict[tuple[str, str], set[str]],
    user_functions: frozenset[str] | None,
) -> tuple[set[str], list[str]]:
    """Views (as `schema.name`) that read an excluded table or a hidden column, directly or
    through other views: they would show what was excluded under another name. Also, with the
    views that do so, those whose data can come from anywhere but plain table and view references
    (a macro, a table function, `query_table`, `read_csv`, ...; see `reads_anything`): they count as
    reading everything. `user_functions` is None when the views are our own file views. The second
    value lists those (`schema.name`), for a note."""
    import sqlglot
    from sqlglot import exp

    # The guard's own hidden-column rule: a view is judged exactly as a query reading it would be.
    from tools.guard.hidden import hidden_column_problems

    every = {f"{s}.{n}" for s, n, *_ in tables_raw}
    excluded = {q.lower() for q in every - kept}
    hidden: dict[str, Table] = {}
    for (schema, name), columns in by_table.items():
        visible, hidden_names = split_columns(schema, name, columns, exclude_columns, also.get((schema, name), ()))
        if hidden_names:
            hidden[f"{schema}.{name}".lower()] = Table(schema, name, tuple(visible), hidden_columns=hidden_names)
    uses: dict[str, set[str]] = {}
    reads_hidden: set[str] = set()
    opaque: list[str] = []
    rows = cur.execute(
        "SELECT schema_name, view_name, sql FROM duckdb_views() "
        "WHERE NOT internal AND NOT temporary AND database_name = current_database()"
    ).fetchall()
    for schema, name, sql in rows:
        view = f"{schema}.{name}".lower()
        try:
            tree = sqlglot.parse_one(str(sql), read="duckdb")
        except Exception:
            tree = None
        if user_functions is not None and (tree is None or reads_anything(tree, str(sql), user_functions)):
            opaque.append(f"{schema}.{name}")
            uses[view] = set()
            reads_hidden.add(view)
            continue
        if tree is None:
            text = str(sql).lower()
            uses[view] = {q for q in (excluded | set(hidden)) if q.split(".", 1)[1] in text}
            reads_hidden |= {view} if uses[view] & set(hidden) else set()
            continue
        used: set[str] = set()
        for t in tree.find_all(exp.Table):
            if isinstance(t.this, exp.Identifier):  # unqualified: the view's schema or main
                used |= {f"{d}.{t.name}".lower() for d in ((t.db,) if t.db else (schema, "main"))}
        uses[view] = used
        in_scope = [hidden[q] for q in used if q in hidden]
        query = tree.expression if isinstance(tree, exp.Create) else tree
        if in_scope and isinstance(query, exp.Expression) and hidden_column_problems(query, "duckdb", in_scope):
            reads_hidden.add(view)
    dropped = dependent_views(uses, excluded | reads_hidden)
    return {q for q in every if q.lower() in dropped}, opaque


def _generated_reads(expression: str) -> frozenset[str] | None:
    """Every name a generation expression writes (lower case), any part of a dotted one: `info.email`
    reads the column `info`. None when it does not parse, so the column counts as reading anything."""
    import sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(expression, read="duckdb")
    except Exception:
        return None
    return frozenset(part.name.lower() for column in tree.find_all(exp.Column) for part in column.parts)


def _shown_by_generated(
    by_table: dict[tuple[str, str], list[Column]],
    generated: dict[tuple[str, str, str], frozenset[str] | None],
    exclude_columns: tuple[str, ...],
) -> dict[tuple[str, str], set[str]]:
    """Generated columns computed from a hidden column (or from one of those), by table: they
    show its values, so they are hidden with it."""
    if not exclude_columns or not generated:
        return {}
    hidden = {
        (schema, table, col.name)
        for (schema, table), cols in by_table.items()
        for col in cols
        if column_excluded(schema, table, col.name, exclude_columns)
    }
    out: dict[tuple[str, str], set[str]] = {}
    for schema, table, column in hidden_columns(hidden, generated, {}, {}) - hidden:
        out.setdefault((schema, table), set()).add(column)
    return out


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _count_rows(cur: Any, schema: str, table: str) -> int | None:
    try:
        (count,) = cur.execute(f"SELECT count(*) FROM {_quote(schema)}.{_quote(table)}").fetchone()
    except Exception:
        return None
    return int(count)


def _with_samples(cur: Any, schema: str, table: str, columns: list[Column]) -> list[Column]:
    """Attach up to a dozen distinct values to text columns with few distinct values."""
    text_cols = [c for c in columns if c.type.upper().startswith("VARCHAR")]
    if not text_cols:
        return columns
    source = f"{_quote(schema)}.{_quote(table)}"
    probes = ", ".join(f"approx_count_distinct({_quote(c.name)})" for c in text_cols)
    try:
        counts = cur.execute(f"SELECT {probes} FROM {source}").fetchone()
    except Exception:
        return columns
    samples: dict[str, tuple[str, ...]] = {}
    for col, distinct in zip(text_cols, counts):
        if distinct is None or distinct > SAMPLE_MAX_DISTINCT:
            continue
        values = cur.execute(
            f"SELECT {_quote(col.name)} AS v FROM {source} WHERE v IS NOT NULL "
            f"GROUP BY v ORDER BY count(*) DESC, v LIMIT {SAMPLE_MAX_DISTINCT}"
        ).fetchall()
        samples[col.name] = tuple(str(v[0])[:60] for v in values)
    return [Column(c.name, c.type, c.comment, c.nullable, samples.get(c.name, ())) for c in columns]
