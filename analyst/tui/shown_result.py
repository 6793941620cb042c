"""A result on screen: where it came from (`ShownResult`), and how its cells and summary line are
drawn (inert text, numbers right-aligned, long text clipped)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text

from analyst.render import inert
from analyst.tui.chart import is_number
from tools.fingerprint import normalize_value

if TYPE_CHECKING:
    from tools.databases.base import QueryResult

CELL_CHARS = 80


@dataclass(frozen=True)
class ShownResult:
    """A result on screen and where it came from; `sql` re-runs it (other pages, export).
    `offset`: rows before the shown ones (a later page); `max_rows` is the page size."""

    title: str
    sql: str
    sql_hash: str | None
    result: QueryResult
    max_rows: int
    from_loop: bool  # the loop ran it for a question (so it can be rated)
    offset: int = 0


def cell(value: Any) -> Text:
    """One cell as inert text; numbers right-aligned, NULL dimmed, long text clipped."""
    if value is None:
        return Text("NULL", style="dim")
    normalized = normalize_value(value)
    if isinstance(normalized, (dict, list)):
        text = json.dumps(normalized, ensure_ascii=False)
    elif isinstance(normalized, bool):
        text = "true" if normalized else "false"
    else:
        text = str(normalized)
    text = inert(text).replace("\n", " ")
    if len(text) > CELL_CHARS:
        text = text[: CELL_CHARS - 1] + "…"
    return Text(text, justify="right" if is_number(value) else "left")


def quote_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def summary(shown: ShownResult) -> Text:
    result = shown.result
    out = Text()
    out.append(inert(shown.title), style="bold")
    if shown.offset:
        last = shown.offset + result.row_count
        out.append(
            f" · rows {shown.offset + 1:,}–{last:,}" if result.row_count else f" · no rows after row {shown.offset:,}",
            style="bold",
        )
        if result.truncated:
            out.append(" · more rows exist (m: next page, M: previous)", style="bold yellow")
        else:
            out.append(f" of {last:,} (M: previous page)", style="bold")
    else:
        out.append(f" · {result.row_count:,} rows", style="bold")
        if result.truncated:
            out.append(f" · ✂ truncated at {shown.max_rows:,}: more rows exist (m: next page)", style="bold yellow")
    out.append(f" · {result.elapsed_ms:,.0f} ms", style="dim")
    return out
