"""Split a SQL script into statements the way the database reads it.

`analyst check shop.sql` promises one verdict per statement. Splitting on `;` would cut inside
'a;b', -- comments, /* comments */ and PostgreSQL $$dollar quotes$$; sqlglot's tokenizer for
the dialect knows all of those, so a statement ends only at a `;` token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Statement:
    index: int  # 1-based position in the script
    line: int  # the line its first token is on
    sql: str  # from its first token to its last, comments inside kept, the `;` left out


def split_statements(text: str, dialect: str) -> list[Statement]:
    """The statements of `text`; empty ones (`;;`, a comment alone) are skipped. Text the
    tokenizer cannot read (an unterminated string) is one statement, so the guard reports it."""
    import sqlglot
    from sqlglot import TokenType
    from sqlglot.errors import SqlglotError

    try:
        tokens = sqlglot.Dialect.get_or_raise(dialect).tokenize(text)
    except SqlglotError:
        stripped = text.strip()
        return [Statement(1, _line_of(text, text.find(stripped[:1])) if stripped else 1, stripped)] if stripped else []
    statements: list[Statement] = []
    current: list[Any] = []
    for token in [*tokens, None]:
        if token is not None and token.token_type != TokenType.SEMICOLON:
            current.append(token)
            continue
        if current:
            start, end = current[0].start, current[-1].end + 1
            statements.append(Statement(len(statements) + 1, _line_of(text, start), text[start:end]))
        current = []
    return statements


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, max(offset, 0)) + 1
