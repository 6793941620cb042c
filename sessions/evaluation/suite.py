"""Evaluation suites: questions with gold SQL (one or several acceptable), a database, a category.

Files are JSONL or CSV with `id`, `question`, `gold_sql` (a string, or a JSON list of
alternatives), `db`, optional `category` and `instructions` — the format `analyst sessions export
--as suite` writes, so suites exported from sessions run here unchanged.  An optional
`order_sensitive` (true/false) says whether the rows must come in the gold's order; without it
the question's words decide (order_policy.py).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.jsonl import JsonlError, decode_text, jsonl_objects
from tools.redaction import is_url_shaped, redact_secrets


class SuiteError(Exception):
    """A malformed suite; the message names the file and line."""


@dataclass(frozen=True)
class SuiteItem:
    id: str
    question: str
    gold: tuple[str, ...]  # acceptable gold queries: matching any one is correct
    db: str | None  # a path or URL; None means the run's --db
    category: str = "uncategorized"
    instructions: str = ""
    kind: str = "sql"  # "sql", or "refusal" when the right answer is to decline
    db_label: str = ""  # short name for per-database metrics
    line: int = 0  # where the question is in its file (0: not from a file), for errors that name it
    order_sensitive: bool | None = None  # does the row order count?  None: the question's words decide
    examples: tuple[tuple[str, str], ...] = ()  # the question's own k-shot (question, SQL) pairs, for eval --examples

    @property
    def prompt(self) -> str:
        """The question as the model sees it (instructions after it, as defog's prompts do)."""
        return f"{self.question}\n\nInstructions: {self.instructions}" if self.instructions else self.question


@dataclass(frozen=True)
class Suite:
    name: str
    hash: str  # of the items, so two runs can tell they used the same questions
    items: tuple[SuiteItem, ...]
    dialect: str = "duckdb"


def suite_hash(items: tuple[SuiteItem, ...]) -> str:
    digest = hashlib.sha256()
    for item in items:
        fields: list[object] = [
            item.id,
            item.question,
            list(item.gold),
            item.db_label,
            item.category,
            item.instructions,
            item.kind,
        ]
        if item.order_sensitive is not None:  # scored differently; absent, the hash of older suites stays
            fields.append(item.order_sensitive)
        digest.update(json.dumps(fields).encode())
    return digest.hexdigest()[:16]


def _gold(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str) and value.strip():
        if value.lstrip().startswith("["):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                return (value,)
        else:
            return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
        return tuple(value)
    raise SuiteError(f'{where}: "gold_sql" must be a SQL string or a non-empty list of them')


def _order_sensitive(value: Any, where: str) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    raise SuiteError(f'{where}: "order_sensitive" must be true or false')


def _item(row: dict[str, Any], number: int, base: Path, where: str) -> SuiteItem:
    question = row.get("question")
    if not isinstance(question, str) or not question.strip():
        raise SuiteError(f'{where}: missing "question"')
    db = row.get("db") or None
    if isinstance(db, str) and not is_url_shaped(db) and not Path(db).is_absolute():
        db = str(base / db)
    kind = str(row.get("kind") or "sql")
    gold = _gold(row.get("gold_sql"), where) if kind == "sql" or row.get("gold_sql") else ()
    return SuiteItem(
        id=str(row.get("id") or f"line-{number}"),
        question=question.strip(),
        gold=gold,
        db=db,
        category=str(row.get("category") or "uncategorized"),
        instructions=str(row.get("instructions") or ""),
        kind=kind,
        db_label=_label(db),
        line=number,
        order_sensitive=_order_sensitive(row.get("order_sensitive"), where),
        examples=_examples(row.get("examples"), where),
    )


def _examples(value: Any, where: str) -> tuple[tuple[str, str], ...]:
    """A line's own k-shot examples: `"examples": [{"question": ..., "sql": ...}, ...]`."""
    if value is None:
        return ()
    pairs = []
    for entry in value if isinstance(value, list) else [value]:
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("question"), str)
            or not isinstance(entry.get("sql"), str)
        ):
            raise SuiteError(f'{where}: "examples" must be a list of {{"question": ..., "sql": ...}}')
        pairs.append((entry["question"], entry["sql"]))
    return tuple(pairs)


def _label(db: object) -> str:
    """The short name per-database metrics, run logs and `--out` show: a file's stem, or a URL
    with its credentials masked (the run log is kept and shared; the password must not be)."""
    if not isinstance(db, str) or not db:
        return "default"
    return redact_secrets(db) if is_url_shaped(db) else Path(db).stem


def load_suite(path: Path) -> Suite:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SuiteError(f"cannot read suite {path}: {exc.strerror}") from None
    try:
        text = decode_text(data, f"suite {path}")
    except JsonlError as exc:
        raise SuiteError(str(exc)) from None
    rows: list[tuple[int, dict[str, Any]]] = []
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        rows = [(reader.line_num, row) for row in reader]
    else:
        try:
            rows = jsonl_objects(text, path)
        except JsonlError as exc:
            raise SuiteError(str(exc)) from None
    items = tuple(_item(row, number, path.parent, f"{path}, line {number}") for number, row in rows)
    if not items:
        raise SuiteError(f"{path} holds no questions")
    seen: dict[str, int] = {}
    for (number, _), item in zip(rows, items):
        if item.id in seen:
            raise SuiteError(f"{path}: duplicate id {item.id!r} on lines {seen[item.id]} and {number}")
        seen[item.id] = number
    return Suite(path.stem, suite_hash(items), items)
