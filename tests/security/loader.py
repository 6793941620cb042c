"""Read the SQL corpora in tests/security/corpus/ (format described at the top of each file)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

CORPUS_DIR = Path(__file__).parent / "corpus"
SEPARATOR = "-- ---"
_CATEGORY = re.compile(r"^-- category: ([a-z_]+)\s*$")
_CHAR = re.compile(r"\{U\+([0-9A-Fa-f]{4,6})\}")


@dataclass(frozen=True)
class Entry:
    category: str
    sql: str
    line: int  # where the statement starts in the file, for messages

    @property
    def id(self) -> str:
        return f"{self.line}-{self.category}"


def load(name: str, tmp: Path | str = "/nonexistent-tmp") -> list[Entry]:
    """Entries of `corpus/<name>.sql`; `{TMP}` becomes `tmp`, `{U+XXXX}` that character."""
    text = (CORPUS_DIR / f"{name}.sql").read_text(encoding="utf-8")
    entries: list[Entry] = []
    chunk: list[str] = []
    start = 1
    for number, line in enumerate(text.split("\n") + [SEPARATOR], start=1):
        if line != SEPARATOR:
            chunk.append(line)
            continue
        entry = _entry(chunk, start, str(tmp))
        if entry is not None:
            entries.append(entry)
        chunk, start = [], number + 1
    return entries


def _entry(lines: list[str], start: int, tmp: str) -> Entry | None:
    match = _CATEGORY.match(lines[0]) if lines else None
    if match is None:
        # The header before the first separator holds only comments.
        if start != 1 or any(line.strip() and not line.startswith("--") for line in lines):
            raise ValueError(f"corpus entry at line {start} has no `-- category:` line")
        return None
    body = "\n".join(lines[1:]).strip("\n")
    if not body.strip():
        raise ValueError(f"corpus entry at line {start} is empty")
    sql = _CHAR.sub(lambda m: chr(int(m.group(1), 16)), body.replace("{TMP}", tmp))
    return Entry(match.group(1), sql, start + 1)
