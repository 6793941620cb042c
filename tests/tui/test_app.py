"""The app driven as a person would: ask, approve, edit, reject, rate, follow up, show more, chart,
export — with a scripted model over the sample database, checked on screen and in the session log."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from analyst.tui.approval import ApprovalScreen
from analyst.tui.editor import EditorScreen, SqlTextArea
from tests.tui.drive import (
    SIZE,
    answered,
    ask,
    conversation_text,
    log_events,
    notices,
    ready,
    rendered,
    run_sql,
    say,
    until_approval,
    until_idle,
    wait_for,
)

STATUS_SQL = "SELECT status, count(*) AS n FROM orders GROUP BY status ORDER BY n DESC"


def table_rows(app) -> list[tuple[str, ...]]:
    table = app.query_one("#results-table", DataTable)
    return [tuple(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]


@pytest.mark.asyncio
async def test_ask_approve_shows_the_result_rows(make_app) -> None:
    from tools.databases.base import Limits

    app, _ = make_app(answered(STATUS_SQL, "Most orders are completed.", plan="Count orders by status."))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await ask(pilot, "How many orders per status?")
        screen = await until_approval(pilot)
        assert "ORDER BY n DESC" in screen.pending.sql
        await pilot.press("a")
        await until_idle(pilot)
        expected = app.shared.run(STATUS_SQL, Limits()).rows
        assert table_rows(app) == [(status, str(n)) for status, n in expected]
        assert app.results.shown.result.rows == expected
        assert not isinstance(app.screen, ApprovalScreen)
    kinds = [e["type"] for e in log_events(app)]
    assert kinds[0] == "session_started" and kinds[-1] == "run_finished"
    assert log_events(app, "approval_decided")[0]["decision"] == "approve"
    assert log_events(app, "run_finished")[0]["status"] == "answered"


@pytest.mark.asyncio
async def test_edit_runs_the_edited_sql(make_app) -> None:
    edited = "SELECT region_name FROM regions ORDER BY region_name"
    app, _ = make_app(answered(STATUS_SQL, "Three regions."))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await ask(pilot, "Which regions are there?")
        await until_approval(pilot)
        await pilot.press("e")
        editor = await wait_for(pilot, lambda: isinstance(app.screen, EditorScreen) and app.screen, "the editor")
        area = editor.query_one(SqlTextArea)
        assert area.has_focus
        area.load_text(edited)
        await wait_for(
            pilot, lambda: editor.verdict is not None and editor.verdict[0] == edited, "the live check of the edit"
        )
        assert editor.verdict[1].ok
        await pilot.press("ctrl+s")
        await until_idle(pilot)
        assert [row[0] for row in table_rows(app)] == ["Europe", "North America", "Online"]
    decided = log_events(app, "approval_decided")[0]
    assert decided["decision"] == "edit" and decided["edited_sql"] == edited
    ran = log_events(app, "query_executed")
    assert [e["sql"] for e in ran] == ["SELECT region_name FROM regions ORDER BY region_name"]
    assert ran[0]["hash"] == decided["edited_hash"]


@pytest.mark.asyncio
async def test_an_edit_runs_as_typed_not_as_regenerated(make_app) -> None:
    typed = "select region_name\nfrom regions\nwhere region_name is not null -- all of them\norder by 1;"
    app, _ = make_app(answered(STATUS_SQL, "Three regions."))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await ask(pilot, "Which regions are there?")
        await until_approval(pilot)
        await pilot.press("e")
        editor = await wait_for(pilot, lambda: isinstance(app.screen, EditorScreen) and app.screen, "the editor")
        editor.query_one(SqlTextArea).load_text(typed)
        await wait_for(
            pilot, lambda: editor.verdict is not None and editor.verdict[0] == typed, "the live check of the edit"
        )
        assert editor.verdict[1].ok and editor.verdict[1].sql == typed.rstrip(";")
        await pilot.press("ctrl+s")
        await until_idle(pilot)
        assert [row[0] for row in table_rows(app)] == ["Europe", "North America", "Online"]
    ran = log_events(app, "query_executed")
    assert [e["sql"] for e in ran] == [typed.rstrip(";")]
    assert ran[0]["hash"] == log_events(app, "approval_decided")[0]["edited_hash"]


@pytest.mark.asyncio
async def test_editor_checks_live_and_refuses_a_rejected_edit(make_app) -> None:
    app, _ = make_app(answered(STATUS_SQL, "done"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await ask(pilot, "orders per status")
        await until_approval(pilot)
        await pilot.press("e")
        editor = await wait_for(pilot, lambda: isinstance(app.screen, EditorScreen) and app.screen, "the editor")
        editor.query_one(SqlTextArea).load_text("DELETE FROM orders")
        await wait_for(
            pilot, lambda: editor.verdict is not None and editor.verdict[0] == "DELETE FROM orders", "the live check"
        )
        assert not editor.verdict[1].ok
        assert "would be rejected" in rendered(editor.query_one("#editor-verdict"))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is editor  # not submitted
        await pilot.press("escape")  # leaves the text box only
        assert app.screen is editor and app.focused is None
        await pilot.press("escape")  # back to the approval screen
        await wait_for(pilot, lambda: isinstance(app.screen, ApprovalScreen), "the approval screen again")
        await pilot.press("escape")  # abort
        await until_idle(pilot)
    assert log_events(app, "run_finished")[0]["status"] == "aborted"
    assert not log_events(app, "query_executed")


@pytest.mark.asyncio
async def test_reject_with_feedback_shows_the_next_proposal(make_app) -> None:
    second = "SELECT status, count(*) AS n FROM orders WHERE order_date >= DATE '2025-01-01' GROUP BY status"
    app, model = make_app([run_sql(STATUS_SQL), run_sql(second), say("done"), say("done")])
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await ask(pilot, "orders per status")
        first = await until_approval(pilot)
        await pilot.press("r")
        feedback = first.query_one("#approval-feedback")
        assert feedback.has_focus
        feedback.value = "only orders from 2025"
        await pilot.press("enter")
        screen = await wait_for(
            pilot,
            lambda: isinstance(app.screen, ApprovalScreen) and app.screen is not first and app.screen,
            "the next proposal",
        )
        assert "2025-01-01" in screen.pending.sql
        conversation = conversation_text(app)
        assert "only orders from 2025" in conversation
        await pilot.press("a")
        await until_idle(pilot)
    sent = [m.text for m in model.requests[1].messages]
    assert any("only orders from 2025" in text for text in sent)
    assert log_events(app, "approval_decided")[0]["feedback"] == "only orders from 2025"


@pytest.mark.asyncio
async def test_y_rates_the_answer(make_app) -> None:
    app, _ = make_app(answered(STATUS_SQL, "Mostly completed."))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("y")  # nothing to rate yet
        await ask(pilot, "orders per status")
        await until_approval(pilot)
        await pilot.press("a")
        await until_idle(pilot)
        await wait_for(pilot, lambda: app.question.has_focus, "the focus back in the question box")
        await pilot.press("escape", "y")  # Esc leaves the box; then y rates
        await wait_for(pilot, lambda: log_events(app, "answer_rated"), "the rating in the log")
    rated = log_events(app, "answer_rated")
    assert len(rated) == 1 and rated[0]["verdict"] == "good"
    assert rated[0]["sql_hash"] == log_events(app, "query_executed")[0]["hash"]


@pytest.mark.asyncio
async def test_typing_y_in_the_question_box_types(make_app) -> None:
    app, _ = make_app(answered(STATUS_SQL, "ok"))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await ask(pilot, "orders per status")
        await until_approval(pilot)
        await pilot.press("a")
        await until_idle(pilot)
        await pilot.press("slash")
        assert app.question.has_focus
        await pilot.press("y", "n")
        assert app.question.value == "yn"
    assert not log_events(app, "answer_rated")


@pytest.mark.asyncio
async def test_follow_up_questions_keep_context_and_history(make_app) -> None:
    app, model = make_app(answered(STATUS_SQL, "Mostly completed.") + [say("Yes, that was orders.")])
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await ask(pilot, "orders per status")
        await until_approval(pilot)
        await pilot.press("a")
        await until_idle(pilot)
        await ask(pilot, "was that about orders?")
        await until_idle(pilot)
        app.question.focus()
        await pilot.press("up")
        assert app.question.value == "was that about orders?"
        await pilot.press("up")
        assert app.question.value == "orders per status"
        await pilot.press("down", "down")
        assert app.question.value == ""
    last = model.requests[-1]
    assert any("orders per status" in m.text for m in last.messages)  # the first turn is still there
    assert [e["turn"] for e in log_events(app, "question_asked")] == [1, 2]


@pytest.mark.asyncio
async def test_show_more_chart_and_sample(make_app) -> None:
    sql = "SELECT order_id, line_total FROM order_items ORDER BY order_id, line_number"
    app, _ = make_app(answered(sql, "Here they are."), max_rows=5)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await ask(pilot, "orders")
        await until_approval(pilot)
        await pilot.press("a")
        await until_idle(pilot)
        shown = app.results.shown
        assert shown.result.truncated and shown.result.row_count == 5
        assert "truncated at 5" in rendered(app.query_one("#results-summary"))
        await pilot.press("escape", "m")
        await wait_for(pilot, lambda: app.results.shown.offset == 5, "the next page")
        assert app.results.shown.result.row_count == 5 and "rows 6–10" in rendered(app.query_one("#results-summary"))
        assert app.results.shown.sql_hash == shown.sql_hash and app.results.shown.sql == shown.sql
        await pilot.press("c")
        assert app.results.charting
        assert "line_total by order_id" in rendered(app.query_one("#results-chart-body"))
        await pilot.press("c")
        assert not app.results.charting
        tree = app.query_one("#sidebar")
        regions = next(node for node in tree.root.children if node.data is not None and node.data.name == "regions")
        tree.focus()
        tree.move_cursor(regions)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.results.shown.title == "sample of main.regions", "the table sample")
        assert app.results.shown.result.row_count == 3


@pytest.mark.asyncio
async def test_export_to_csv_runs_in_a_worker(make_app, tmp_path) -> None:
    import csv

    sql = "SELECT order_id, status FROM orders ORDER BY order_id"
    app, _ = make_app(answered(sql, "ok"), max_rows=10)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await ask(pilot, "orders")
        await until_approval(pilot)
        await pilot.press("a")
        await until_idle(pilot)
        await pilot.press("escape", "x")
        from analyst.tui.export_screen import ExportScreen

        screen = await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen) and app.screen, "the export dialog")
        target = tmp_path / "orders.csv"
        screen.query_one("#export-path").value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, lambda: any("Wrote" in n for n in notices(app)), "the export to finish")
    rows = list(csv.reader(target.open()))
    assert rows[0] == ["order_id", "status"] and len(rows) == 1 + 1037  # every row, not the 10 shown


@pytest.mark.asyncio
async def test_help_screen_lists_the_keys(make_app) -> None:
    from analyst.tui.help import HelpScreen

    app, _ = make_app([])
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        app.set_focus(None)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")
        assert not isinstance(app.screen, HelpScreen)


@pytest.mark.asyncio
async def test_model_and_data_text_is_never_markup(make_app) -> None:
    sneaky = "[bold red]not markup[/] \x1b[2J"
    sql = "SELECT '[link=http://x]click[/link]' AS \"[b]label[/b]\""
    app, _ = make_app([run_sql(sql, sneaky), say(sneaky), say(sneaky)])
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await ask(pilot, "[i]question[/i]")
        await until_approval(pilot)
        await pilot.press("a")
        await until_idle(pilot)
        shown = conversation_text(app)
        assert "[bold red]not markup[/]" in shown and "\x1b" not in shown
        assert "[i]question[/i]" in shown
        assert table_rows(app) == [("[link=http://x]click[/link]",)]


@pytest.mark.asyncio
async def test_ctrl_r_shows_the_exact_next_request(make_app) -> None:
    from analyst.tui.request_view import RequestScreen

    app, model = make_app(answered(STATUS_SQL, "Most orders are completed."))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.question.value = "How many orders per status?"
        await pilot.press("ctrl+r")
        screen = await wait_for(pilot, lambda: isinstance(app.screen, RequestScreen) and app.screen, "the request view")
        assert "Question: How many orders per status?" in screen._text and "CREATE TABLE" in screen._text
        assert "run_sql" in screen._text and model.requests == []  # shown, not sent
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, RequestScreen), "the view to close")
        await pilot.press("enter")
        await until_approval(pilot)
        sent = model.requests[0]
        assert sent.messages[-1].text in screen._text and sent.system in screen._text


@pytest.mark.asyncio
async def test_y_twice_keeps_the_answer_as_a_verified_example(make_app) -> None:
    import json

    from analyst.example_files import store_for

    app, _ = make_app(answered(STATUS_SQL, "Mostly completed."))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await ask(pilot, "orders per status")
        await until_approval(pilot)
        await pilot.press("a")
        await until_idle(pilot)
        await wait_for(pilot, lambda: app.question.has_focus, "the focus back in the question box")
        await pilot.press("escape", "y")
        await wait_for(pilot, lambda: app.save_offered is not None, "the offer to save")
        assert not store_for(app.config, app.shared.inner).path.exists()  # rating alone saves nothing
        await pilot.press("y")
        store = store_for(app.config, app.shared.inner)
        await wait_for(pilot, store.path.exists, "the example in the store")
    (saved,) = [json.loads(line) for line in store.path.read_text().splitlines()]
    assert saved["question"] == "orders per status" and saved["origin"] == "rated_good"
    assert saved["session"] == app.session.id and len(log_events(app, "answer_rated")) == 1
