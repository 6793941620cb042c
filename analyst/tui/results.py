"""The results panel: the capped result as a table with column types, its row count and truncation
mark, or a bar chart of it on demand; and the work on the shown result, each in a worker: the next
or previous page of rows (the same SQL streamed, one page kept: analyst/tui/paging.py), export
(streamed to a file), a table's sample rows."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from analyst.render import inert
from analyst.tui.chart import bar_chart
from analyst.tui.messages import ExportFinished, ExportProgressed, PageFinished, PageProgressed, SideQueryFinished
from analyst.tui.shown_result import ShownResult, cell, quote_name, summary

if TYPE_CHECKING:
    from agents.events import Event
    from analyst.tui.paging import PageJob
    from analyst.tui.shared_db import SharedDatabase
    from tools.catalog import Table
    from tools.databases.base import Limits
    from tools.guard import Verdict
    from tools.result_export import ExportJob

SAMPLE_ROWS = 20
PROGRESS_EVERY_S = 0.1


class ResultsPanel(Vertical):
    """Shows one result at a time and runs the work on it; the app says what to show."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.shown: ShownResult | None = None
        self.charting = False
        self.database: SharedDatabase | None = None  # set by attach(), once the session is open
        self.limits: Limits | None = None
        self.check: Callable[[str], Verdict] | None = None
        self.export_stem = "analyst-result"
        self.export_job: ExportJob | None = None
        self.page_job: PageJob | None = None  # while a page is read
        self.log_event: Callable[[Event], None] | None = None  # the session log, for the queries run here

    def _log(self, event: Event) -> None:
        """Record a query run from here in the session log (called on the worker thread)."""
        if self.log_event is None:
            return
        try:
            self.log_event(event)
        except Exception as exc:
            self.app.call_from_thread(
                self.notify, f"The query ran but could not be logged: {exc}", severity="error", markup=False
            )

    def attach(
        self, database: SharedDatabase, limits: Limits, check: Callable[[str], Verdict], export_stem: str
    ) -> None:
        self.database, self.limits, self.check, self.export_stem = database, limits, check, export_stem

    def compose(self) -> ComposeResult:
        yield Static(id="results-summary", markup=False)
        table: DataTable[Any] = DataTable(id="results-table", header_height=2, zebra_stripes=True)
        yield table
        with VerticalScroll(id="results-chart"):
            yield Static(id="results-chart-body", markup=False)

    # -- rendering -------------------------------------------------------------------------------

    def show(self, shown: ShownResult) -> None:
        self.cancel_page()  # a page still being read belongs to the result this one replaces
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
            body.update(
                bar_chart([c.name for c in result.columns], [c.type for c in result.columns], result.rows, width)
            )
        self._set_mode()
        return self.charting

    def _set_mode(self) -> None:
        self.query_one("#results-table").display = not self.charting
        self.query_one("#results-chart").display = self.charting

    # -- show more and samples -------------------------------------------------------------------

    def show_more(self) -> None:
        """The next page: the rows after the shown ones, as many as the page holds (`m`)."""
        shown = self.shown
        if shown is None or self.database is None:
            return
        if not shown.result.truncated:
            where = (
                f"rows {shown.offset + 1:,}–{shown.offset + shown.result.row_count:,}"
                if shown.offset
                else f"all {shown.result.row_count:,} rows"
            )
            self.notify(f"No more rows: {where} are the last.")
            return
        self._page(shown, shown.offset + shown.result.row_count)

    def show_previous(self) -> None:
        """The page before the shown one (`M`)."""
        shown = self.shown
        if shown is None or self.database is None:
            return
        if not shown.offset:
            self.notify("This is the first page.")
            return
        self._page(shown, max(shown.offset - shown.max_rows, 0))

    def _page(self, shown: ShownResult, offset: int) -> None:
        from analyst.tui.paging import PageJob
        from tools.databases.base import Limits

        if self.page_job is not None:
            self.notify("A page is being read; Esc cancels it.", severity="warning")
            return
        assert self.database is not None and self.limits is not None
        limits = Limits(
            timeout_s=self.limits.timeout_s, max_rows=shown.max_rows, max_cell_bytes=self.limits.max_cell_bytes
        )
        self.page_job = PageJob(self.database.inner, shown.sql, offset, shown.max_rows, limits, source=shown)
        self._page_progress(0)
        self.app.refresh_bindings()
        self._read_page(self.page_job)

    def cancel_page(self) -> None:
        job, self.page_job = self.page_job, None
        if job is not None:
            job.cancel()
            self._show_summary()
            self._set_activity("ready")

    @work(thread=True, group="page", exit_on_error=False)
    def _read_page(self, job: PageJob) -> None:
        from analyst.tui.paging import PageError

        last = [0.0]

        def progress(rows: int) -> None:
            now = time.monotonic()
            if now - last[0] > PROGRESS_EVERY_S:
                last[0] = now
                self.post_message(PageProgressed(job, rows))

        from analyst.tui.screen_log import page_event

        started = time.monotonic()
        try:
            result = job.run(progress)
        except PageError as exc:
            self._log(page_event(job, None, str(exc), (time.monotonic() - started) * 1000))
            self.post_message(PageFinished(job, None, str(exc)))
        except Exception as exc:
            self._log(page_event(job, None, f"{type(exc).__name__}: {exc}", (time.monotonic() - started) * 1000))
            self.post_message(PageFinished(job, None, f"{type(exc).__name__}: {exc}"))
        else:
            self._log(page_event(job, result, None, result.elapsed_ms))
            self.post_message(PageFinished(job, result, None))

    def _page_progress(self, rows: int) -> None:
        job = self.page_job
        assert job is not None
        skipped = min(rows, job.offset)
        note = f"reading rows {job.first:,}–{job.last:,}"
        if job.offset:
            note += f": {skipped:,} of the {job.offset:,} before them read"
        self._show_summary(note + " (Esc cancels)")
        self._set_activity(f"reading rows {job.first:,}–{job.last:,}")

    def _set_activity(self, activity: str) -> None:
        """The status bar says a page is being read while nothing else runs (a question's own
        activity, when one runs, is the one to show)."""
        app: Any = self.app
        if getattr(app, "phase", None) == "idle" and hasattr(app, "status"):
            app.status.set(activity=activity)

    @on(PageProgressed)
    def _page_progressed(self, message: PageProgressed) -> None:
        if self.is_mounted and message.job is self.page_job:
            self._page_progress(message.rows)

    @on(PageFinished)
    def _page_finished(self, message: PageFinished) -> None:
        job = message.job
        if not self.is_mounted or job is not self.page_job:
            return  # cancelled, or the result it paged was replaced
        self.page_job = None
        self._set_activity("ready")
        source = job.source
        if message.error is not None or message.result is None or source is None:
            self._show_summary()
            self.notify(
                f"rows {job.first:,}–{job.last:,}: {message.error or 'not read'}",
                title="Page not read",
                severity="warning",
                markup=False,
            )
        else:
            self.show(
                ShownResult(
                    source.title, source.sql, source.sql_hash, message.result, job.size, source.from_loop, job.offset
                )
            )
        self.app.refresh_bindings()

    def show_sample(self, table: Table) -> None:
        """A table's first rows (our SQL, still checked by the guard before it runs)."""
        if self.database is None:
            return
        columns = ", ".join(quote_name(c.name) for c in table.columns) or "*"  # excluded columns stay out
        sql = f"SELECT {columns} FROM {quote_name(table.schema)}.{quote_name(table.name)} LIMIT {SAMPLE_ROWS}"
        self._sample(f"sample of {table.qualified}", sql, SAMPLE_ROWS)

    @work(thread=True, group="results", exit_on_error=False)
    def _sample(self, title: str, sql: str, max_rows: int) -> None:
        """Our own SQL, so it passes the guard like any other before it runs (pages re-run the
        approved SQL through `_read_page`, exports through `ExportJob`)."""
        from analyst.tui.screen_log import query_event
        from tools.databases.base import Limits, QueryError

        assert self.check is not None and self.database is not None and self.limits is not None
        limits = Limits(timeout_s=self.limits.timeout_s, max_rows=max_rows, max_cell_bytes=self.limits.max_cell_bytes)
        verdict = self.check(sql)
        if not verdict.ok:
            self.post_message(
                SideQueryFinished("sample", title, sql, QueryError("rejected", verdict.problems[0].message), max_rows)
            )
            return
        sql = verdict.sql or sql  # the checked text (a verdict that passed always has it)
        outcome = self.database.run(sql, limits)
        self._log(query_event("sample", sql, outcome))
        self.post_message(SideQueryFinished("sample", title, sql, outcome, max_rows))

    @on(SideQueryFinished)
    def _query_finished(self, message: SideQueryFinished) -> None:
        if not self.is_mounted:
            return
        from tools.databases.base import QueryError

        outcome = message.outcome
        if isinstance(outcome, QueryError):
            self.notify(
                f"{message.title}: {outcome.message}", title=f"Query {outcome.kind}", severity="warning", markup=False
            )
            return
        self.show(ShownResult(message.title, message.sql, None, outcome, message.max_rows, False))
        self.app.refresh_bindings()

    # -- export ----------------------------------------------------------------------------------

    def export(self) -> None:
        """Ask for a format and a file, then stream every row of the shown SQL to it."""
        from analyst.tui.export_screen import ExportScreen
        from tools.result_export import default_path

        shown, database = self.shown, self.database
        if shown is None or database is None:
            return
        if self.export_job is not None:
            self.notify("An export is running; Esc cancels it.", severity="warning")
            return

        def chosen(choice: tuple[str, Path] | None) -> None:
            from tools.result_export import ExportJob

            if choice is not None:
                fmt, path = choice
                self.export_job = ExportJob(database.inner, shown.sql, path, fmt)
                self._show_summary(f"exporting to {path.name}… (Esc cancels)")
                self.app.refresh_bindings()
                self._export(self.export_job)

        self.app.push_screen(ExportScreen(default_path(Path.cwd(), self.export_stem, "csv")), chosen)

    def cancel_export(self) -> None:
        if self.export_job is not None:
            self.export_job.cancel()

    @work(thread=True, group="export", exit_on_error=False)
    def _export(self, job: ExportJob) -> None:
        from tools.result_export import ExportError

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
        except Exception as exc:
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
