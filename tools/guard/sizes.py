"""The size rule: no query builds a huge value from constants.

Why: an engine checks for interrupts between chunks of work, and one function call over one huge
value is a single chunk (DuckDB's regexp_replace over a 100 MB `repeat` ran 11 s past its
interrupt; planning a PostgreSQL query folds such constants before anything is approved). The
engine process is killed at the limit (tools/databases/engine/process.py) and PostgreSQL
backends are cancelled and then terminated, but a value no analyst question needs is better
refused up front, with a reason the model can act on.

What counts is what a constant can make: `repeat(x, n)` at least n characters (times x's size
when known), `lpad`/`rpad(x, n)` and `space(n)` n characters, `x || y` and `concat` the sum,
`replace(x, 'a', 'xyz')` x's size times the growth, `string_agg`/`array_agg` over a constant
series its rows times each value, and a column of a CTE or derived table by what made it; and on DuckDB, `range`/`generate_series` used as
a value (a list, held whole in memory) their element count. Sizes that depend on the data are left
to the engine's limits: `repeat('*', n)` for a bar chart is ordinary analysis.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlglot import exp

from tools.guard.functions import call_name
from tools.guard.problems import Problem
from tools.guard.query import Query

MAX_VALUE_CHARS = 10_000_000  # engines handle one value this large in well under a second
MAX_LIST_ITEMS = 10_000_000  # a DuckDB list of this many BIGINTs is 80 MB
_SERIES = (exp.GenerateSeries, exp.ExplodingGenerateSeries)
_JOINS = (exp.DPipe, exp.Concat, exp.ConcatWs)
_AGGREGATES = (exp.GroupConcat, exp.ArrayAgg)
_MAKERS = (exp.Repeat, exp.Pad, exp.Space, *_JOINS, *_AGGREGATES)


def value_sizes(query: Query) -> list[Problem]:
    """Refuse a call whose constant arguments make a value past the caps."""
    problems: list[Problem] = []
    columns = derived_sizes(query.tree)
    for node in query.tree.walk():
        if not isinstance(node, exp.Expression):
            continue
        if isinstance(node, _MAKERS) or _is_call(node, "replace"):
            if isinstance(node, _JOINS) and isinstance(node.parent, _JOINS):
                continue  # the outermost concatenation reports the whole
            size = value_size(node, columns)
            if size is not None and size > MAX_VALUE_CHARS:
                name = (
                    f"{call_name(node, query.dialect)}(...)"
                    if isinstance(node, exp.Func) and not isinstance(node, _JOINS)
                    else "concatenation"
                )
                problems.append(
                    Problem(
                        "value_too_large",
                        f"{name} builds a value of about {size:,} characters; analyst refuses values over "
                        f"{MAX_VALUE_CHARS:,} characters made from constants (an engine cannot stop some "
                        "functions over a huge value); use a smaller size",
                    )
                )
        elif query.dialect == "duckdb" and _is_list_series(node):
            count = series_length(node)
            if count is not None and count > MAX_LIST_ITEMS:
                problems.append(
                    Problem(
                        "value_too_large",
                        f"range/generate_series used as a value builds a list of {count:,} items, held whole in "
                        f"memory; analyst refuses lists over {MAX_LIST_ITEMS:,} items made from constants; "
                        "generate rows instead (FROM range(...)), or use a smaller range",
                    )
                )
    return problems


def value_size(node: exp.Expression, columns: Mapping[str, int] | None = None) -> int | None:
    """The size of the value `node` makes as far as constants tell (None: nothing known).
    `columns`: sizes of columns of derived tables and CTEs made from constants, by name."""
    columns = columns or {}
    if isinstance(node, exp.Literal):
        return len(node.name)
    if isinstance(node, exp.Column):
        return columns.get(node.name.lower())
    if isinstance(node, (exp.Paren, exp.Cast, exp.TryCast)):
        return value_size(node.this, columns)
    if isinstance(node, exp.Repeat):
        times = number(node.args.get("times"))
        if times is None:
            return None
        return max(times, 0) * (value_size(node.this, columns) or 1)
    if isinstance(node, exp.Pad):
        return _nonnegative(number(node.args.get("expression")))
    if isinstance(node, exp.Space):
        return _nonnegative(number(node.this))
    if isinstance(node, _JOINS):
        parts = [value_size(part, columns) for part in node.iter_expressions()]
        known = [p for p in parts if p is not None]
        return sum(known) if known else None
    if _is_call(node, "replace"):
        return _replaced_size(node, columns)
    if isinstance(node, _AGGREGATES):
        each, rows = value_size(node.this, columns), _generated_rows(node)
        return each * rows if each is not None and rows is not None else None
    return None


def derived_sizes(tree: exp.Expression) -> dict[str, int]:
    """Sizes of the output columns of every SELECT in the query that are made from constants
    (`WITH s AS (SELECT repeat('x', 5000000) AS y) ... y || y ...`), by name, to a fixed point
    (a CTE reads the ones before it). Names are not scoped: a clash can only make a size larger."""
    sizes: dict[str, int] = {}
    selects = list(tree.find_all(exp.Select))
    for _ in range(4):
        changed = False
        for select in selects:
            for projection in select.expressions:
                name = projection.alias_or_name.lower()
                size = value_size(projection.unalias(), sizes)
                if name and size is not None and size > sizes.get(name, -1):
                    sizes[name] = size
                    changed = True
        if not changed:
            break
    return sizes


def _generated_rows(node: exp.Expression) -> int | None:
    """Rows an aggregate folds when its SELECT reads only constant-bounded series (else None)."""
    select = node.find_ancestor(exp.Select)
    if select is None:
        return None
    sources = [t for t in select.find_all(exp.Table) if t.find_ancestor(exp.Select) is select]
    if not sources:
        return None
    rows = 1
    for table in sources:
        count = series_length(table.this) if _is_series(table.this) else None
        if count is None:
            return None
        rows *= count
    return rows


def _replaced_size(node: exp.Expression, columns: Mapping[str, int]) -> int | None:
    args = _call_args(node)
    if len(args) != 3:
        return None
    base = value_size(args[0], columns)
    old, new = args[1], args[2]
    if base is None or not isinstance(old, exp.Literal) or not isinstance(new, exp.Literal):
        return base
    return base * max(1, len(new.name)) // max(1, len(old.name)) if len(new.name) > len(old.name) else base


def series_length(node: exp.Expression) -> int | None:
    """Elements of a range/generate_series call with constant bounds (None: not constant):
    `range` stops before its end, `generate_series` at it."""
    exclusive = _is_call(node, "range")
    if isinstance(node, _SERIES):
        start, end, step = (number(node.args.get(k)) for k in ("start", "end", "step"))
        exclusive = bool(node.args.get("is_end_exclusive"))
    else:
        values = [number(a) for a in _call_args(node)]
        if len(values) == 1:
            start, end, step = (0 if exclusive else 1), values[0], None
        elif len(values) in (2, 3):
            start, end = values[0], values[1]
            step = values[2] if len(values) == 3 else None
        else:
            return None
    if start is None or end is None:
        return None
    step = step or 1
    span = end - start if exclusive else end - start + (1 if step > 0 else -1)
    return max(0, -(-span // step))


def number(node: exp.Expression | None) -> int | None:
    """An integer constant (a literal, negated, cast or in parentheses), else None."""
    if node is None:
        return None
    if isinstance(node, (exp.Paren, exp.Cast, exp.TryCast)):
        return number(node.this)
    if isinstance(node, exp.Neg):
        inner = number(node.this)
        return -inner if inner is not None else None
    if isinstance(node, exp.Literal) and not node.is_string:
        try:
            return int(float(node.name))
        except (ValueError, OverflowError):
            return None
    return None


def _nonnegative(value: int | None) -> int | None:
    return max(value, 0) if value is not None else None


def _is_call(node: exp.Expression, name: str) -> bool:
    return (isinstance(node, exp.Anonymous) and node.name.lower() == name) or type(node).__name__.lower() == name


def _call_args(node: exp.Expression) -> list[exp.Expression]:
    if isinstance(node, exp.Anonymous):
        return list(node.expressions)
    return [v for v in (node.this, node.args.get("expression"), node.args.get("replacement")) if v is not None]


def _is_series(node: exp.Expression) -> bool:
    return isinstance(node, _SERIES) or _is_call(node, "range") or _is_call(node, "generate_series")


def _is_list_series(node: exp.Expression) -> bool:
    """range/generate_series in a value position (not FROM, where rows stream)."""
    return _is_series(node) and not isinstance(node.parent, (exp.Table, exp.Lateral))
