"""What `--exclude-table` and `--exclude-column` take out of a MySQL database, read from
information_schema.

MySQL has no table inheritance, so the data of an excluded table or a hidden column shows
elsewhere only through a generated column computed from a hidden one and through views. A view's
stored text names every table and column it reads (the server writes it qualified and without
`*`), so a view counts as reading whatever its text names: a word match can only leave out more.
A view whose text the account may not read (no SHOW VIEW) or that calls a stored function counts
as reading everything while anything is excluded, like PostgreSQL's opaque views.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tools.catalog import column_excluded, dependent_views, table_excluded
from tools.catalog.derived import column_notes, hidden_columns


@dataclass(frozen=True)
class Exclusions:
    """Excluded relations, hidden columns (`(schema, table, column)`) and why some were added."""

    relations: set[tuple[str, str]]
    columns: set[tuple[str, str, str]]
    by_table: dict[tuple[str, str], set[str]]
    opaque_views: list[str]
    notes: tuple[str, ...]


def words(text: str) -> set[str] | None:
    """The lower-cased identifiers and keywords of a stored SQL text (MySQL tokens), or None
    when it does not tokenize (then it counts as reading anything)."""
    import sqlglot
    from sqlglot.errors import SqlglotError
    from sqlglot.tokenizer_core import TokenType

    try:
        tokens = sqlglot.Dialect.get_or_raise("mysql").tokenize(text)
    except SqlglotError:
        return None
    return {t.text.lower() for t in tokens if t.token_type not in (TokenType.STRING, TokenType.NUMBER)}


def find_exclusions(
    schema: str,
    columns: Mapping[str, list[str]],
    generated: Mapping[str, str],
    views: Mapping[str, str | None],
    routines: frozenset[str],
    exclude_tables: tuple[str, ...],
    exclude_columns: tuple[str, ...],
) -> Exclusions:
    """`columns`: each relation's column names; `generated`: `table.column` -> its expression;
    `views`: each view's stored text (None when the account may not read it)."""
    matched = {(schema, t) for t in columns if exclude_tables and table_excluded(schema, t, exclude_tables)}
    named = {
        (schema, t, c) for t, cols in columns.items() for c in cols if column_excluded(schema, t, c, exclude_columns)
    }
    reads: dict[tuple[str, str, str], frozenset[str] | None] = {}
    for key, expr in generated.items():
        table, column = key.split(".", 1)
        reads[(schema, table, column)] = _reads(columns.get(table, []), expr)
    hidden = hidden_columns(named, reads, {}, {(schema, t): cols for t, cols in columns.items()})
    opaque: list[str] = []
    excluded_views: set[str] = set()
    if exclude_tables or exclude_columns:
        patterns = (exclude_tables, exclude_columns)
        excluded_views, opaque = _views_over(schema, views, routines, {t for _, t in matched}, hidden, patterns)
    relations = matched | {(schema, v) for v in excluded_views}
    by_table: dict[tuple[str, str], set[str]] = {}
    for s, t, c in hidden:
        by_table.setdefault((s, t), set()).add(c)
    visible = {(schema, t): cols for t, cols in columns.items() if (schema, t) not in relations}
    notes = column_notes(hidden - named, reads, visible) + [
        f"{schema}.{v} is left out too: it reads excluded data"
        for v in sorted(excluded_views - set(opaque))
        if (schema, v) not in matched
    ]
    return Exclusions(relations, hidden, by_table, opaque, tuple(notes))


def _reads(columns: list[str], expression: str) -> frozenset[str] | None:
    """The columns a generated column's expression names; None (reads anything) if unreadable."""
    said = words(expression)
    return None if said is None else frozenset(c for c in columns if c.lower() in said)


def _views_over(
    schema: str,
    views: Mapping[str, str | None],
    routines: frozenset[str],
    excluded_tables: set[str],
    hidden: set[tuple[str, str, str]],
    patterns: tuple[tuple[str, ...], tuple[str, ...]],
) -> tuple[set[str], list[str]]:
    """Views that name an excluded table or a hidden column (directly or through other views),
    and those that count as reading everything (opaque). A view is also matched against the
    patterns themselves: with SQL SECURITY DEFINER it may read a table the account cannot see,
    which information_schema therefore never listed."""
    hidden_names = {c.lower() for _, _, c in hidden}
    excluded = {t.lower() for t in excluded_tables}
    opaque: list[str] = []
    uses: dict[str, set[str]] = {}
    for view, text in views.items():
        said = words(text) if text else None
        if said is None or said & routines:
            said = said or set()
            opaque.append(view)
            excluded.add(view.lower())
        if said & hidden_names or _names_a_pattern(schema, said, *patterns):
            excluded.add(view.lower())
        uses[view.lower()] = {w for w in said if w in {n.lower() for n in views} | excluded}
    dropped = dependent_views(uses, excluded)
    return {v for v in views if v.lower() in dropped}, sorted(opaque)


def _names_a_pattern(schema: str, said: set[str], tables: tuple[str, ...], columns: tuple[str, ...]) -> bool:
    """Whether a view's words name what a pattern excludes: a table, or a column together with
    its table (a bare column pattern: the column alone)."""
    from fnmatch import fnmatchcase

    if any(table_excluded(schema, word, tables) for word in said):
        return True
    for pattern in columns:
        parts = pattern.strip().lower().split(".")
        if not any(fnmatchcase(word, parts[-1]) for word in said):
            continue
        if len(parts) == 1 or any(fnmatchcase(word, parts[-2]) for word in said):
            return True
    return False
