"""Queries the person runs from the results panel ("more rows", a table sample, an export) reach
the session log with their SQL hash, rows and time, and `analyst sessions show` lists them."""

from __future__ import annotations

import hashlib

import pytest

from tests.helpers import run_cli
from tests.tui.drive import SIZE, answered, ask, log_events, notices, ready, until_approval, until_idle, wait_for


@pytest.mark.asyncio
async def test_more_rows_sample_and_export_are_logged(make_app, tmp_path, capsys) -> None:
    from analyst.tui.export_screen import ExportScreen

    sql = "SELECT order_id, line_total FROM order_items ORDER BY order_id, line_number"
    app, _ = make_app(answered(sql, "Here they are."), max_rows=5)
    target = tmp_path / "lines.csv"
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await ask(pilot, "order lines")
        await until_approval(pilot)
        await pilot.press("a")
        await until_idle(pilot)
        await pilot.press("escape", "m")
        await wait_for(pilot, lambda: app.results.shown.offset == 5, "the next page")
        more_rows = app.results.shown.result.row_count
        await wait_for(pilot, lambda: log_events(app, "screen_query_ran"), "the next page's event")
        await pilot.press("x")
        screen = await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen) and app.screen, "the export dialog")
        screen.query_one("#export-path").value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, lambda: any("Wrote" in n for n in notices(app)), "the export to finish")
        await wait_for(pilot, lambda: len(log_events(app, "screen_query_ran")) == 2, "the export event")
        path = app.session.path
    more, export = log_events(app, "screen_query_ran")
    digest = hashlib.sha256(sql.encode()).hexdigest()
    assert log_events(app, "query_executed")[0]["hash"] == digest
    assert (more["purpose"], more["sql"], more["hash"], more["ok"], more["row_count"]) == (
        "more",
        sql,
        digest,
        True,
        more_rows,
    )
    assert more_rows == 5 and more["target"] == "rows 6-10" and more["truncated"] is True
    assert isinstance(more["elapsed_ms"], float)
    exported = len(target.read_text().splitlines()) - 1
    assert (export["purpose"], export["hash"], export["row_count"], export["target"]) == (
        "export",
        digest,
        exported,
        str(target),
    )
    assert exported > more_rows and export["elapsed_ms"] >= 0
    shown = run_cli(["sessions", "show", str(path)], capsys)
    assert (
        "ran from the results: a page of rows (m/M): rows 6-10" in shown.out
        and f"result: {more_rows} rows" in shown.out
    )
    assert f"export (x) to {target}" in shown.out and f"result: {exported} rows" in shown.out
