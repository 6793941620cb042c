"""The results panel: the capped result as a table with column types, its row count and truncation
mark, or a bar chart of it on demand."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from analyst.render import inert
from analyst.tui.chart import bar_chart, is_number
from tools.fingerprint import normalize_value

CELL_CHARS = 80


@dataclass(frozen=True)
class ShownResult:
    """A result on screen and where it came from; `sql` re-runs it (show more, export)."""

    title: str
    sql: str
    sql_hash: str | None
    result: Any  # tools.databases.base.QueryResult
    max_rows: int
    from_loop: bool  # the loop ran it for a question (so it can be rated)


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


def summary(shown: ShownResult) -> Text:
    result = shown.result
    out = Text()
    out.append(inert(shown.title), style="bold")
    out.append(f" · {result.row_count:,} rows", style="bold")
    if result.truncated:
        out.append(f" · ✂ truncated at {shown.max_rows:,}: more rows exist (m: show more)", style="bold yellow")
    out.append(f" · {result.elapsed_ms:,.0f} ms", style="dim")
    return out


class ResultsPanel(Vertical):
    """Shows one result at a time; the app decides which."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.shown: ShownResult | None = None
        self.charting = False

    def compose(self) -> ComposeResult:
        yield Static(id="results-summary", markup=False)
        table: DataTable[Any] = DataTable(id="results-table", header_height=2, zebra_stripes=True)
        yield table
        with VerticalScroll(id="results-chart"):
            yield Static(id="results-chart-body", markup=False)

    def show(self, shown: ShownResult) -> None:
        self.shown = shown
        self.charting = False
        self.add_class("visible")
        result = shown.result
        self.query_one("#results-summary", Static).update(summary(shown))
        table = self.query_one("#results-table", DataTable)
        table.clear(columns=True)
        for column in result.columns:
            label = Text(inert(column.name), style="bold")
            label.append("\n" + inert(column.type), style="dim")
            table.add_column(label)
        table.add_rows([cell(v) for v in row] for row in result.rows)
        self._set_mode()

    def toggle_chart(self) -> bool:
        """Switch between the table and a bar chart; returns whether the chart is shown."""
        if self.shown is None:
            return False
        self.charting = not self.charting
        if self.charting:
            result = self.shown.result
            body = self.query_one("#results-chart-body", Static)
            width = max(10, self.size.width - 40)
            body.update(bar_chart([c.name for c in result.columns], [c.type for c in result.columns], result.rows, width))
        self._set_mode()
        return self.charting

    def _set_mode(self) -> None:
        self.query_one("#results-table").display = not self.charting
        self.query_one("#results-chart").display = self.charting

    def focus_table(self) -> None:
        if self.shown is not None:
            self.query_one("#results-table", DataTable).focus()
