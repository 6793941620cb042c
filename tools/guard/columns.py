"""The column rule: every column a query names exists, and no unqualified one is ambiguous.

sqlglot's `qualify`, run on a copy against the catalog, finds them; it also fails on constructs it
does not model, and those failures are ignored, so valid SQL is never blocked here (the engine
still reports real errors at run time). Hidden (`--exclude-column`) columns have their own rule in
`tools.guard.hidden`, which runs first.
"""

from __future__ import annotations

import functools
import re

from sqlglot import exp
from sqlglot.errors import OptimizeError
from sqlglot.optimizer.qualify import qualify
from sqlglot.schema import MappingSchema

from tools.catalog import Catalog, Table
from tools.guard.names import PerCatalog, unknown_column_message
from tools.guard.problems import Problem
from tools.guard.query import Query

_PSEUDO_COLUMNS = {
    "duckdb": frozenset({"rowid"}),
    "postgres": frozenset({"ctid", "xmin", "xmax", "cmin", "cmax", "tableoid"}),
}
_QUALIFY_COLUMN = re.compile(
    r"Column '(?P<a>.+?)' could not be resolved(?: for table: '(?P<t>.+?)')?"
    r"|Unknown column: (?P<b>\S+)|Ambiguous column '(?P<c>.+?)'"
)


def known_columns(query: Query) -> list[Problem]:
    """Unknown or ambiguous columns; judged only against a catalog, and only when nothing else
    was wrong (qualify's messages about a query refused anyway would only add noise)."""
    if query.catalog is None or query.problems:
        return []
    return _column_problems(query.tree, query.catalog, query.dialect, query.in_scope)


def _column_problems(tree: exp.Expression, catalog: Catalog, dialect: str, in_scope: list[Table]) -> list[Problem]:
    """Unknown or ambiguous columns, found by running sqlglot's `qualify` on a copy."""
    try:
        qualify(
            tree.copy(),
            schema=_schema_of(catalog, dialect),
            dialect=dialect,
            db=catalog.default_schema,
            validate_qualify_columns=True,
        )
        return []
    except OptimizeError as error:
        match = _QUALIFY_COLUMN.search(str(error))
    except Exception:
        return []
    if match is None:
        return []
    name = match.group("a") or match.group("b") or match.group("c")
    table_alias = match.group("t")
    lowered = name.lower()
    holders = [t for t in in_scope if t.column(name) is not None]
    known = _names_defined_in(tree) | _PSEUDO_COLUMNS.get(dialect, frozenset())
    if table_alias and table_alias.lower() not in _relation_names(tree) | known:
        return [
            Problem(
                "unknown_column",
                f"{table_alias}.{name} uses {table_alias}, which is not a table or alias in the "
                "FROM clause; use one of the aliases defined there.",
            )
        ]
    if len(holders) >= 2 and not table_alias:
        first = holders[0].name
        return [
            Problem(
                "ambiguous_column",
                f"Column {name} exists in more than one table "
                f"({', '.join(t.name for t in holders)}); qualify it, e.g. {first}.{name}.",
            )
        ]
    if holders or lowered in known:
        return []
    return [Problem("unknown_column", unknown_column_message(name, in_scope))]


def _build_schema(catalog: Catalog, dialect: str) -> MappingSchema:
    """sqlglot's schema of the catalog: it parses every column type and normalizes every name,
    so it is built once per catalog; `qualify` only reads it (its caches are memos)."""
    return MappingSchema(_qualify_schema(catalog), dialect=dialect)


_schema_of = PerCatalog(_build_schema)


def _qualify_schema(catalog: Catalog) -> dict[str, object]:
    """Catalog as sqlglot's nested mapping; names quoted so PostgreSQL keeps their exact case."""
    schemas: dict[str, dict[str, dict[str, str]]] = {}
    for table in catalog.tables:
        columns = {_quote(c.name): _type_or_unknown(c.type, catalog.dialect) for c in table.columns}
        schemas.setdefault(_quote(table.schema), {})[_quote(table.name)] = columns
    return dict(schemas)  # MappingSchema takes dict[str, object]; dict is invariant in its values


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@functools.lru_cache(maxsize=4096)
def _type_or_unknown(type_text: str, dialect: str) -> str:
    """Keep types sqlglot understands (struct access needs them); anything else is UNKNOWN."""
    try:
        return exp.DataType.build(type_text, dialect=dialect).sql(dialect=dialect)
    except Exception:
        return "UNKNOWN"


def _names_defined_in(tree: exp.Expression) -> set[str]:
    """Output names the query itself defines (aliases, CTE and table-alias columns, lambdas)."""
    names: set[str] = set()
    for node in tree.walk():
        if isinstance(node, exp.Alias) and node.alias:
            names.add(node.alias.lower())
        elif isinstance(node, exp.TableAlias):
            names.update(c.name.lower() for c in node.columns)
            if isinstance(node.parent, exp.Table) and isinstance(node.parent.this, exp.Func):
                # PostgreSQL: `FROM regexp_split_to_table(...) AS word` names the column too.
                names.add(node.name.lower())
        elif isinstance(node, exp.Lambda):
            names.update(e.name.lower() for e in node.expressions)
        elif isinstance(node, exp.Pivot):
            names.update(i.name.lower() for i in node.find_all(exp.Identifier))
    return names


def _relation_names(tree: exp.Expression) -> set[str]:
    """Table names and aliases usable as column qualifiers."""
    names: set[str] = set()
    for node in tree.walk():
        if isinstance(node, exp.Table):
            names.add(node.name.lower())
        if isinstance(node, exp.TableAlias) and node.name:
            names.add(node.name.lower())
    return names
