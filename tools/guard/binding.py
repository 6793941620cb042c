"""Which column an unqualified name reads, by the engine's binding rules, from sqlglot's tree.

A column written `email` in a SELECT's own clauses binds to that SELECT's FROM items first; when
a CTE or subquery there certainly outputs a column of that name and no table holding a hidden
`email` is among them, it reads that output, not the hidden column. The hidden-column rule
(`tools.guard.hidden`) asks these questions; `tools.databases.duckdb.tree` answers the same ones
from DuckDB's own parse tree for the cross-check.
"""

from __future__ import annotations

from sqlglot import exp

from tools.catalog import Table
from tools.guard.names import catalog_key, fold, normalize


def pg_key(name: str) -> str:
    """PostgreSQL's comparison key for a column name: folded, and cut to the 63 bytes the server
    keeps of an identifier (a longer name written in a query means its first 63 bytes)."""
    return _cut(fold(name), "postgres")


# The clauses of a SELECT whose unqualified column names the engine binds to that SELECT's own
# FROM items first (outer queries only when none of them has the name).
_OWN_LEVEL_CLAUSES = frozenset({"expressions", "where", "group", "having", "qualify", "order", "windows", "distinct"})


def bound_to_visible(
    column: exp.Column, ident: exp.Identifier, hidden_by_table: dict[str, set[str]], dialect: str
) -> bool:
    """Whether an unqualified column with a hidden column's name certainly reads something else.

    True only when the engine must bind it to a CTE or subquery in its own SELECT's FROM: the
    column sits in that SELECT's own clauses (not in a join condition, a lambda or a set
    operation's ORDER BY); no table with that hidden column is among the SELECT's FROM items,
    joins included (the name would bind there, or the ambiguity error would confirm it); and a
    CTE or subquery there certainly outputs that name (an alias, a column list, a plain column).
    Output names match by the engine's rules (PostgreSQL keeps quoted case), so "certainly"
    holds; anything unsure — a table that merely shows such a column included — is refused.
    """
    select = _own_select(column)
    if select is None:
        return False
    key = pg_key if dialect == "postgres" else fold
    if any(key(ident.name) in hidden_by_table.get(key(table.name), set()) for table in _direct_tables(select)):
        return False  # a table with that hidden column is right here
    wanted = _engine_key(ident, dialect)
    return any(wanted in _outputs_of_source(source, dialect) for source in _from_items(select))


def row_name_is_a_column(column: exp.Column, in_scope: list[Table], dialect: str) -> bool:
    """Whether an unqualified name that is also a hidden table's row name (`customers AS status`)
    certainly reads a column instead of that row.

    Both engines bind a name to a column of its own SELECT's FROM items before a row of that
    name, but they differ past that level (DuckDB takes an inner row over an outer column), so
    only the own level counts: a catalog table there with that column (every table of that name
    having it), or a CTE or subquery there that certainly outputs it. A column merely present
    elsewhere in the query proves nothing.
    """
    select = _own_select(column)
    if select is None or not isinstance(column.this, exp.Identifier):
        return False
    wanted = _engine_key(column.this, dialect)
    for table in _direct_tables(select):
        if (
            table.args.get("catalog") is None
            and table.args.get("db") is None
            and _visible_cte(table, dialect) is not None
        ):
            continue  # a CTE: judged by its outputs below
        alias = table.args.get("alias")
        if (isinstance(alias, exp.TableAlias) and alias.columns) or table.args.get("pivots"):
            continue  # `orders AS o(a, b)` renames its columns, a PIVOT reshapes them: not the catalog's
        holders = [t for t in in_scope if fold(t.name) == fold(table.name)]
        if holders and all(any(_catalog_column_key(c.name, dialect) == wanted for c in t.columns) for t in holders):
            return True
    return any(wanted in _outputs_of_source(source, dialect) for source in _from_items(select))


def _catalog_column_key(name: str, dialect: str) -> str:
    """A catalog column's name as `_engine_key` gives written names (PostgreSQL: exact, 63 bytes)."""
    return _cut(catalog_key(name, dialect), dialect)


def _cut(name: str, dialect: str) -> str:
    """PostgreSQL keeps the first 63 bytes of an identifier."""
    return name.encode("utf-8")[:63].decode("utf-8", errors="ignore") if dialect == "postgres" else name


def _own_select(column: exp.Column) -> exp.Select | None:
    """The SELECT whose own clauses hold `column`, or None when it sits anywhere else."""
    child: exp.Expr = column
    node = column.parent
    while node is not None:
        if isinstance(node, exp.Select):
            return node if child.arg_key in _OWN_LEVEL_CLAUSES else None
        if isinstance(
            node, (exp.Query, exp.Subquery, exp.Lambda, exp.Join, exp.From, exp.With, exp.CTE, exp.Lateral, exp.Table)
        ):
            return None
        child, node = node, node.parent
    return None


def _from_items(select: exp.Select) -> list[exp.Expression]:
    from_ = select.args.get("from_") or select.args.get("from")
    items = [from_.this] if isinstance(from_, exp.From) and from_.this is not None else []
    items += [join.this for join in select.args.get("joins") or [] if join.this is not None]
    return items


def _direct_tables(select: exp.Select) -> list[exp.Table]:
    """Every table named in the SELECT's own FROM clause, joins and laterals (parenthesized joins
    too), but not inside a query nested there."""
    out: list[exp.Table] = []
    roots: list[exp.Expression] = []
    from_ = select.args.get("from_") or select.args.get("from")
    if from_ is not None:
        roots.append(from_)
    roots += list(select.args.get("joins") or []) + list(select.args.get("laterals") or [])
    for root in roots:
        # a parenthesized join is an exp.Subquery (a Query) holding tables: prune only real bodies
        for node in root.walk(prune=lambda n: isinstance(n, (exp.Select, exp.SetOperation))):
            if isinstance(node, exp.Table) and isinstance(node.this, exp.Identifier):
                out.append(node)
    return out


