"""The database-code rule (PostgreSQL): no operator or cast the database defines itself.

A user operator or cast runs a function of the database (an operator `+` on text returned an
excluded table's contents, a cast to text its row count), and the server may run it while only
planning (constant folding), so the text is judged before the server sees it, and conservatively:
the catalog lists the symbols of the database's operators and the target types of its casts
(`tools.databases.postgres.code`), and a query that could resolve to one is refused.

- An operator symbol anywhere in the text (typed or regenerated, strings included: a lexer of our
  own could read a quote differently from the server's) refuses it; `!=` is `<>` to the server.
  Comparison symbols are also implied by words (`IN` is `=`, `BETWEEN` is `<=` and `>=`, `LIKE`
  is `~~`, ...), so those words refuse it too when the database defines such a symbol.
- With a cast of its own, any cast written in the query (`::`, `CAST`, a function named after
  its target type: `text(x)`) is refused; with an implicit one, every query is.
"""

from __future__ import annotations

import re

from sqlglot import exp

from tools.guard.problems import Problem
from tools.guard.query import Query

# Words whose meaning the server resolves to an operator by name.
_IMPLIED = {
    "in": {"=", "<>"},
    "any": {"=", "<>", "<", ">", "<=", ">="},
    "some": {"=", "<>", "<", ">", "<=", ">="},
    "all": {"=", "<>", "<", ">", "<=", ">="},
    "between": {"<", ">", "<=", ">="},
    "like": {"~~", "!~~"},
    "ilike": {"~~*", "!~~*"},
    "similar": {"~", "!~"},
    "case": {"="},
    "nullif": {"="},
    "distinct": {"=", "<>"},
    "using": {"=", "<", ">"},
    "natural": {"="},
}
_WORD = re.compile(r"[a-z_]+")


def _implied(text: str) -> set[str]:
    """The operator symbols the words of `text` mean to the server."""
    found: set[str] = set()
    for word in set(_WORD.findall(text.lower())):
        found |= _IMPLIED.get(word, set())
    return found


def database_code(query: Query) -> list[Problem]:
    """Refuse SQL that could run an operator or cast the database defines (see the module docstring)."""
    catalog = query.catalog
    if catalog is None or not (catalog.user_operators or catalog.user_cast_targets or catalog.implicit_user_casts):
        return []
    texts = [query.sql] + ([query.regenerated] if query.regenerated else [])
    problems: list[Problem] = []
    if catalog.implicit_user_casts:
        problems.append(
            Problem(
                "database_code",
                "This database defines its own implicit casts, which the server may apply to any "
                "expression and which run its code; no query can be run safely here.",
            )
        )
    used = sorted(
        symbol
        for symbol in catalog.user_operators
        if any(symbol in text or (symbol == "<>" and "!=" in text) for text in texts)
        or any(symbol in _implied(text) for text in texts)
    )
    if used:
        problems.append(
            Problem(
                "database_code",
                f"This database defines its own {' '.join(used)} operator, which runs its code; "
                "write the query without that operator (or a word that means it, such as IN or LIKE).",
            )
        )
    if catalog.user_cast_targets and _casts(query, texts, catalog.user_cast_targets):
        problems.append(
            Problem(
                "database_code",
                "This database defines its own casts, which run its code; write the query without a cast "
                "(no ::, CAST or a function named after a type).",
            )
        )
    return problems


def _casts(query: Query, texts: list[str], targets: frozenset[str]) -> bool:
    """Whether the query writes a cast, in the tree or in either text."""
    if any(isinstance(node, (exp.Cast, exp.TryCast)) for node in query.tree.walk()):
        return True
    names = {t.split("(")[0].strip() for t in targets}
    for text in texts:
        lowered = text.lower()
        if "::" in lowered or re.search(r"\bcast\s*\(", lowered):
            return True
        if any(re.search(rf"(?<![\w$]){re.escape(name)}\s*\(", lowered) for name in names if name):
            return True
    return False
