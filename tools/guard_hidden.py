"""The guard's check for hidden (`--exclude-column`) columns: no query may read one, by any route.

A hidden column is left out of the catalog the model sees, but the engine still has it, so a query
could read it without naming it (`*`, the whole row as a value, positional references, NATURAL
JOIN ...). Refusals never name a hidden column the query did not write itself, and a written one
gets the same text as a column that does not exist, so a refusal confirms nothing. Problems come
back as `(code, message)` pairs, like the other catalog checks in `tools.guard_schema`.
"""

from __future__ import annotations

from sqlglot import exp

from tools.catalog import Catalog, Table
from tools.guard_schema import ProblemSpec, fold, unknown_column_message


def _pg_key(name: str) -> str:
    """PostgreSQL's comparison key for a column name: folded, and cut to the 63 bytes the server
    keeps of an identifier (a longer name written in a query means its first 63 bytes)."""
    return fold(name).encode("utf-8")[:63].decode("utf-8", errors="ignore")


def hidden_column_problems(
    tree: exp.Expression, catalog: Catalog, dialect: str, in_scope: list[Table]
) -> list[ProblemSpec]:
    """Refuse every way a query could read a hidden (`--exclude-column`) column.

    By name anywhere (select list, WHERE, ORDER BY, USING, `(c).col`, struct fields), and without
    naming it: `*`, `t.*`, `COLUMNS(...)` and `* EXCLUDE` over a table that has hidden columns, the
    whole row as a value (`SELECT c FROM customers c`, `to_json(c)`, `row_to_json(c)`), positional
    references (`#5`), column aliases that rename by position (`customers AS c(a, b, c3)`),
    NATURAL JOIN, and PIVOT/UNPIVOT straight over such a table (they group by every column).
    Messages never name a hidden column the query did not write itself.
    """
    hidden_tables = [t for t in in_scope if t.hidden_columns]
    if not hidden_tables:
        return []
    key = _pg_key if dialect == "postgres" else fold
    hidden_names = {key(c) for t in hidden_tables for c in t.hidden_columns}
    visible_names = {key(c.name) for t in in_scope for c in t.columns}
    # Compared without case in both dialects (and CTE shadowing ignored): a false match only
    # refuses more. Row names: what a hidden table's row can be referred to by, its name and
    # aliases, each with the hidden columns behind it.
    hidden_by_table = {key(t.name): {key(c) for c in t.hidden_columns} for t in hidden_tables}
    row_names: dict[str, set[str]] = {}
    hidden_refs: list[exp.Table] = []
    for table in tree.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier) or key(table.name) not in hidden_by_table:
            continue
        hidden_refs.append(table)
        for row in (table.name, table.alias):
            if row:
                row_names.setdefault(key(row), set()).update(hidden_by_table[key(table.name)])

    for node in tree.walk():
        if not isinstance(node, exp.Identifier) or key(node.name) not in hidden_names:
            continue
        parent = node.parent
        if (isinstance(parent, exp.Alias) and node.arg_key == "alias") or (
            isinstance(parent, exp.TableAlias) and node.arg_key == "this"
        ):
            continue  # an output or alias name the query defines, not a read
        if isinstance(parent, exp.Column) and node.arg_key == "this" and parent.table:
            if key(node.name) not in row_names.get(key(parent.table), set()):
                continue  # `s.email` of a table or subquery that shows it; qualify checks it
        return [("unknown_column", _hidden_name_message(node, in_scope))]

    reasons: dict[str, None] = {}
    for node in tree.walk():
        if isinstance(node, exp.Star) and not (
            isinstance(node.parent, (exp.Count, exp.Columns)) and node.arg_key == "this"
        ):
            column = node.parent if isinstance(node.parent, exp.Column) else None
            qualifier = key(column.table) if column is not None and column.table else None
            if qualifier is not None:
                if qualifier in row_names:
                    reasons["`t.*`"] = None
            elif _star_sees_hidden(node, hidden_refs):
                reasons["`*`"] = None
        elif isinstance(node, exp.Columns) and _star_sees_hidden(node, hidden_refs):
            reasons["COLUMNS(...)"] = None
        elif isinstance(node, exp.PositionalColumn):
            reasons["positional references such as #2"] = None
        elif isinstance(node, exp.Column) and not isinstance(node.this, exp.Star):
            name = key(node.name)
            if name in row_names and name not in visible_names:
                reasons[f"the whole row as a value ({node.name})"] = None
        elif isinstance(node, exp.Join) and "NATURAL" in str(node.args.get("method") or "").upper():
            reasons["NATURAL JOIN"] = None
    for table in hidden_refs:
        alias = table.args.get("alias")
        if isinstance(alias, exp.TableAlias) and alias.columns:
            reasons["column aliases after the table alias (they rename columns by position)"] = None
        if table.args.get("pivots"):
            reasons["PIVOT or UNPIVOT straight over the table"] = None
    if not reasons:
        return []
    names = ", ".join(dict.fromkeys(t.name for t in hidden_tables))
    example = hidden_tables[0]
    listed = ", ".join(c.name for c in example.columns[:6])
    return [(
        "hidden_columns",
        f"{names} has columns the analyst may not read, so the query may not use "
        f"{', '.join(reasons)} with it. List the columns you need explicitly, e.g. "
        f"SELECT {listed} FROM {example.name}.",
    )]


def _hidden_name_message(node: exp.Identifier, in_scope: list[Table]) -> str:
    """The refusal for a written hidden column name: as if the column did not exist there."""
    name = node.name
    holders = [t.name for t in in_scope if t.column(name) is not None]
    if isinstance(node.parent, exp.Join):
        return (
            f"Column {name} is not in every table of this join; write the join condition with ON "
            "and table aliases instead of USING."
        )
    if holders:
        return (
            f"Column {name} does not exist in every table here; qualify it with the alias of the "
            f"table it belongs to ({', '.join(dict.fromkeys(holders))})."
        )
    return unknown_column_message(name, in_scope)


def _star_sees_hidden(node: exp.Expression, hidden_refs: list[exp.Table]) -> bool:
    """Whether an unqualified `*` (or COLUMNS) expands over a hidden table: true when one of the
    tables in the FROM/JOIN clause of its own SELECT (not inside a nested query) is hidden."""
    select = node.find_ancestor(exp.Select)
    if select is None:
        return bool(hidden_refs)
    sources: list[exp.Expression] = []
    from_ = select.args.get("from_") or select.args.get("from")
    if from_ is not None:
        sources.append(from_)
    sources.extend(select.args.get("joins") or [])
    ids = {id(t) for t in hidden_refs}
    for source in sources:
        for child in source.walk(prune=lambda n: isinstance(n, exp.Select)):
            if isinstance(child, exp.Table) and id(child) in ids:
                return True
    return False
