"""The one query a check is about, as every rule sees it, and the shape of a rule.

Modelled on sqlglot's optimizer (`RULES`, a tuple of functions applied in order to one
expression): the guard's rules are a tuple of functions applied in order to one `Query`. A rule
returns the problems it finds; the few that learn something later rules or the verdict need (the
functions called, the tables in scope, the text that runs) record it on the query. A rule that
must see a query nothing else objected to reads `query.problems`, which holds what the rules
before it found.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlglot import exp

from tools.catalog import Catalog, Table
from tools.guard.problems import Problem


@dataclass
class Query:
    """One parsed query under check: what it is (text, tree, catalog, dialect), what the rules
    found so far, and what they learnt about it."""

    sql: str
    tree: exp.Expression
    catalog: Catalog | None
    dialect: str
    problems: list[Problem] = field(default_factory=list)
    functions: tuple[str, ...] = ()  # the names it calls, as written (the allowlist rule)
    tables: tuple[str, ...] = ()  # the catalog tables it reads, qualified (the table rule)
    in_scope: list[Table] = field(default_factory=list)  # those tables themselves
    regenerated: str | None = None  # sqlglot's text of the tree (the last rule)


Rule = Callable[[Query], Sequence[Problem]]
