"""The app on a SQLite file: ask and approve, page through a truncated result, sample a table
from the sidebar and export every row, as on DuckDB (tests/tui/test_app.py)."""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sqlite_sample import sqlite_sample
from tests.tui.drive import (
    SIZE,
    AppMaker,
    answered,
    ask,
    notices,
    ready,
    rendered,
    until_approval,
    until_idle,
    wait_for,
)

SQL = "SELECT order_id, status FROM orders ORDER BY order_id"


@pytest.fixture
def make_sqlite_app(sample_db_master: Path, tmp_path: Path) -> Iterator[AppMaker]:
    maker = AppMaker(sqlite_sample(sample_db_master, tmp_path / "shop.sqlite"))
    yield maker
    maker.close()


@pytest.mark.asyncio
async def test_ask_page_sample_and_export_on_sqlite(make_sqlite_app: AppMaker, tmp_path: Path) -> None:
    con = sqlite3.connect(make_sqlite_app.sample_db)
    expected = con.execute(SQL).fetchall()
    con.close()
    app, _ = make_sqlite_app(answered(SQL, "Here they are."), max_rows=5)
    assert app.shared.dialect == "sqlite"
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await ask(pilot, "orders")
        await until_approval(pilot)
        await pilot.press("a")
        await until_idle(pilot)
        shown = app.results.shown
        assert shown.result.truncated and list(shown.result.rows) == expected[:5]
        await pilot.press("escape", "m")
        await wait_for(pilot, lambda: app.results.shown.offset == 5, "the next page")
        assert list(app.results.shown.result.rows) == expected[5:10]
        assert "rows 6–10" in rendered(app.query_one("#results-summary"))
        tree = app.query_one("#sidebar")
        regions = next(node for node in tree.root.children if node.data is not None and node.data.name == "regions")
        tree.focus()
        tree.move_cursor(regions)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.results.shown.title == "sample of main.regions", "the table sample")
        assert app.results.shown.result.row_count == 3
        await pilot.press("escape", "x")
        from analyst.tui.export_screen import ExportScreen

        screen = await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen) and app.screen, "the export dialog")
        target = tmp_path / "regions.csv"
        screen.query_one("#export-path").value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, lambda: any("Wrote" in n for n in notices(app)), "the export to finish")
    rows = list(csv.reader(target.open()))
    assert len(rows) == 1 + 3
