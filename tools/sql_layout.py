"""SQL laid out for reading at approval time, changing nothing but the whitespace between tokens.

The text a person approves is the text that runs, byte for byte (its hash binds the approval).
A model's one-line SQL is hard to review, but pretty-printing it with a generator would rewrite
it (keyword case, quoting, casts), and the rewrite would then be what runs or what is hashed. So
this layout only breaks lines before clause keywords and indents by parenthesis depth: every
token keeps its exact text and order, comments and string literals are never touched, and
`same_tokens` proves it for each text before it is shown (otherwise the text is shown as is).
"""

from __future__ import annotations

INDENT = "  "
# clause keywords that start a new line (sqlglot token types; JOIN variants break at their first word)
_BREAK_BEFORE = frozenset(
    {
        "SELECT",
        "FROM",
        "WHERE",
        "GROUP_BY",
        "HAVING",
        "QUALIFY",
        "WINDOW",
        "ORDER_BY",
        "LIMIT",
        "OFFSET",
        "UNION",
        "INTERSECT",
        "EXCEPT",
        "JOIN",
        "LEFT",
        "RIGHT",
        "FULL",
        "INNER",
        "CROSS",
        "NATURAL",
        "WITH",
    }
)
_JOIN_MODIFIERS = frozenset({"LEFT", "RIGHT", "FULL", "INNER", "CROSS", "NATURAL", "OUTER"})


def _tokens(sql: str, dialect: str) -> list[object] | None:
    try:
        from sqlglot.dialects.dialect import Dialect

        return list(Dialect.get_or_raise(dialect).tokenize(sql))
    except Exception:
        return None


def _texts(sql: str, tokens: list[object]) -> list[str]:
    return [sql[t.start : t.end + 1] for t in tokens]  # type: ignore[attr-defined]


def same_tokens(a: str, b: str, dialect: str) -> bool:
    """Whether two texts differ only in the whitespace between tokens (comments included)."""
    ta, tb = _tokens(a, dialect), _tokens(b, dialect)
    if ta is None or tb is None or len(ta) != len(tb):
        return False
    if _texts(a, ta) != _texts(b, tb):
        return False
    return _gaps(a, ta, keep_space=False) == _gaps(b, tb, keep_space=False)


def _gaps(sql: str, tokens: list[object], keep_space: bool = True) -> list[str]:
    """The text between consecutive tokens (and before the first, after the last); without
    `keep_space`, only its non-whitespace part (comments) remains, for comparison."""
    out, position = [], 0
    for token in tokens:
        gap = sql[position : token.start]  # type: ignore[attr-defined]
        out.append(gap if keep_space else "".join(gap.split()))
        position = token.end + 1  # type: ignore[attr-defined]
    tail = sql[position:]
    out.append(tail if keep_space else "".join(tail.split()))
    return out


def layout(sql: str, dialect: str = "duckdb") -> str:
    """`sql` with line breaks before clauses, indented by parenthesis depth; `sql` itself when it
    already spans lines, when it cannot be tokenized, or when the result would differ in anything
    but whitespace."""
    text = sql.strip()
    if "\n" in text:
        return text  # the author's own layout (a person's edit) is left alone
    tokens = _tokens(text, dialect)
    if not tokens:
        return text
    gaps = _gaps(text, tokens)
    kinds = [t.token_type.name for t in tokens]  # type: ignore[attr-defined]
    out: list[str] = [gaps[0]]
    depth = 0
    selects: list[int] = []  # the depth of each SELECT still open: its clauses break at that depth
    for i, (token, kind) in enumerate(zip(tokens, kinds)):
        gap = gaps[i]
        if kind == "SELECT":
            while selects and selects[-1] >= depth + 1:
                selects.pop()
            if not selects or selects[-1] != depth:
                selects.append(depth)
        at_clause_level = bool(selects) and selects[-1] == depth
        if (
            i > 0
            and gap.strip() == ""
            and kind in _BREAK_BEFORE
            and (kind == "SELECT" or at_clause_level or not selects)
        ):
            if kind in _JOIN_MODIFIERS:
                following = next((k for k in kinds[i + 1 :] if k not in _JOIN_MODIFIERS), "")
                breaks = following == "JOIN" and kinds[i - 1] not in _JOIN_MODIFIERS
            else:
                breaks = not (kind == "JOIN" and kinds[i - 1] in _JOIN_MODIFIERS)
            if breaks:
                gap = "\n" + INDENT * depth
        if i > 0:
            out.append(gap)
        out.append(text[token.start : token.end + 1])  # type: ignore[attr-defined]
        if kind == "L_PAREN":
            depth += 1
        elif kind == "R_PAREN":
            depth = max(depth - 1, 0)
            while selects and selects[-1] > depth:
                selects.pop()
    out.append(gaps[-1])
    result = "".join(out)
    return result if same_tokens(text, result, dialect) else text


# What a person cannot see or that moves text around on a terminal: controls (but newline and
# tab), format characters (bidi overrides, zero-width ones), surrogates, private use, and every
# space or separator but the plain space.
_UNSEEN = frozenset({"Cc", "Cf", "Cs", "Co", "Zs", "Zl", "Zp"})


def visible(sql: str) -> str:
    """`sql` for display with each invisible or control character written as `\\u202e` (or
    `\\U0001f3f4` beyond the first plane), so what a person approves shows every character the
    engine would read. The guard refuses such characters in the text that runs; this is what a
    refused text, a person's own edit and anything a later change lets through look like."""
    import unicodedata

    out = []
    for char in sql:
        if char in "\n\t" or (char == " ") or unicodedata.category(char) not in _UNSEEN:
            out.append(char)
        elif ord(char) > 0xFFFF:
            out.append(f"\\U{ord(char):08x}")
        else:
            out.append(f"\\u{ord(char):04x}")
    return "".join(out)
