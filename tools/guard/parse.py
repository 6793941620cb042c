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

_QUERY_ROOTS = (exp.Select, exp.Union, exp.Intersect, exp.Except, exp.Values)


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
    return [
        Problem(
            "invisible_character",
            f"The SQL contains the invisible or control character U+{ord(char):04X} "
            f"({unicodedata.name(char, 'control character')}) at position {index}. Use only "
            "plain spaces, tabs and newlines between words, also inside string literals.",
        )
        for char, index in invisible_characters(sql)[:5]
    ]


def invisible_characters(text: str) -> list[tuple[str, int]]:
    """Each invisible or control character in `text` (not plain whitespace), with where it first
    occurs: what must never be in SQL a person approves, because it is not seen there."""
    bad: dict[str, int] = {}
    for index, char in enumerate(text):
        if char not in _PLAIN_WHITESPACE and unicodedata.category(char) in _INVISIBLE_CATEGORIES:
            bad.setdefault(char, index)
    return list(bad.items())


def escaped_characters(query: Query) -> list[Problem]:
    """An escape that spells an invisible or control character (PostgreSQL `E'\\u202e'`,
    `E'\\342\\200\\256'`; DuckDB `e'\\xe2\\x80\\xae'`) is refused like the raw character.

    The input passed `hygiene`, so such a character in the parsed tree came from an escape that
    sqlglot decoded; its regeneration would write the raw character into the text that is shown
    for approval and run (or, for `E'\\x0b'`, an escape the engine reads differently). `chr(8238)`
    and `U&'\\202E'` stay allowed: they are shown as written."""
    found: dict[str, None] = {}
    for node in query.tree.walk():
        for value in node.args.values():
            if isinstance(value, str):
                found.update((char, None) for char, _ in invisible_characters(value))
    return [_escaped_problem(char) for char in list(found)[:5]]


def _escaped_problem(char: str) -> Problem:
    return Problem(
        "invisible_character",
        f"The SQL writes the invisible or control character U+{ord(char):04X} "
        f"({unicodedata.name(char, 'control character')}) with an escape in a string or name, and it "
        f"would not be visible in the SQL to approve. If you need that character, write chr({ord(char)}).",
    )


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
    if dialect == "duckdb" and isinstance(tree, exp.Pivot):
        return _pivot_statement(tree)
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


def _pivot_statement(pivot: exp.Pivot) -> tuple[exp.Expression | None, list[Problem]]:
    """DuckDB's PIVOT/UNPIVOT statement, checked and run as `SELECT * FROM (PIVOT ...)`: the same
    rows, and a query DuckDB's own parser can cross-check (it serializes only SELECT). A PIVOT
    without `IN (...)` is refused: DuckDB first runs a query of its own for the values."""
    if not pivot.args.get("unpivot") and not all(isinstance(field, exp.In) for field in pivot.expressions):
        return None, [
            Problem(
                "not_a_query",
                "A PIVOT statement must list the values it turns into columns: write "
                "`PIVOT t ON col IN ('a', 'b') USING sum(x) GROUP BY y`.",
            )
        ]
    return exp.select("*").from_(exp.Subquery(this=pivot)), []


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
    # The text that runs is checked like the input: whatever the generator wrote, no invisible
    # character reaches the approval view or the engine.
    return [_escaped_problem(char) for char, _ in invisible_characters(query.regenerated)[:5]]
