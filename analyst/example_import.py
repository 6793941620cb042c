"""Question→SQL pairs in a file to import as examples: the examples format, an eval suite, or
`sessions export --as suite` output (which is a suite), read one way.

A suite line's first gold SQL is the pair's SQL: the others are alternatives a scorer accepts,
not further teaching. Each pair is still verified before it is stored (analyst/commands/examples.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from analyst.errors import UserError


def pairs_in(path: Path) -> Iterator[tuple[str, str, str]]:
    """(where, question, sql) for every line of `path`; a line that is neither format is one error."""
    if path.suffix.lower() == ".csv":
        yield from _suite_pairs(path)
        return
    from tools.jsonl import JsonlError, decode_text, jsonl_objects

    try:
        lines = jsonl_objects(decode_text(path.read_bytes(), path), path)
    except FileNotFoundError:
        raise UserError(f"no file {path}") from None
    except JsonlError as exc:
        raise UserError(str(exc)) from None
    for number, obj in lines:
        where = f"{path}, line {number}"
        question = obj.get("question")
        sql = obj.get("sql")
        if sql is None:
            gold = obj.get("gold_sql")
            sql = gold[0] if isinstance(gold, list) and gold else gold
        if not isinstance(question, str) or not isinstance(sql, str) or not question.strip() or not sql.strip():
            raise UserError(f'{where}: expected {{"question": ..., "sql": ...}} or a suite line with "gold_sql"')
        yield where, question, sql


def _suite_pairs(path: Path) -> Iterator[tuple[str, str, str]]:
    from sessions.evaluation import SuiteError, load_suite

    try:
        suite = load_suite(path)
    except SuiteError as exc:
        raise UserError(str(exc)) from None
    for item in suite.items:
        yield f"{path}, line {item.line}", item.question, item.gold[0]
