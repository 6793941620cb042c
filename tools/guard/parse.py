"""Guard layers 1, 2a and 2e: the SQL text is clean, parses to exactly one query read the way the
engines read it, and sqlglot can say that query back (the text that runs).

Most bypasses of a parser-based guard are parser differentials: text that sqlglot reads one way
and the engine another (invisible characters, `->` lambdas). The cheap text checks run before any
parsing so such text never reaches the later layers; `hygiene` and `parse_one` come before the
rules (a problem there ends the check), `arrow_lambdas` and `regenerate` are rules.
"""

from __future__ import annotations

import logging
import unicodedata

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, SqlglotError

from tools.guard.problems import Problem
from tools.guard.query import Query

# sqlglot logs a warning to stderr when it parses a statement (EXPLAIN, SET, ...) as a generic
# Command. The guard reports that statement as `not_a_query` to whoever asked - the model, the
# person, `check`'s JSON - so the warning is noise on the terminal of `ask`, `batch` or the TUI.
logging.getLogger("sqlglot").setLevel(logging.ERROR)

# Whitespace both sqlglot and the engines agree on; everything else invisible is refused because
# DuckDB treats U+200B/U+FEFF as whitespace while sqlglot reads them as identifier characters.
_PLAIN_WHITESPACE = frozenset(" \t\r\n")
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zs", "Zl", "Zp"})

_QUERY_ROOTS = (exp.Select, exp.Union, exp.Intersect, exp.Except)


def hygiene(sql: str, max_length: int) -> list[Problem]:
    """Layer 1: cheap text checks that close parser differentials before any parsing."""
    if len(sql) > max_length:
        return [
            Problem(
                "too_long",
                f"The SQL is {len(sql)} characters; the limit is {max_length}. "
                "Write a shorter query (fewer columns or CTEs, no inlined data).",
            )
        ]
    if not sql.strip():
        return [Problem("empty", "The SQL is empty; write one SELECT query.")]
    bad: dict[str, int] = {}
    for index, char in enumerate(sql):
        if char not in _PLAIN_WHITESPACE and unicodedata.category(char) in _INVISIBLE_CATEGORIES:
            bad.setdefault(char, index)
    return [
        Problem(
            "invisible_character",
            f"The SQL contains the invisible or control character U+{ord(char):04X} "
            f"({unicodedata.name(char, 'control character')}) at position {index}. Use only "
            "plain spaces, tabs and newlines between words, also inside string literals.",
        )
        for char, index in list(bad.items())[:5]
    ]


def parse_one(sql: str, dialect: str) -> tuple[exp.Expression | None, list[Problem]]:
    """Layer 2a: exactly one statement whose root is a query."""
    try:
        parsed = _parse(sql, dialect)
    except SqlglotError as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        return None, [
            Problem(
                "parse_error",
                f"The SQL does not parse as {dialect}: {first[:300].rstrip('. ')}. Fix the syntax and "
                "send one SELECT query.",
            )
        ]
    except RecursionError:
        raise  # too deep to read: the check reports it as too complex
    except Exception as error:  # a parser bug (sqlglot raised IndexError on DuckDB's SHOW ALL) fails closed
        return None, [
            Problem(
                "parse_error",
                f"The SQL could not be read as {dialect} (the parser failed with {type(error).__name__}); "
                "send one plain SELECT query.",
            )
        ]
    statements = [s for s in parsed if isinstance(s, exp.Expression) and not isinstance(s, exp.Semicolon)]
    if not statements:
        return None, [Problem("empty", "The SQL has no statement; write one SELECT query.")]
    if len(statements) > 1:
        return None, [
            Problem(
                "multiple_statements",
                f"The SQL has {len(statements)} statements; send exactly one SELECT query "
                "(combine results with a CTE, a subquery or UNION ALL).",
            )
        ]
    tree = statements[0]
    root = tree
    while isinstance(root, (exp.Subquery, exp.Paren)) and root.this is not None:
        root = root.this
    if not isinstance(root, _QUERY_ROOTS):
        kind = type(root).__name__.upper()
        hint = (
            " For DuckDB's PIVOT statement write `SELECT * FROM t PIVOT (agg(x) FOR col IN (...))`."
            if isinstance(root, (exp.Pivot,))
            else ""
        )
        return None, [
            Problem(
                "not_a_query",
                f"Only a single SELECT query (optionally with WITH, UNION, INTERSECT or EXCEPT) "
                f"may run; this is parsed as {kind}.{hint}",
            )
        ]
    return tree, []


def _parse(sql: str, dialect: str) -> list[exp.Expr | None]:
    """Parse; on failure retry once without comments, which sqlglot cannot take inside
    multi-word keywords (`ORDER /* x */ BY`). Safe because the regenerated text is what runs."""
    try:
        return sqlglot.parse(sql, read=dialect)
    except SqlglotError:
        try:
            tokens = sqlglot.Dialect.get_or_raise(dialect).tokenize(sql)
        except SqlglotError:
            tokens = []
        if not any(token.comments for token in tokens):
            raise
        stripped = " ".join(sql[token.start : token.end + 1] for token in tokens)
        try:
            return sqlglot.parse(stripped, read=dialect)
        except SqlglotError:
            pass
        raise


def arrow_lambdas(query: Query) -> list[Problem]:
    """DuckDB 2.0 rejects `x -> expr`; sqlglot also misreads `f(col -> 'key')` as a lambda."""
    sql, dialect = query.sql, query.dialect
    if dialect != "duckdb":
        return []
    lambdas = sum(1 for _ in query.tree.find_all(exp.Lambda))
    if not lambdas:
        return []
    try:
        tokens = sqlglot.Dialect.get_or_raise(dialect).tokenize(sql)
    except SqlglotError:
        tokens = []
    keywords = sum(
        1 for tok in tokens if tok.text.lower() == "lambda" and tok.token_type.name not in ("STRING", "IDENTIFIER")
    )
    if lambdas <= keywords:
        return []
    return [
        Problem(
            "arrow_lambda",
            "DuckDB 2.0 rejects the arrow lambda `x -> expr`; write `lambda x: expr`, e.g. "
            "list_transform(l, lambda x: x + 1). For JSON inside a function argument use "
            "json_extract(col, '$.key') or json_extract_string(col, '$.key') instead of `->`.",
        )
    ]


_log = logging.getLogger(__name__)


def regenerate(query: Query) -> list[Problem]:
    """Layer 2e: the text that runs (`Query.regenerated`); refuse when sqlglot cannot say the
    same thing back, unless an earlier rule already refused the query.

    Comments are dropped: they carry nothing the engine needs, and in the approval view they are
    a channel for text aimed at the person approving ("reviewed, safe to run")."""
    try:
        query.regenerated = query.tree.sql(dialect=query.dialect, unsupported_level=ErrorLevel.RAISE, comments=False)
        return []
    except SqlglotError as error:
        _log.debug("regeneration failed: %s", error)
        query.regenerated = None
        if query.problems:
            return []
        return [
            Problem(
                "unsupported_construct",
                f"The query uses a construct that cannot be checked for {query.dialect}: "
                f"{str(error).splitlines()[0][:200]}. Rewrite it with plainer SQL.",
            )
        ]
