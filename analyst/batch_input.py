"""Batch input files: JSONL `{"id", "question", "db"?}`, CSV with a `question` header, or text.

Every problem names the file and the line, because a batch file is often hundreds of lines long
and "invalid input" alone sends the person hunting.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from analyst.config import utf8_text
from analyst.errors import UserError
from tools.redaction import is_url_shaped


@dataclass(frozen=True)
class BatchItem:
    id: str
    question: str
    db: str | None  # a row's own database, resolved relative to the input file
    line: int


def _resolve_db(value: object, base: Path, where: str) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise UserError(f'{where}: "db" must be a string')
    if is_url_shaped(value):  # any URL, whatever its spelling, is never a path to resolve
        return value
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else (base / path))


def _jsonl(text: str, path: Path) -> list[BatchItem]:
    from tools.jsonl import JsonlError, jsonl_objects

    try:
        rows = jsonl_objects(text, path, hint='; each line must be an object like {"id": "q1", "question": "..."}')
    except JsonlError as exc:
        raise UserError(str(exc)) from None
    items = []
    for number, row in rows:
        where = f"{path}, line {number}"
        question = row.get("question")
        if not isinstance(question, str) or not question.strip():
            raise UserError(f'{where}: missing "question" (a non-empty string)')
        raw_id = row.get("id")
        item_id = str(raw_id) if raw_id not in (None, "") else f"line-{number}"
        items.append(BatchItem(item_id, question.strip(), _resolve_db(row.get("db"), path.parent, where), number))
    return items


def _csv(text: str, path: Path) -> list[BatchItem]:
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip().lower() for f in (reader.fieldnames or [])]
    if "question" not in fields:
        raise UserError(
            f'{path}, line 1: the CSV header has no "question" column (found: {", ".join(fields) or "nothing"})'
        )
    reader.fieldnames = fields
    items = []
    for row in reader:
        number = reader.line_num
        question = (row.get("question") or "").strip()
        if not question:
            raise UserError(f'{path}, line {number}: the "question" cell is empty')
        item_id = (row.get("id") or "").strip() or f"line-{number}"
        items.append(
            BatchItem(
                item_id,
                question,
                _resolve_db((row.get("db") or "").strip(), path.parent, f"{path}, line {number}"),
                number,
            )
        )
    return items


def _text(text: str) -> list[BatchItem]:
    return [
        BatchItem(f"line-{number}", line.strip(), None, number)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]


def read_batch(path: Path) -> list[BatchItem]:
    """Parse a batch file by its suffix; duplicate ids are an error naming both lines."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"batch file not found: {path}") from None
    except OSError as exc:
        raise UserError(f"cannot read batch file {path}: {exc.strerror}") from None
    text = utf8_text(data, f"batch file {path}")
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        items = _jsonl(text, path)
    elif suffix == ".csv":
        items = _csv(text, path)
    else:
        items = _text(text)
    if not items:
        raise UserError(
            f'{path} holds no questions; write one per line (text), one JSON object per line (.jsonl), or a CSV with a "question" column'
        )
    seen: dict[str, int] = {}
    for item in items:
        if item.id in seen:
            raise UserError(
                f"{path}: duplicate id {item.id!r} on lines {seen[item.id]} and {item.line}; ids must be unique"
            )
        seen[item.id] = item.line
    return items
