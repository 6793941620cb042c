"""Shared pieces of the security corpus tests: comparing results, classifying what the engine did
with an attack that bypassed the guard, and the engine-only report."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from tests.security.loader import Entry

# Text that must never come back from a file read, whatever else the engine lets through.
FILE_MARKERS = ("root:x:0:0", "root:*:0:0", "PATH=/")
REPORT_DIR_ENV = "ANALYST_SECURITY_REPORT_DIR"


def normalized_rows(rows: Any) -> list[str]:
    """Rows as sortable text, with numbers compared by value (a regenerated `EXTRACT` returns
    numeric where the original `date_part` returned double precision)."""
    return sorted(repr(tuple(_value(v) for v in row)) for row in rows)


def _value(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float, Decimal)):
        number = float(value)
        return round(number, 9) if number == number else "nan"
    if isinstance(value, (list, tuple)):
        return tuple(_value(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), _value(v)) for k, v in value.items()))
    if isinstance(value, (datetime.date, datetime.time, datetime.timedelta)):
        return value.isoformat() if hasattr(value, "isoformat") else str(value)
    return value


@dataclass
class Outcome:
    """What executing one attack directly (no guard) did on the engine."""

    entry: Entry
    kind: str  # "refused", "stopped" or "ran"
    detail: str
    leaked: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()


def classify(result: Any, secrets: dict[str, str]) -> tuple[str, str, tuple[str, ...]]:
    """(kind, detail, leaked) for a QueryResult/QueryError or an exception."""
    if isinstance(result, BaseException):
        return "refused", f"{type(result).__name__}: {str(result).splitlines()[0][:90]}", ()
    rows = getattr(result, "rows", None)
    if rows is None:
        kind = "stopped" if result.kind in ("timeout", "interrupted") else "refused"
        return kind, result.message.splitlines()[0][:90], ()
    text = repr(rows)
    leaked = tuple(label for label, marker in secrets.items() if marker in text)
    leaked += tuple("file contents" for marker in FILE_MARKERS if marker in text)[:1]
    columns = ", ".join(c.name for c in result.columns)[:60]
    return "ran", f"{len(rows)} row(s): {columns}", leaked


@dataclass
class Report:
    """Attacks the engine layer alone let run, written as a markdown table for the reviewer."""

    engine: str
    outcomes: list[Outcome] = field(default_factory=list)

    def markdown(self) -> str:
        ran = [o for o in self.outcomes if o.kind == "ran"]
        counts = {k: sum(1 for o in self.outcomes if o.kind == k) for k in ("refused", "stopped", "ran")}
        lines = [
            f"## {self.engine}: {len(self.outcomes)} attacks executed without the guard",
            "",
            f"refused by the engine: {counts['refused']}, stopped by the time limit: "
            f"{counts['stopped']}, ran: {counts['ran']}, changed anything: "
            f"{sum(1 for o in self.outcomes if o.changed)}",
            "",
            "| line | category | statement | result | leaked |",
            "| --- | --- | --- | --- | --- |",
        ]
        for o in ran:
            sql = " ".join(o.entry.sql.split())
            sql = (sql[:90] + "…") if len(sql) > 90 else sql
            printable = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in sql)
            cells = [str(o.entry.line), o.entry.category, f"`{printable}`", o.detail, ", ".join(o.leaked) or "-"]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        return "\n".join(lines) + "\n"

    def write(self) -> None:
        folder = os.environ.get(REPORT_DIR_ENV)
        if not folder or not self.outcomes:
            return
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / f"engine_only_{self.engine.lower()}.md").write_text(self.markdown())


def files_under(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under `folder` with its size and mtime, to spot anything created or touched."""
    found: dict[str, tuple[int, int]] = {}
    for path in folder.rglob("*"):
        try:
            stat = path.lstat()
        except OSError:
            continue
        found[str(path)] = (stat.st_size, stat.st_mtime_ns)
    return found
