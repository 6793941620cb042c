"""What PostgreSQL's `--exclude-table` and `--exclude-column` take out, read from its system catalogs.

A pattern names tables and columns; the data they hold also shows elsewhere: through a parent
table (inheritance and declarative partitioning return the children's rows), a generated column
computed from a hidden one, and views over any of these. The rules are in
`tools.catalog.derived`; this module reads what they need, for every relation in a user schema,
partitions and tables the role may not read included: a parent returns its children's rows
whatever their grants.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tools.catalog import column_excluded, dependent_views, table_excluded
from tools.catalog.derived import column_notes, excluded_relations, hidden_columns, relation_notes

# Schemas named pg_* are reserved for the system (pg_catalog, pg_toast, pg_temp_N, ...).
USER_SCHEMA = "n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'"

# What each view reads, per column (refobjsubid = attnum; 0 for a whole-row reference).
_VIEW_USES_SQL = """
SELECT DISTINCT vn.nspname::text, v.relname::text, tn.nspname::text, t.relname::text, a.attname::text,
       d.refobjsubid
FROM pg_catalog.pg_rewrite r
JOIN pg_catalog.pg_class v ON v.oid = r.ev_class
JOIN pg_catalog.pg_namespace vn ON vn.oid = v.relnamespace
JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass AND d.objid = r.oid
     AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refobjid <> v.oid
JOIN pg_catalog.pg_class t ON t.oid = d.refobjid
JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid AND d.refobjsubid > 0
WHERE v.relkind IN ('v', 'm')
"""


@dataclass(frozen=True)
class _Exclusions:
    """What the patterns exclude once inheritance and generated columns are followed."""

    listed: set[tuple[str, str]]  # the relations the role may read and sees
    every: dict[tuple[str, str], list[str]]  # every user relation's columns, partitions too
    relations: set[tuple[str, str]]
    columns: set[tuple[str, str, str]]
    by_table: dict[tuple[str, str], set[str]]  # `columns` by relation
    notes: tuple[str, ...]


def exclusions(
    conn: Any, listed: set[tuple[str, str]], exclude_tables: tuple[str, ...], exclude_columns: tuple[str, ...]
) -> _Exclusions:
    """Excluded relations and hidden columns. Every relation and column counts, partitions and
    those the role may not read too: a parent returns its children's rows whatever their grants."""
    parents: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for child_schema, child, parent_schema, parent in conn.execute(_INHERITS_SQL).fetchall():
        parents.setdefault((child_schema, child), set()).add((parent_schema, parent))
    every, generated = _every_column(conn.execute(_EVERY_COLUMN_SQL).fetchall())
    matched = {rel for rel in every.keys() | listed if exclude_tables and table_excluded(*rel, exclude_tables)}
    excluded = excluded_relations(matched, parents)
    named = {(s, t, c) for (s, t), cols in every.items() for c in cols if column_excluded(s, t, c, exclude_columns)}
    hidden = hidden_columns(named, generated, parents, every)
    by_table: dict[tuple[str, str], set[str]] = {}
    for schema, table, column in hidden:
        by_table.setdefault((schema, table), set()).add(column)
    visible = {rel: cols for rel, cols in every.items() if rel in listed and rel not in excluded}
    notes = relation_notes(matched, excluded, parents, listed) + column_notes(hidden - named, generated, visible)
    return _Exclusions(listed, every, excluded, hidden, by_table, tuple(notes))


