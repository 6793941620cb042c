"""A horizontal bar chart of a result, drawn with unicode blocks: one label column, one number column."""

from __future__ import annotations

import decimal
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text

from analyst.render import inert

_EIGHTHS = " ▏▎▍▌▋▊▉"
_FULL = "█"
MAX_BARS = 50
_NUMERIC_TYPES = (
    "INT",
    "DECIMAL",
    "NUMERIC",
    "DOUBLE",
    "FLOAT",
    "REAL",
    "HUGEINT",
    "BIGINT",
    "SMALLINT",
    "TINYINT",
    "UBIGINT",
    "UINTEGER",
)


@dataclass(frozen=True)
class ChartColumns:
    label: int | None  # None: label bars by row number
    value: int


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool)


def pick_columns(
    column_names: Sequence[str], column_types: Sequence[str], rows: Sequence[Sequence[Any]]
) -> ChartColumns | None:
    """The first numeric column is the value and the first other column its label; None if no number."""
    numeric = [i for i, t in enumerate(column_types) if t.upper().startswith(_NUMERIC_TYPES)]
    if not numeric and rows:
        numeric = [i for i in range(len(column_names)) if all(v is None or is_number(v) for v in (r[i] for r in rows))]
    if not numeric:
        return None
    others = [i for i in range(len(column_names)) if i not in numeric]
    if others:
        return ChartColumns(others[0], numeric[0])
    if len(numeric) > 1:  # e.g. (year, revenue): the first column labels the last
        return ChartColumns(numeric[0], numeric[-1])
    label: int | None = None
    value = numeric[0]
    return ChartColumns(label, value)


def bar(fraction: float, width: int) -> str:
    """A bar `fraction` (0..1) of `width` cells long, to an eighth of a cell."""
    fraction = min(max(fraction, 0.0), 1.0)
    eighths = round(fraction * width * 8)
    full, rest = divmod(eighths, 8)
    return _FULL * full + (_EIGHTHS[rest] if rest else "")


def _format(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.2f}"


def bar_chart(
    column_names: Sequence[str], column_types: Sequence[str], rows: Sequence[Sequence[Any]], width: int = 40
) -> Text:
    """The chart as inert rich Text (labels come from data: never parsed as markup)."""
    picked = pick_columns(column_names, column_types, rows)
    if picked is None:
        return Text("No numeric column to chart.", style="dim")
    points: list[tuple[str, float]] = []
    for number, row in enumerate(rows[:MAX_BARS], start=1):
        raw = row[picked.value]
        if not is_number(raw) or (isinstance(raw, float) and not math.isfinite(raw)):
            continue
        label = (
            str(number) if picked.label is None else ("NULL" if row[picked.label] is None else str(row[picked.label]))
        )
        points.append((inert(label).replace("\n", " ")[:24], float(raw)))
    if not points:
        return Text("No numeric values to chart.", style="dim")
    largest = max(abs(v) for _, v in points) or 1.0
    label_width = max(len(label) for label, _ in points)
    title = f"{inert(column_names[picked.value])}" + (
        f" by {inert(column_names[picked.label])}" if picked.label is not None else " by row"
    )
    out = Text(title + "\n", style="bold")
    for label, value in points:
        out.append(label.rjust(label_width) + " │", style="dim")
        out.append(bar(abs(value) / largest, width), style="red" if value < 0 else "green")
        out.append(f" {_format(value)}\n")
    if len(rows) > MAX_BARS:
        out.append(f"(first {MAX_BARS} of {len(rows):,} rows)\n", style="dim")
    return out
