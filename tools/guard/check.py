"""The SQL guard: decide whether model-written SQL may run, and say why not so a model can fix it.

Layers (notes/security.md §5): input hygiene and one parsed query (`parse`) come first and end
the check on a problem; then `RULES`, a tuple of rules applied in order to one `Query` (the model
is sqlglot's optimizer, a tuple of rules over one expression): no forbidden node anywhere
(`statements`), a function allowlist (`functions`), no huge value made from constants (`sizes`), a table allowlist from the catalog (`tables`),
no read of a hidden column (`hidden`), sqlglot's `qualify` on a copy to catch unknown columns
(`columns`), the regeneration (`parse.regenerate`), and no operator or cast the database
defines itself (`code`). The text that runs is sqlglot's
regeneration of the parsed, unqualified tree, so what was checked is what executes; the engine's
own cross-check sees that exact text.

SQL a person typed is checked `as_typed`: every layer judges the same parsed tree, but the text
that runs (and is cross-checked and hashed) is what they typed, so an edit is never silently
rewritten. Whether the engine reads that text as the checker did is the caller's question to the
engine (`Database.reads_alike`); `Verdict.checked` keeps the regeneration to ask it with.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Protocol

from tools.catalog import Catalog
from tools.guard.code import database_code
from tools.guard.columns import known_columns
from tools.guard.functions import allowed_functions, user_functions
from tools.guard.hidden import hidden_columns
from tools.guard.parse import arrow_lambdas, escaped_characters, hygiene, invisible_characters, parse_one, regenerate
from tools.guard.problems import Problem, Verdict, typed_text
from tools.guard.query import Query, Rule
from tools.guard.sizes import value_sizes
from tools.guard.statements import forbidden_nodes, row_type_casts
from tools.guard.tables import known_tables
from tools.guard.variables import session_variables

# In order: a rule sees what the rules before it found and recorded (`Query`). The table rule
# records the tables in scope the hidden-column and column rules judge; the column rule and the
# regeneration's refusal only speak when nothing before them objected.
RULES: tuple[Rule, ...] = (
    forbidden_nodes,
    session_variables,
    arrow_lambdas,
    escaped_characters,
    allowed_functions,
    value_sizes,
    user_functions,
    row_type_casts,
    known_tables,
    hidden_columns,
    known_columns,
    regenerate,
    database_code,
)

_log = logging.getLogger(__name__)


class Engine(Protocol):
    """What the guard needs of a database (`tools.databases.base.Database` has it): its dialect,
    its catalog, and its own check of the exact text that will run."""

    @property
    def dialect(self) -> str: ...

    def catalog(self) -> Catalog: ...

    def cross_check(self, sql: str) -> Sequence[Problem]: ...


def check_for(
    database: Engine | None,
    sql: str,
    *,
    catalog: Catalog | None = None,
    dialect: str | None = None,
    as_typed: bool = False,
) -> Verdict:
    """The guard as every front end runs it: against the database's catalog and dialect, with its
    engine's cross-check of the text that runs.

    `catalog`: the catalog the caller shows the model when it is not the database's own (the
    loop's copy without sample values); `dialect` overrides the database's (`check --dialect`).
    Without a database only the SQL itself is checked: no catalog, no engine."""
    if database is None:
        return check_sql(sql, catalog, dialect or "duckdb", as_typed=as_typed)
    return check_sql(
        sql,
        catalog if catalog is not None else database.catalog(),
        dialect or database.dialect,
        cross_check=database.cross_check,
        as_typed=as_typed,
    )


def check_sql(
    sql: str,
    catalog: Catalog | None,
    dialect: str = "duckdb",
    *,
    cross_check: Callable[[str], Sequence[Problem]] | None = None,
    max_length: int = 100_000,
    as_typed: bool = False,
) -> Verdict:
    """Check one query; refuse anything that is not a single read-only SELECT.

    `as_typed`: the SQL was typed by a person, so the text that runs is theirs (see the module
    docstring), not the regeneration."""
    try:
        return _check(sql, catalog, dialect, cross_check, max_length, as_typed)
    except RecursionError:
        problem = Problem("too_complex", "The query is nested too deeply to check; simplify it.")
        return _verdict(sql, None, [problem], (), ())


def _check(
    sql: str,
    catalog: Catalog | None,
    dialect: str,
    cross_check: Callable[[str], Sequence[Problem]] | None,
    max_length: int,
    as_typed: bool,
) -> Verdict:
    problems = hygiene(sql, max_length)
    if problems:
        return _verdict(sql, None, problems, (), ())
    tree, problems = parse_one(sql, dialect)
    if tree is None:
        return _verdict(sql, None, problems, (), ())
    query = Query(sql, tree, catalog, dialect)
    for rule in RULES:
        query.problems += rule(query)
    regenerated = query.regenerated
    runs = typed_text(sql) if as_typed and regenerated is not None else regenerated
    if runs is not None and invisible_characters(runs) and not query.problems:
        # never reached today (the input and the regeneration are checked); kept so that no
        # change upstream can put an invisible character in the text that runs
        query.problems += hygiene(runs, max_length)
    if cross_check is not None and runs is not None and not query.problems:
        query.problems += _cross_checked(cross_check, runs)
    return _verdict(sql, runs, query.problems, query.tables, query.functions, regenerated if as_typed else None)


def _cross_checked(cross_check: Callable[[str], Sequence[Problem]], runs: str) -> list[Problem]:
    """Layer 3: the engine's own reading of the exact text that runs; a check that fails is a
    refusal, never a pass."""
    try:
        return list(cross_check(runs))
    except Exception as error:
        _log.warning("cross-check failed: %r", error)
        return [Problem("cross_check_failed", "The engine could not check this query; simplify it.")]


def _verdict(
    sql_in: str,
    sql: str | None,
    problems: list[Problem],
    tables: tuple[str, ...],
    functions: tuple[str, ...],
    checked: str | None = None,
) -> Verdict:
    unique = tuple(dict.fromkeys(problems))
    return Verdict(not unique, sql_in, sql, unique, tables, functions, checked)
