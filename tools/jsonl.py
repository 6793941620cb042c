"""JSON Lines input (scripts, suites, batch questions, statements to check), read one way.

Every such file is hand-written or hand-edited, so every problem names the file and the line;
callers turn `JsonlError` into their own error type and add what a line must hold.
"""

from __future__ import annotations

import json
from typing import Any


class JsonlError(ValueError):
    """A line that is not a JSON object, or a file that is not UTF-8; the message names the source."""


def decode_text(data: bytes, source: object) -> str:
    """A hand-edited file's text: UTF-8, a leading BOM (Windows editors write one) dropped. Not
    "utf-8-sig", whose error offsets are 3 bytes short after a BOM."""
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise JsonlError(
            f"{source} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); save it as UTF-8"
        ) from None


def jsonl_objects(text: str, source: object, hint: str = "") -> list[tuple[int, dict[str, Any]]]:
    """(line number, object) for every non-blank line; `hint` says what a line should look like."""
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise JsonlError(f"{source}, line {number}: invalid JSON ({exc.msg}){hint}") from None
        if not isinstance(value, dict):
            raise JsonlError(f"{source}, line {number}: expected a JSON object{hint}")
        out.append((number, value))
    return out
