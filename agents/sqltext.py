"""SQL from plain-text replies, for models without native tool calling.

The first fenced ```sql block is the proposal; two *different* blocks are ambiguous and get a
repair prompt, while the same query repeated (common in chatty models) counts once.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"```[ \t]*(sql|postgresql|postgres|duckdb)?[ \t]*\n(.*?)```", re.DOTALL | re.IGNORECASE)
_LOOKS_LIKE_SQL = re.compile(r"^\s*(with|select|from)\b", re.IGNORECASE)


def _normal(sql: str) -> str:
    return " ".join(sql.strip().rstrip(";").split()).lower()


def extract_sql_blocks(text: str) -> list[str]:
    """Distinct SQL blocks in order: ```sql fences, or bare fences whose body starts like a query."""
    blocks: list[str] = []
    seen: set[str] = set()
    for match in _FENCE.finditer(text):
        language, body = match.group(1), match.group(2).strip()
        if not body or (language is None and not _LOOKS_LIKE_SQL.match(body)):
            continue
        key = _normal(body)
        if key not in seen:
            seen.add(key)
            blocks.append(body)
    return blocks
