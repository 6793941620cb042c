"""The table rule (guard layer 2d): every relation a query reads is a CTE in scope or a catalog
table; system catalogs, file paths and database-qualified names never.

It records the catalog tables the query reads (`Query.tables`, `Query.in_scope`): the hidden-column
and column rules judge the query against exactly those.
"""

from __future__ import annotations

from sqlglot import exp

from tools.catalog import Table
from tools.guard.names import normalize, table_ref
from tools.guard.problems import Problem
from tools.guard.query import Query


def known_tables(query: Query) -> list[Problem]:
    """Every relation is a CTE in scope or a catalog table (system catalogs never)."""
    found: dict[str, None] = {}
    in_scope: dict[str, Table] = {}
    problems: list[Problem] = []
    dialect = query.dialect
    for table in query.tree.find_all(exp.Table):
        if table.find_ancestor(exp.Into):
            continue  # the target of SELECT INTO, refused by the statement rule
        if isinstance(table.this, exp.Func) or (table.this is None and table.args.get("rows_from")):
            continue  # table functions: the function allowlist decides
        if not isinstance(table.this, exp.Identifier):
            problems.append(
                Problem(
                    "unknown_table",
                    f"{table.sql(dialect=dialect)} is not a table name; write table or schema.table.",
                )
            )
            continue
        if not table.args.get("db") and not table.args.get("catalog") and _cte_in_scope(table, dialect):
            continue
        ref = table_ref(table, query.catalog, dialect)
        if ref.problem is not None:
            problems.append(ref.problem)
        elif ref.qualified is not None:
            found[ref.qualified] = None
            if ref.table is not None:
                in_scope[ref.qualified] = ref.table
    query.tables = tuple(found)
    query.in_scope = list(in_scope.values())
    return problems


def _cte_in_scope(table: exp.Table, dialect: str) -> bool:
    """True when the name is a CTE visible here: CTEs defined earlier in the same WITH, all CTEs of
    an enclosing query, and a recursive CTE itself only inside its recursive (right-hand) term;
    DuckDB resolves a self-reference in the anchor term to the real table of that name."""
    wanted = normalize(table.this, dialect)
    path: list[exp.Expr] = [table]
    node = table.parent
    while node is not None:
        child = path[-1]
        if isinstance(node, exp.With):
            ctes = list(node.expressions)
            index = next((i for i, cte in enumerate(ctes) if cte is child), len(ctes))
            if any(_cte_name(cte, dialect) == wanted for cte in ctes[:index]):
                return True
            if index < len(ctes) and node.args.get("recursive"):
                body = ctes[index].this
                recursive_term = body.expression if isinstance(body, exp.Union) else None
                if _cte_name(ctes[index], dialect) == wanted and any(step is recursive_term for step in path):
                    return True
        else:
            with_ = node.args.get("with_")
            if (
                isinstance(with_, exp.With)
                and with_ is not child
                and any(_cte_name(cte, dialect) == wanted for cte in with_.expressions)
            ):
                return True
        path.append(node)
        node = node.parent
    return False


def _cte_name(cte: exp.Expression, dialect: str) -> str | None:
    alias = cte.args.get("alias")
    ident = alias.this if isinstance(alias, exp.TableAlias) else None
    return normalize(ident, dialect) if isinstance(ident, exp.Identifier) else None
