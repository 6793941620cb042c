"""Whether two SQL texts read alike to MySQL: the same tokens and no comment.

MySQL executes what a versioned comment holds (`/*!50000 ... */`), takes `/*+ ... */` as optimizer
hints, and ends a line at `#`; sqlglot drops all three as comments. A typed edit runs as typed, so
it reads alike the checked regeneration only when it has no comment at all and tokenizes to the
same token types and texts. Anything else is shown to the person as the regeneration instead.
"""

from __future__ import annotations

_COMMENT_MARKS = ("/*", "#", "--")


def same_tokens(typed: str, checked: str) -> bool:
    import sqlglot
    from sqlglot.errors import SqlglotError

    if typed.strip().rstrip(";").strip() == checked.strip():
        return not _has_comment_mark(typed)
    if _has_comment_mark(typed):
        return False
    try:
        dialect = sqlglot.Dialect.get_or_raise("mysql")
        left, right = dialect.tokenize(typed), dialect.tokenize(checked)
    except SqlglotError:
        return False
    if any(t.comments for t in left):
        return False
    strip = [t for t in left if t.text != ";" or t is not left[-1]]
    return [(t.token_type, t.text) for t in strip] == [(t.token_type, t.text) for t in right]


def _has_comment_mark(text: str) -> bool:
    """A comment opener anywhere, even inside a string: a false alarm only asks the person."""
    return any(mark in text for mark in _COMMENT_MARKS)
