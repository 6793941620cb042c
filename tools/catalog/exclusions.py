"""Exclusions: tables and columns the person hid, taken out of a catalog and out of engine text.

A hidden table or column must not reach the model by any route: not in the schema, not as a
sample value, a key, a join hint or a description, and not as a "did you mean" candidate in an
engine's error message. These functions are the one place that knows how a pattern matches.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from tools.catalog.values import Catalog, Column, Table


def without_tables(catalog: Catalog, patterns: tuple[str, ...]) -> Catalog:
    """Drop tables matching any pattern (`name`, `schema.name`, shell wildcards, any case).

    Excluded tables are never retrieved, shown or queryable: the guard's allowlist is this catalog.
    """
    if not patterns:
        return catalog
    from dataclasses import replace

    kept = tuple(t for t in catalog.tables if not table_excluded(t.schema, t.name, patterns))
    return replace(catalog, tables=kept)


def table_excluded(schema: str, name: str, patterns: tuple[str, ...]) -> bool:
    """True when `name` or `schema.name` matches a pattern (shell wildcards, any case)."""
    from fnmatch import fnmatchcase

    names = (name.lower(), f"{schema}.{name}".lower())
    return any(fnmatchcase(n, p.lower()) for p in patterns for n in names)


def unmatched_exclusions(
    relations: Iterable[tuple[str, str, Iterable[str]]],
    exclude_tables: tuple[str, ...],
    exclude_columns: tuple[str, ...],
) -> tuple[tuple[str, str], ...]:
    """The patterns that match no relation or column of the database, as (flag, pattern).

    `relations` is every table and view the database has, before any exclusion, as
    (schema, name, column names): a pattern that matches only inside an excluded table or a view
    left out for reading excluded data still matched something and is not reported.
    """
    listed = [(schema, name, tuple(columns)) for schema, name, columns in relations]
    out: list[tuple[str, str]] = []
    for pattern in dict.fromkeys(exclude_tables):
        if not any(table_excluded(schema, name, (pattern,)) for schema, name, _ in listed):
            out.append(("--exclude-table", pattern))
    for pattern in dict.fromkeys(exclude_columns):
        if not any(column_excluded(schema, name, col, (pattern,)) for schema, name, cols in listed for col in cols):
            out.append(("--exclude-column", pattern))
    return tuple(out)


def exclusion_warnings(catalog: Catalog, where: str) -> list[str]:
    """One line per exclusion pattern that matches nothing in `where` (the database's label),
    then one per table or column left out with an excluded one (`Catalog.exclusion_notes`)."""
    return [
        f"{flag} {pattern!r} matches no {'table' if flag == '--exclude-table' else 'column'} in {where}"
        for flag, pattern in catalog.unmatched_exclusions
    ] + list(catalog.exclusion_notes)


def without_samples(catalog: Catalog) -> Catalog:
    """The same catalog with no sample values: for `--no-data-to-model`, where no cell leaves."""
    from dataclasses import replace

    tables = tuple(replace(t, columns=tuple(replace(c, samples=()) for c in t.columns)) for t in catalog.tables)
    return replace(catalog, tables=tables)


def column_excluded(schema: str, table: str, column: str, patterns: tuple[str, ...]) -> bool:
    """True when `schema.table.column` matches a pattern: `table.column`, `schema.table.column`
    or a bare `column` (any table), shell wildcards, any case."""
    from fnmatch import fnmatchcase

    names = (
        column.lower(),
        f"{table}.{column}".lower(),
        f"{schema}.{table}.{column}".lower(),
    )
    for pattern in patterns:
        lowered = pattern.strip().lower()
        dots = lowered.count(".")
        # A pattern is compared with the name that has as many parts, so `customers.*` hides
        # every column of customers but not a column of main.customers_archive.
        if dots <= 2 and fnmatchcase(names[dots], lowered):
            return True
    return False


def split_columns(
    schema: str,
    table: str,
    columns: list[Column] | tuple[Column, ...],
    patterns: tuple[str, ...],
    also: Collection[str] = (),
) -> tuple[list[Column], tuple[str, ...]]:
    """`columns` without the excluded ones, and the names of those left out (for introspection,
    before any sample value of an excluded column is read). `also` names columns hidden because
    they show a hidden one (`tools.catalog.derived`), whatever the patterns say."""
    kept: list[Column] = []
    hidden: list[str] = []
    for col in columns:
        if col.name in also or (patterns and column_excluded(schema, table, col.name, patterns)):
            hidden.append(col.name)
        else:
            kept.append(col)
    return kept, tuple(hidden)


def without_columns(catalog: Catalog, patterns: tuple[str, ...]) -> Catalog:
    """Drop columns matching any pattern (see `column_excluded`) and record them as hidden.

    Hidden columns are never retrieved, shown or queryable: their samples go with them, and keys,
    foreign keys and join hints that mention them are dropped too, so no prompt names them.
    """
    from dataclasses import replace

    if not patterns and not any(t.hidden_columns for t in catalog.tables):
        return catalog
    tables: list[Table] = []
    hidden_by_table: dict[str, set[str]] = {}
    for table in catalog.tables:
        kept, hidden_here = split_columns(table.schema, table.name, table.columns, patterns)
        all_hidden = tuple(dict.fromkeys(table.hidden_columns + hidden_here))
        hidden_by_table[table.qualified.lower()] = {c.lower() for c in all_hidden}
        tables.append(replace(table, columns=tuple(kept), hidden_columns=all_hidden))

    def hidden(qualified_table: str, column: str) -> bool:
        return column.lower() in hidden_by_table.get(qualified_table.lower(), set())

    def hint_hidden(qualified_column: str) -> bool:
        table_part, _, column = qualified_column.rpartition(".")
        return hidden(table_part, column)

    cleaned: list[Table] = []
    for table in tables:
        if not table.hidden_columns:
            cleaned.append(table)
            continue
        pk = table.primary_key if not any(hidden(table.qualified, c) for c in table.primary_key) else ()
        fks = tuple(
            fk
            for fk in table.foreign_keys
            if not any(hidden(table.qualified, c) for c in fk.columns)
            and not any(hidden(fk.ref_table, c) for c in fk.ref_columns)
        )
        cleaned.append(replace(table, primary_key=pk, foreign_keys=fks))
    # Foreign keys of other tables may point at a hidden column.
    cleaned = [
        replace(
            t,
            foreign_keys=tuple(fk for fk in t.foreign_keys if not any(hidden(fk.ref_table, c) for c in fk.ref_columns)),
        )
        if t.foreign_keys
        else t
        for t in cleaned
    ]
    context = replace(
        catalog.context,
        join_hints=tuple(h for h in catalog.context.join_hints if not (hint_hidden(h.left) or hint_hidden(h.right))),
        column_descriptions={
            key: text
            for key, text in catalog.context.column_descriptions.items()
            if not _describes_hidden(key, tables, patterns)
        },
    )
    return replace(catalog, tables=tuple(cleaned), context=context)


def _describes_hidden(key: str, tables: list[Table], patterns: tuple[str, ...]) -> bool:
    """A context description `table.column` / `schema.table.column` of a hidden column."""
    table_part, _, column = key.lower().rpartition(".")
    for table in tables:
        if table_part in (table.name.lower(), table.qualified.lower()) and column in {
            c.lower() for c in table.hidden_columns
        }:
            return True
    schema, _, table_name = table_part.rpartition(".")
    return bool(table_name) and column_excluded(schema, table_name, column, patterns)


def hidden_column_names(catalog: Catalog | None) -> frozenset[str]:
    """Lower-cased names of every hidden column in the catalog (for scrubbing engine messages)."""
    if catalog is None:
        return frozenset()
    return frozenset(c.lower() for t in catalog.tables for c in t.hidden_columns)


def scrub_hidden(text: str, hidden: frozenset[str] | set[str], written: str = "") -> str:
    """Engine message text without hidden column names: DuckDB lists "Candidate bindings" and
    PostgreSQL hints "Perhaps you meant ..." when a name does not bind. Hidden candidates and such
    hints are dropped (so nothing hints that a column is missing), any other mention is masked -
    except a word the query itself wrote (`written`, its SQL): masking the query's own
    `CAST('email' AS INTEGER)` as '<hidden>' would confirm that a hidden column has that name."""
    import re

    if not hidden:
        return text
    word = re.compile(
        r"(?<![A-Za-z0-9_$])("
        + "|".join(re.escape(h) for h in sorted(hidden, key=len, reverse=True))
        + r")(?![A-Za-z0-9_$])",
        re.IGNORECASE,
    )

    def candidates(match: re.Match[str]) -> str:
        kept = [item for item in re.findall(r'"[^"]*"', match.group(2)) if not word.search(item)]
        return match.group(1) + ", ".join(kept) if kept else ""

    text = re.sub(r"(Candidate bindings:[ :]*)([^\n]*)", candidates, text)
    text = re.sub(r" ?\(hint: [^)]*\)", lambda m: "" if word.search(m.group(0)) else m.group(0), text)
    text = re.sub(r"(?im)^\s*(HINT|DETAIL):.*$", lambda m: "" if word.search(m.group(0)) else m.group(0), text)
    own = {m.group(1).lower() for m in word.finditer(written)}
    return word.sub(lambda m: m.group(0) if m.group(1).lower() in own else "<hidden>", text)


def dependent_views(uses: dict[str, set[str]], excluded: set[str]) -> set[str]:
    """Views that read an excluded relation, directly or through other views.

    `uses` maps each view (`schema.name`, lower case) to the relations it reads; `excluded` holds
    excluded relations and views that read a hidden column. A view over an excluded table is
    the excluded table in disguise, so it is left out too.
    """
    out: set[str] = set()
    changed = True
    while changed:
        changed = False
        for view, used in uses.items():
            if view not in out and (view in excluded or used & (excluded | out)):
                out.add(view)
                changed = True
    return out
