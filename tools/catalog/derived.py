"""Data that shows excluded data under another name: generated columns and table inheritance.

A generated column computed from a hidden column (`upper(ssn)`) shows its values, so it is hidden
too, and so is one computed from that one. On PostgreSQL a parent table (inheritance or declarative
partitioning) returns its children's rows: excluding a child or partition excludes every ancestor,
and excluding a table excludes its descendants, whose rows are part of what it returns. A hidden
column goes the same way up and down the tree. Sibling tables share no rows, so they stay.

Relations are `(schema, name)` pairs and columns `(schema, table, column)` triples, exactly as
the engine spells them; a column name is compared without case, which can only hide more.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

Relation = tuple[str, str]
ColumnKey = tuple[str, str, str]

# A generated column and the columns of its own table its expression reads, or None when the
# expression could not be read (then any hidden column of the table hides it).
Generated = Mapping[ColumnKey, frozenset[str] | None]


def _closure(start: Iterable[Relation], edges: Mapping[Relation, set[Relation]]) -> set[Relation]:
    """Every relation reachable from `start` along `edges`, `start` included."""
    seen = set(start)
    stack = list(seen)
    while stack:
        for nxt in edges.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _children_of(parents: Mapping[Relation, set[Relation]]) -> dict[Relation, set[Relation]]:
    children: dict[Relation, set[Relation]] = {}
    for child, ups in parents.items():
        for parent in ups:
            children.setdefault(parent, set()).add(child)
    return children


def excluded_relations(matched: Iterable[Relation], parents: Mapping[Relation, set[Relation]]) -> set[Relation]:
    """The relations a set of excluded ones takes with it: their descendants (whose rows they
    return), then every ancestor of those (which return theirs). `parents` maps a child to its
    direct parents."""
    down = _closure(matched, _children_of(parents))
    return _closure(down, parents)


def hidden_columns(
    hidden: Iterable[ColumnKey],
    generated: Generated,
    parents: Mapping[Relation, set[Relation]],
    columns_of: Mapping[Relation, Iterable[str]],
) -> set[ColumnKey]:
    """`hidden` with every column that shows one of them: the same column in the descendants of
    its table (their values are part of it) and then in every ancestor of those (which return
    them), and generated columns reading a hidden column of their table (transitively) with the
    same column in their ancestors.

    `columns_of` lists each relation's column names (for the inheritance tree, partitions too).
    """
    names = {rel: {c.lower(): c for c in cols} for rel, cols in columns_of.items()}
    children = _children_of(parents)

    def spread(keys: Iterable[ColumnKey], start: set[ColumnKey], down: bool) -> set[ColumnKey]:
        out = set(start)
        for schema, table, column in keys:
            tables = {(schema, table)}
            if down:
                tables = _closure(tables, children)
            for rel in _closure(tables, parents):
                spelled = names.get(rel, {}).get(column.lower(), column if rel == (schema, table) else None)
                if spelled is not None:
                    out.add((rel[0], rel[1], spelled))
        return out

    out = spread(hidden, set(hidden), down=True)
    while True:
        by_table: dict[Relation, set[str]] = {}
        for schema, table, column in out:
            by_table.setdefault((schema, table), set()).add(column.lower())
        new = {
            key
            for key, reads in generated.items()
            if key not in out
            and by_table.get(key[:2])
            and (reads is None or {r.lower() for r in reads} & by_table[(key[0], key[1])])
        }
        if not new:
            return out
        out = spread(new, out | new, down=False)


def relation_notes(
    matched: set[Relation], excluded: set[Relation], parents: Mapping[Relation, set[Relation]], listed: set[Relation]
) -> list[str]:
    """Why each listed relation that no pattern named is excluded, one line each."""
    children = _children_of(parents)
    notes: list[str] = []
    for rel in sorted((excluded - matched) & listed):
        above = sorted((_closure([rel], parents) - {rel}) & matched)
        below = sorted((_closure([rel], children) - {rel}) & excluded)
        if above:
            why = f"its rows are part of the excluded {'.'.join(above[0])}"
        else:
            source = next((r for r in below if r in matched), below[0] if below else rel)
            why = f"a query on it returns rows of the excluded {'.'.join(source)}"
        notes.append(f"{'.'.join(rel)} is left out too: {why} (table inheritance or partitioning)")
    return notes


def column_notes(derived: set[ColumnKey], generated: Generated, listed: Mapping[Relation, Iterable[str]]) -> list[str]:
    """One line per column hidden only because it shows a hidden one, in a listed relation."""
    notes: list[str] = []
    for key in sorted(derived):
        if key[2] not in set(listed.get((key[0], key[1]), ())):
            continue
        why = (
            "it is a generated column computed from a hidden column"
            if key in generated
            else "it holds the values of the same column of a parent or child table, which is hidden"
        )
        notes.append(f"{'.'.join(key)} is hidden too: {why}")
    return notes


def opaque_view_note(view: str) -> str:
    """The line for a view left out because its data can come from anywhere (a macro, a function,
    SQL in a string): with anything excluded, it counts as reading the excluded data."""
    return f"{view} is left out too: it calls a function or macro, so it could read the excluded data"