def views_over_excluded(
    conn: Any, excluded_relations: set[tuple[str, str]], hidden: set[tuple[str, str, str]]
) -> tuple[set[str], list[str]]:
    """Views (as `schema.name`) that read an excluded relation or a hidden column (or the whole
    row of a table with one), directly or through other views: the excluded data under another name.

    A view that calls database-defined code (a function, an operator or a cast in a user schema)
    or a built-in that runs SQL in a string (`query_to_xml`) counts as reading everything: its
    data can come from anywhere. The second value lists those views, for a note."""
    uses: dict[str, set[str]] = {}
    excluded = {f"{s}.{n}".lower() for s, n in excluded_relations}
    opaque = sorted(f"{s}.{n}" for s, n in conn.execute(_VIEWS_CALLING_CODE_SQL).fetchall())
    excluded |= {v.lower() for v in opaque}
    with_hidden = {(s, t) for s, t, _ in hidden}
    shown: dict[str, str] = {}
    for vschema, vname, tschema, tname, column, subid in conn.execute(_VIEW_USES_SQL).fetchall():
        view, table = f"{vschema}.{vname}".lower(), f"{tschema}.{tname}".lower()
        shown[view] = f"{vschema}.{vname}"
        uses.setdefault(view, set()).add(table)
        if (column is not None and (tschema, tname, column) in hidden) or (
            subid == 0 and (tschema, tname) in with_hidden
        ):
            excluded.add(view)
    for view in opaque:
        shown[view.lower()] = view
        uses.setdefault(view.lower(), set())
    return {shown[v] for v in dependent_views(uses, excluded) if v in shown}, opaque


# Views calling code the database defines: pg_depend records every function and operator that is
# not built in (built-ins are pinned and never recorded), casts through their function. Built-ins
# that run SQL or read outside the tables are found in the stored rule's tree by their oid.
_VIEWS_CALLING_CODE_SQL = """
SELECT vn.nspname::text, v.relname::text FROM pg_catalog.pg_rewrite r
JOIN pg_catalog.pg_class v ON v.oid = r.ev_class
JOIN pg_catalog.pg_namespace vn ON vn.oid = v.relnamespace
WHERE v.relkind IN ('v', 'm') AND (
    EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
            WHERE d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass AND d.objid = r.oid
              AND d.refclassid IN ('pg_catalog.pg_proc'::pg_catalog.regclass,
                                   'pg_catalog.pg_operator'::pg_catalog.regclass))
    OR EXISTS (SELECT 1 FROM pg_catalog.regexp_matches(r.ev_action::text,
                             ':(?:funcid|aggfnoid|winfnoid) (\\d+)', 'g') m
               JOIN pg_catalog.pg_proc p ON p.oid = m[1]::oid
               WHERE p.proname ~ '_to_xml|^ts_stat$|^pg_read_|^pg_ls_|^pg_stat_file$|^lo_|^dblink|^currtid'))
"""


# Inheritance and partitioning: a parent's scan returns its children's rows.
_INHERITS_SQL = """
SELECT cn.nspname::text, c.relname::text, pn.nspname::text, p.relname::text
FROM pg_catalog.pg_inherits i
JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
JOIN pg_catalog.pg_namespace cn ON cn.oid = c.relnamespace
JOIN pg_catalog.pg_class p ON p.oid = i.inhparent
JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace
WHERE c.relkind IN ('r', 'p', 'f') AND p.relkind IN ('r', 'p', 'f')
"""

# Every column of every user relation, whatever the role may read (a parent shows what its
# children hold), and for a generated column the columns of its table its expression reads.
_EVERY_COLUMN_SQL = f"""
SELECT n.nspname::text, c.relname::text, a.attname::text, a.attgenerated <> '',
       CASE WHEN a.attgenerated <> '' THEN ARRAY(
           SELECT ra.attname::text FROM pg_catalog.pg_attrdef ad
           JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_attrdef'::pg_catalog.regclass
                AND d.objid = ad.oid AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
                AND d.refobjid = ad.adrelid AND d.refobjsubid <> ad.adnum
           JOIN pg_catalog.pg_attribute ra ON ra.attrelid = ad.adrelid AND ra.attnum = d.refobjsubid
           WHERE ad.adrelid = c.oid AND ad.adnum = a.attnum) END
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND {USER_SCHEMA} AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY 1, 2, a.attnum
"""


def _every_column(
    rows: list[tuple[Any, ...]],
) -> tuple[dict[tuple[str, str], list[str]], dict[tuple[str, str, str], frozenset[str] | None]]:
    """Column names by relation, and each generated column with the columns it reads."""
    every: dict[tuple[str, str], list[str]] = {}
    generated: dict[tuple[str, str, str], frozenset[str] | None] = {}
    for schema, table, column, is_generated, reads in rows:
        every.setdefault((schema, table), []).append(column)
        if is_generated:
            generated[(schema, table, column)] = frozenset(reads or ())
    return every, generated