def _engine_key(ident: exp.Identifier, dialect: str) -> str:
    """How the engine compares a written name: DuckDB without case; PostgreSQL folds unquoted
    names, keeps quoted ones, and cuts both to 63 bytes."""
    return _cut(normalize(ident, dialect) or "", dialect)


def _outputs_of_source(source: exp.Expression, dialect: str) -> set[str]:
    """The column names a FROM item certainly outputs (engine keys); empty when unsure."""
    if source.args.get("pivots"):
        return set()  # PIVOT/UNPIVOT reshape the columns: what came in is not what goes out
    alias = source.args.get("alias")
    alias_columns = list(alias.columns) if isinstance(alias, exp.TableAlias) else []
    if isinstance(source, exp.Subquery) and isinstance(source.this, exp.Query):
        return _query_outputs(source.this, alias_columns, dialect)
    if not isinstance(source, exp.Table) or not isinstance(source.this, exp.Identifier):
        return set()  # table functions, VALUES, LATERAL, UNNEST ...: not counted
    if source.args.get("catalog") is None and source.args.get("db") is None:
        cte = _visible_cte(source, dialect)
        if cte is not None:
            if cte is _SELF:
                return set()
            cte_alias = cte.args.get("alias")
            cte_columns = list(cte_alias.columns) if isinstance(cte_alias, exp.TableAlias) else []
            # `FROM t AS x(a, b)` renames the CTE's columns again by position
            if alias_columns:
                return {_engine_key(c, dialect) for c in alias_columns}
            return _query_outputs(cte.this, cte_columns, dialect)
    # A catalog table is not counted even when it shows a column of that name (the security
    # corpus keeps `SELECT email FROM staff WHERE ... IN (SELECT ... FROM customers)` refused).
    return set()


def _query_outputs(query: exp.Expr, alias_columns: list[exp.Identifier], dialect: str) -> set[str]:
    """Output names of a query: the alias column list first (by position), then the names the
    leftmost SELECT gives its remaining columns (an alias or a plain column reference)."""
    while isinstance(query, exp.Subquery):
        query = query.this
    while isinstance(query, exp.SetOperation):
        query = query.this  # the leftmost branch names the columns
    out = {_engine_key(c, dialect) for c in alias_columns}
    if not isinstance(query, exp.Select):
        return out
    names: list[str | None] = []
    widths_known = True
    for projection in query.expressions:
        if _may_be_several_columns(projection):
            names.append(None)
            widths_known = False  # `*`, COLUMNS(...), unnest of a struct (DuckDB drops its alias)
        elif isinstance(projection, exp.Alias) and isinstance(projection.args.get("alias"), exp.Identifier):
            names.append(_engine_key(projection.args["alias"], dialect))
        elif isinstance(projection, exp.Column) and isinstance(projection.this, exp.Identifier):
            names.append(_engine_key(projection.this, dialect))
        else:
            names.append(None)  # an engine-made name: not counted
    if alias_columns and not widths_known:
        return out
    out |= {n for n in names[len(alias_columns) :] if n}
    return out


def _may_be_several_columns(projection: exp.Expression) -> bool:
    """`*`, COLUMNS(...) anywhere in it, or unnest of a struct (DuckDB drops its alias)."""
    inner = projection.this if isinstance(projection, exp.Alias) else projection
    if isinstance(inner, (exp.Star, exp.Columns, exp.Unnest, exp.Explode)):
        return True
    if isinstance(inner, exp.Column) and isinstance(inner.this, exp.Star):
        return True
    if isinstance(inner, exp.Func) and {fold(inner.sql_name()), fold(inner.name or "")} & {
        "unnest",
        "unpack",
        "struct_unpack",
    }:
        return True
    return any(
        isinstance(n, exp.Columns) or (isinstance(n, exp.Star) and not isinstance(n.parent, exp.Count))
        for n in inner.walk(prune=lambda n: isinstance(n, exp.Query))
    )


_SELF = exp.CTE()  # marker: the reference is a recursive CTE's reference to itself


def _visible_cte(table: exp.Table, dialect: str) -> exp.CTE | None:
    """The CTE a bare table name resolves to where it is written: the nearest WITH that defines
    it (in the same WITH only earlier CTEs), or `_SELF` for a CTE's reference to itself."""
    wanted = normalize(table.this, dialect)
    child: exp.Expr = table
    node = table.parent
    while node is not None:
        if isinstance(node, exp.With):
            ctes = list(node.expressions)
            index = next((i for i, cte in enumerate(ctes) if cte is child), len(ctes))
            if index < len(ctes) and _cte_key(ctes[index], dialect) == wanted:
                return _SELF
            if any(_cte_key(cte, dialect) == wanted for cte in ctes[index + 1 :]):
                return _SELF  # a later CTE of that name (visible to a RECURSIVE WITH): unsure
            for cte in reversed(ctes[:index]):
                if _cte_key(cte, dialect) == wanted:
                    return cte
        else:
            with_ = node.args.get("with_") or node.args.get("with")
            if isinstance(with_, exp.With) and with_ is not child:
                for cte in with_.expressions:
                    if _cte_key(cte, dialect) == wanted:
                        return cte
        child, node = node, node.parent
    return None


def _cte_key(cte: exp.Expression, dialect: str) -> str | None:
    alias = cte.args.get("alias")
    ident = alias.this if isinstance(alias, exp.TableAlias) else None
    return normalize(ident, dialect) if isinstance(ident, exp.Identifier) else None
