"""The hidden-column rule: no query may read a hidden (`--exclude-column`) column, by any route.

A hidden column is left out of the catalog the model sees, but the engine still has it, so a query
could read it without naming it (`*`, the whole row as a value, positional references, NATURAL
JOIN ...). Refusals never name a hidden column the query did not write itself, and a written one
gets the same text as a column that does not exist, so a refusal confirms nothing.

The DuckDB catalog asks `hidden_column_problems` which views read a hidden column (a view that does
is dropped, judged exactly as a query would be): the one rule the database layer imports, so this
module imports no other rule, only `binding`, the leaves and the `Query` type.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlglot import exp

from tools.catalog import Table
from tools.guard.binding import bound_to_visible, pg_key, row_name_is_a_column
from tools.guard.names import fold, unknown_column_message
from tools.guard.problems import Problem
from tools.guard.query import Query


def hidden_columns(query: Query) -> list[Problem]:
    """The rule: judged against the catalog tables the query reads (none without a catalog)."""
    if query.catalog is None:
        return []
    return hidden_column_problems(query.tree, query.dialect, query.in_scope)


@dataclass(frozen=True)
class _Hidden:
    """What the query's hidden tables make unreadable, by the engine's comparison keys.

    Compared without case in both dialects (and CTE shadowing ignored): a false match only
    refuses more. Row names: what a hidden table's row can be referred to by, its name and
    aliases, each with the hidden columns behind it."""

    key: Callable[[str], str]
    names: set[str]  # hidden column names
    visible_names: set[str]  # every shown column name of the tables in scope
    by_table: dict[str, set[str]]  # hidden table name -> its hidden column names
    row_names: dict[str, set[str]]  # row name -> hidden column names behind it
    refs: list[exp.Table]  # the query's references to hidden tables

    @classmethod
    def of(cls, tree: exp.Expression, dialect: str, in_scope: list[Table], hidden_tables: list[Table]) -> _Hidden:
        key = pg_key if dialect == "postgres" else fold
        by_table = {key(t.name): {key(c) for c in t.hidden_columns} for t in hidden_tables}
        row_names: dict[str, set[str]] = {}
        refs: list[exp.Table] = []
        for table in tree.find_all(exp.Table):
            if not isinstance(table.this, exp.Identifier) or key(table.name) not in by_table:
                continue
            refs.append(table)
            for row in (table.name, table.alias):
                if row:
                    row_names.setdefault(key(row), set()).update(by_table[key(table.name)])
        return cls(
            key,
            {key(c) for t in hidden_tables for c in t.hidden_columns},
            {key(c.name) for t in in_scope for c in t.columns},
            by_table,
            row_names,
            refs,
        )


def hidden_column_problems(tree: exp.Expression, dialect: str, in_scope: list[Table]) -> list[Problem]:
    """Refuse every way a query could read a hidden (`--exclude-column`) column of the tables in
    scope.

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
    hidden = _Hidden.of(tree, dialect, in_scope, hidden_tables)
    written = _written_hidden_name(tree, hidden, dialect)
    if written is not None:
        return [Problem("unknown_column", _hidden_name_message(written, in_scope))]
    reasons: dict[str, None] = {}
    for node in tree.walk():
        reason = _unnamed_read(node, hidden, in_scope, dialect)
        if reason is not None:
            reasons[reason] = None
    for table in hidden.refs:
        alias = table.args.get("alias")
        if isinstance(alias, exp.TableAlias) and alias.columns:
            reasons["column aliases after the table alias (they rename columns by position)"] = None
        if table.args.get("pivots") or isinstance(table.parent, exp.Pivot):
            reasons["PIVOT or UNPIVOT straight over the table"] = None
    if not reasons:
        return []
    names = ", ".join(dict.fromkeys(t.name for t in hidden_tables))
    example = hidden_tables[0]
    listed = ", ".join(c.name for c in example.columns[:6])
    return [
        Problem(
            "hidden_columns",
            f"{names} has columns the analyst may not read, so the query may not use "
            f"{', '.join(reasons)} with it. List the columns you need explicitly, e.g. "
            f"SELECT {listed} FROM {example.name}.",
        )
    ]


def _written_hidden_name(tree: exp.Expression, hidden: _Hidden, dialect: str) -> exp.Identifier | None:
    """The first place the query writes a hidden column's name as a read of it, if any."""
    key = hidden.key
    for node in tree.walk():
        if not isinstance(node, exp.Identifier) or key(node.name) not in hidden.names:
            continue
        parent = node.parent
        if (isinstance(parent, exp.Alias) and node.arg_key == "alias") or isinstance(parent, exp.TableAlias):
            # an output or alias name the query defines (`AS email`, `t(email)`), not a read;
            # column aliases renaming a hidden table's columns are refused as an unnamed read
            continue
        if isinstance(parent, exp.Column) and node.arg_key == "this":
            if parent.table:
                if key(node.name) not in hidden.row_names.get(key(parent.table), set()):
                    continue  # `s.email` of a table or subquery that shows it; qualify checks it
            elif bound_to_visible(parent, node, hidden.by_table, dialect):
                continue  # `email` of a CTE or subquery in its own FROM that defines `email`
        return node
    return None


def _unnamed_read(node: exp.Expr, hidden: _Hidden, in_scope: list[Table], dialect: str) -> str | None:
    """How `node` would read a hidden column without naming it, said for the refusal; or None."""
    key = hidden.key
    if isinstance(node, exp.Star) and not (
        isinstance(node.parent, (exp.Count, exp.Columns)) and node.arg_key == "this"
    ):
        column = node.parent if isinstance(node.parent, exp.Column) else None
        qualifier = key(column.table) if column is not None and column.table else None
        if qualifier is not None:
            return "`t.*`" if qualifier in hidden.row_names else None
        return "`*`" if _star_sees_hidden(node, hidden.refs) else None
    if isinstance(node, exp.Columns):
        return "COLUMNS(...)" if _star_sees_hidden(node, hidden.refs) else None
    if isinstance(node, exp.PositionalColumn):
        return "positional references such as #2"
    if isinstance(node, exp.Column) and not isinstance(node.this, exp.Star):
        if _field_of_row(node, hidden):
            return None
        name = key(node.name)
        if name in hidden.row_names and (
            not row_name_is_a_column(node, in_scope, dialect) if not node.table else name not in hidden.visible_names
        ):
            return f"the whole row as a value ({node.name})"
        return None
    if isinstance(node, exp.Join) and "NATURAL" in str(node.args.get("method") or "").upper():
        return "NATURAL JOIN"
    return None


def _field_of_row(node: exp.Column, hidden: _Hidden) -> bool:
    """Whether `node` is the row in `(c).name`, one named field of it: that reads only the named
    column, judged by name like any other (`(c).email` is refused as a written hidden name).
    `(c).*`, `((c)).x` and every other use of the row as a value stay refused."""
    paren = node.parent
    if node.table or not isinstance(paren, exp.Paren) or paren.arg_key != "this":
        return False
    dot = paren.parent
    if not isinstance(dot, exp.Dot) or paren.arg_key != "this" or dot.this is not paren:
        return False
    field = dot.expression
    return isinstance(field, exp.Identifier) and hidden.key(field.name) not in hidden.names


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
