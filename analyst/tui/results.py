"""The results panel: the capped result as a table with column types, its row count and truncation
mark, or a bar chart of it on demand; and the work on the shown result, each in a worker: show more
(the same SQL again with a higher cap), export (streamed to a file), a table's sample rows."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from analyst.render import inert
from analyst.tui.chart import bar_chart, is_number
from analyst.tui.messages import ExportFinished, ExportProgressed, SideQueryFinished
from tools.fingerprint import normalize_value

CELL_CHARS = 80
SAMPLE_ROWS = 20
MORE_FACTOR = 10
MORE_MAX_ROWS = 100_000


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


def quote_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


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
    """Shows one result at a time and runs the work on it; the app says what to show."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.shown: ShownResult | None = None
        self.charting = False
        self.database: Any = None  # SharedDatabase
        self.limits: Any = None
        self.check: Callable[[str], Any] | None = None
        self.export_stem = "analyst-result"
        self.export_job: Any = None
        self.log_event: Callable[[Any], None] | None = None  # the session log, for the queries run here

    def _log(self, event: Any) -> None:
        """Record a query run from here in the session log (called on the worker thread)."""
        if self.log_event is None:
            return
        try:
            self.log_event(event)
        except Exception as exc:  # noqa: BLE001 - the query ran; say that its record is missing
            self.app.call_from_thread(self.notify, f"The query ran but could not be logged: {exc}", severity="error", markup=False)

    def attach(self, database: Any, limits: Any, check: Callable[[str], Any], export_stem: str) -> None:
        self.database, self.limits, self.check, self.export_stem = database, limits, check, export_stem

    def compose(self) -> ComposeResult:
        yield Static(id="results-summary", markup=False)
        table: DataTable[Any] = DataTable(id="results-table", header_height=2, zebra_stripes=True)
        yield table
        with VerticalScroll(id="results-chart"):
            yield Static(id="results-chart-body", markup=False)

    # -- rendering -------------------------------------------------------------------------------

    def show(self, shown: ShownResult) -> None:
        self.shown = shown
        self.charting = False
        self.add_class("visible")
        result = shown.result
        self._show_summary()
        table = self.query_one("#results-table", DataTable)
        table.clear(columns=True)
        for column in result.columns:
            label = Text(inert(column.name), style="bold")
            label.append("\n" + inert(column.type), style="dim")
            table.add_column(label)
        table.add_rows([cell(v) for v in row] for row in result.rows)
        self._set_mode()

    def _show_summary(self, export_note: str = "") -> None:
        if self.shown is None:
            return
        line = summary(self.shown)
        if export_note:
            line.append(f" · {export_note}", style="bold cyan")
        self.query_one("#results-summary", Static).update(line)

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

    # -- show more and samples -------------------------------------------------------------------

    def show_more(self) -> None:
        """Run the shown SQL again (same text, same hash) with a higher row cap."""
        shown = self.shown
        if shown is None or self.database is None:
            return
        if not shown.result.truncated:
            self.notify(f"All {shown.result.row_count:,} rows are shown already.")
            return
        cap = min(shown.max_rows * MORE_FACTOR, MORE_MAX_ROWS)
        if cap <= shown.max_rows:
            self.notify(f"The table holds at most {MORE_MAX_ROWS:,} rows; export (x) writes all of them.")
            return
        self.notify(f"Running the same SQL again for up to {cap:,} rows…")
        self._query("more", shown.title, shown.sql, cap)

    def show_sample(self, table: Any) -> None:
        """A table's first rows (our SQL, still checked by the guard before it runs)."""
        if self.database is None:
            return
        columns = ", ".join(quote_name(c.name) for c in table.columns) or "*"  # excluded columns stay out
        sql = f"SELECT {columns} FROM {quote_name(table.schema)}.{quote_name(table.name)} LIMIT {SAMPLE_ROWS}"
        self._query("sample", f"sample of {table.qualified}", sql, SAMPLE_ROWS)

    @work(thread=True, group="results", exit_on_error=False)
    def _query(self, purpose: str, title: str, sql: str, max_rows: int) -> None:
        from tools.databases.base import Limits, QueryError

        limits = Limits(timeout_s=self.limits.timeout_s, max_rows=max_rows, max_cell_bytes=self.limits.max_cell_bytes)
        if purpose == "sample":
            assert self.check is not None
            verdict = self.check(sql)
            if not verdict.ok:
                self.post_message(SideQueryFinished(purpose, title, sql, QueryError("rejected", verdict.problems[0].message), max_rows))
                return
            sql = verdict.sql
        from analyst.tui.screen_log import query_event

        outcome = self.database.run(sql, limits)
        self._log(query_event(purpose, sql, outcome))
        self.post_message(SideQueryFinished(purpose, title, sql, outcome, max_rows))

    @on(SideQueryFinished)
    def _query_finished(self, message: SideQueryFinished) -> None:
        if not self.is_mounted:
            return
        outcome = message.outcome
        if not hasattr(outcome, "rows"):
            self.notify(f"{message.title}: {outcome.message}", title=f"Query {outcome.kind}", severity="warning", markup=False)
            return
        previous = self.shown
        if message.purpose == "more" and previous is not None:
            self.show(ShownResult(previous.title, message.sql, previous.sql_hash, outcome, message.max_rows, previous.from_loop))
        else:
            self.show(ShownResult(message.title, message.sql, None, outcome, message.max_rows, False))
        self.app.refresh_bindings()

    # -- export ----------------------------------------------------------------------------------

    def export(self) -> None:
        """Ask for a format and a file, then stream every row of the shown SQL to it."""
        from analyst.tui.export import default_path
        from analyst.tui.export_screen import ExportScreen

        shown = self.shown
        if shown is None or self.database is None:
            return
        if self.export_job is not None:
            self.notify("An export is running; Esc cancels it.", severity="warning")
            return

        def chosen(choice: tuple[str, Path] | None) -> None:
            from analyst.tui.export import ExportJob

            if choice is not None:
                fmt, path = choice
                self.export_job = ExportJob(self.database.inner, shown.sql, path, fmt)
                self._show_summary(f"exporting to {path.name}… (Esc cancels)")
                self.app.refresh_bindings()
                self._export(self.export_job)

        self.app.push_screen(ExportScreen(default_path(Path.cwd(), self.export_stem, "csv")), chosen)

    def cancel_export(self) -> None:
        if self.export_job is not None:
            self.export_job.cancel()

    @work(thread=True, group="export", exit_on_error=False)
    def _export(self, job: Any) -> None:
        from analyst.tui.export import ExportError

        last = [0.0]

        def progress(rows: int) -> None:
            now = time.monotonic()
            if now - last[0] > 0.25:
                last[0] = now
                self.post_message(ExportProgressed(rows))

        from analyst.tui.screen_log import export_event

        started = time.monotonic()
        try:
            rows = job.run(progress)
        except ExportError as exc:
            error: str | None = str(exc)
            rows = 0
        except Exception as exc:  # noqa: BLE001 - shown as a notice
            error, rows = f"{type(exc).__name__}: {exc}", 0
        else:
            error = None
        self._log(export_event(job.sql, str(job.path), rows, (time.monotonic() - started) * 1000, error))
        self.post_message(ExportFinished(str(job.path), rows, error))

    @on(ExportProgressed)
    def _export_progressed(self, message: ExportProgressed) -> None:
        if self.is_mounted and self.export_job is not None:
            self._show_summary(f"exporting to {self.export_job.path.name}: {message.rows:,} rows (Esc cancels)")

    @on(ExportFinished)
    def _export_finished(self, message: ExportFinished) -> None:
        if not self.is_mounted:
            return
        self.export_job = None
        self._show_summary()
        if message.error:
            self.notify(message.error, title="Export failed", severity="error", markup=False)
        else:
            self.notify(f"Wrote {message.rows:,} rows to {message.path}", title="Exported", markup=False)
        self.app.refresh_bindings()
