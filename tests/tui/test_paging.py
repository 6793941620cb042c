"""Paging a result in the app (`m` next page, `M` previous): the approved SQL streamed again, one
page kept, progress shown while the rows before the page are read, Esc cancels; and the page
reader itself on a large DuckDB result, with memory bounded by the page."""

from __future__ import annotations

import threading

import duckdb
import pytest

from tests.tui.drive import SIZE, answered, ask, notices, ready, rendered, until_approval, until_idle, wait_for

ITEMS_SQL = "SELECT order_id, line_number, line_total FROM order_items ORDER BY order_id, line_number"


def expected(sample_db, sql: str) -> list[tuple]:
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def summary_text(app) -> str:
    return rendered(app.query_one("#results-summary"))


async def answered_app(make_app, **flags):
    app, _ = make_app(answered(ITEMS_SQL, "Here they are."), **flags)
    return app


async def approve_result(pilot) -> None:
    await ready(pilot)
    await ask(pilot, "order lines")
    await until_approval(pilot)
    await pilot.press("a")
    await until_idle(pilot)
    await pilot.press("escape")


@pytest.mark.asyncio
async def test_pages_forward_and_back_through_the_approved_sql(make_app, sample_db) -> None:
    rows = expected(sample_db, ITEMS_SQL)
    app = await answered_app(make_app, max_rows=5)
    async with app.run_test(size=SIZE) as pilot:
        await approve_result(pilot)
        first = app.results.shown
        assert list(first.result.rows) == [tuple(r) for r in rows[:5]] and first.result.truncated
        await pilot.press("m")
        await wait_for(pilot, lambda: app.results.shown.offset == 5, "page 2")
        await pilot.press("m")
        await wait_for(pilot, lambda: app.results.shown.offset == 10, "page 3")
        page = app.results.shown
        assert list(page.result.rows) == rows[10:15] and page.result.truncated
        assert page.sql == first.sql and page.sql_hash == first.sql_hash and page.from_loop
        assert "rows 11–15" in summary_text(app) and "more rows exist" in summary_text(app)
        assert app.query_one("#results-table").row_count == 5  # one page on screen, not 15 rows
        await pilot.press("M")
        await wait_for(pilot, lambda: app.results.shown.offset == 5, "back to page 2")
        assert list(app.results.shown.result.rows) == rows[5:10]
        await pilot.press("M")
        await wait_for(pilot, lambda: app.results.shown.offset == 0, "back to page 1")
        assert list(app.results.shown.result.rows) == rows[:5] and "truncated at 5" in summary_text(app)
        await pilot.press("M")
        await wait_for(pilot, lambda: any("first page" in n for n in notices(app)), "the first-page notice")


@pytest.mark.asyncio
async def test_the_last_page_says_so_and_m_stops_there(make_app, sample_db) -> None:
    rows = expected(sample_db, ITEMS_SQL)
    assert len(rows) == 2799
    app = await answered_app(make_app, max_rows=1000)
    async with app.run_test(size=SIZE) as pilot:
        await approve_result(pilot)
        await pilot.press("m")
        await wait_for(pilot, lambda: app.results.shown.offset == 1000, "page 2")
        await pilot.press("m")
        await wait_for(pilot, lambda: app.results.shown.offset == 2000, "page 3")
        last = app.results.shown
        assert list(last.result.rows) == rows[2000:] and not last.result.truncated
        assert "rows 2,001–2,799 of 2,799" in summary_text(app)
        await pilot.press("m")
        await wait_for(pilot, lambda: any("No more rows" in n for n in notices(app)), "the no-more-rows notice")
        assert app.results.shown is last


class GatedStreams:
    """The sample database, whose streams stop after their first chunk until the test releases
    them (an event, not a sleep), as a deep page on a big result takes a while to reach."""

    def __init__(self, inner) -> None:
        self._inner = inner
        self.release = threading.Event()
        self.cancelled = threading.Event()

    def __getattr__(self, name: str):
        return getattr(self._inner, name)

    def stream(self, sql: str, timeout_s: float):
        return GatedStream(self._inner.stream(sql, timeout_s), self)


class GatedStream:
    def __init__(self, inner, gate: GatedStreams) -> None:
        self._inner, self._gate = inner, gate
        self.columns = inner.columns

    def chunks(self):
        for chunk in self._inner.chunks():
            yield chunk
            while not (self._gate.release.is_set() or self._gate.cancelled.is_set()):
                self._gate.release.wait(0.01)

    def cancel(self) -> None:
        self._gate.cancelled.set()
        self._inner.cancel()

    def close(self) -> None:
        self._inner.close()


@pytest.mark.asyncio
async def test_reading_a_page_shows_progress_and_esc_cancels_it(make_app, sample_db) -> None:
    rows = expected(sample_db, ITEMS_SQL)
    gates: list[GatedStreams] = []

    def wrap(database):
        gates.append(GatedStreams(database))
        return gates[-1]

    app, _ = make_app(answered(ITEMS_SQL, "Here they are."), wrap=wrap, max_rows=2500)
    async with app.run_test(size=SIZE) as pilot:
        await approve_result(pilot)
        first = app.results.shown
        await pilot.press("m")
        # the stream's first chunk (2,000 rows) is read and dropped; the page starts at 2,501
        await wait_for(pilot, lambda: "2,000 of the 2,500 before them read" in summary_text(app), "progress")
        assert "reading rows 2,501–5,000" in app.status.values["activity"]
        assert app.results.shown is first
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.results.page_job is None, "the page read to stop")
        assert gates[0].cancelled.is_set()
        assert app.results.shown is first and "truncated at 2,500" in summary_text(app)
        assert app.status.values["activity"] == "ready"
        gates[0].cancelled.clear()
        gates[0].release.set()
        await pilot.press("m")
        await wait_for(pilot, lambda: app.results.shown.offset == 2500, "page 2 once released")
        assert list(app.results.shown.result.rows) == rows[2500:]


def test_a_deep_page_keeps_one_page_in_memory(tmp_path) -> None:
    """The page reader on its own over 300,000 rows: the right rows, progress as it reads, and
    never more than the page kept (the stream's chunks are dropped as they pass)."""
    from analyst.config import load_config
    from analyst.tui.paging import PageJob
    from analyst.wiring import open_database
    from tools.databases.base import Limits

    path = tmp_path / "big.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE t AS SELECT i AS id, 'row ' || i AS label FROM range(300000) r(i)")
    database = open_database(load_config(), str(path))
    try:
        read: list[int] = []
        job = PageJob(
            database, "SELECT id, label FROM t ORDER BY id", 250_000, 1000, Limits(timeout_s=30, max_cell_bytes=4)
        )
        page = job.run(read.append)
        assert [r[0] for r in page.rows] == list(range(250_000, 251_000)) and page.truncated
        assert page.rows[0][1] == "row …"  # cells clipped as the loop clips them (max_cell_bytes 4)
        assert read == sorted(read) and read[0] < 250_000 and read[-1] <= 253_000  # stopped just past the page
        last = PageJob(database, "SELECT id FROM t ORDER BY id", 299_500, 1000, Limits(timeout_s=30)).run()
        assert [r[0] for r in last.rows] == list(range(299_500, 300_000)) and not last.truncated
    finally:
        database.close()
