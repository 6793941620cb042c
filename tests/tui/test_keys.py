"""Keys against typing: after any outcome the focus is back in the question box, so a typed
sentence never rates, re-runs or exports the result; `/` and `?` in the empty box; ctrl+c cancels."""

from __future__ import annotations

import pytest

from analyst.tui.approval import ApprovalScreen
from analyst.tui.export_screen import ExportScreen
from analyst.tui.help import HelpScreen
from tests.tui.drive import (
    SIZE,
    answered,
    ask,
    conversation_text,
    log_events,
    notices,
    ready,
    run_sql,
    say,
    until_approval,
    until_idle,
    wait_for,
)

STATUS_SQL = "SELECT status, count(*) AS n FROM orders GROUP BY status ORDER BY n DESC"
LONG_SQL = "SELECT count(*) FROM range(1000000000000)"
SENTENCE = "your numbers look wrong check max"  # y, n, m, c and x are all result keys


async def type_text(pilot, text: str) -> None:
    await pilot.press(*("space" if ch == " " else ch for ch in text))


async def reach(pilot, outcome: str) -> None:
    """Ask once and end the run with `outcome`."""
    app = pilot.app
    if outcome in ("answered", "rejected", "aborted", "interrupted"):
        await ask(pilot, "orders per status")
        if outcome == "rejected":
            await until_idle(pilot)
            return
        await until_approval(pilot)
        if outcome == "aborted":
            await pilot.press("escape")
            await until_idle(pilot)
            return
        await pilot.press("a")
        if outcome == "interrupted":
            await wait_for(pilot, lambda: app.status.values["activity"] == "running query", "the query to start")
            await pilot.pause(0.2)
            await pilot.press("escape")
        await until_idle(pilot)
    elif outcome == "cancelled":
        await ask(pilot, "slow")
        await wait_for(pilot, lambda: app.runner.busy, "the model call")
        await pilot.press("escape")
        await until_idle(pilot)
    elif outcome == "failed":
        await ask(pilot, "anything")
        await until_idle(pilot)


SCRIPTS = {
    "answered": answered(STATUS_SQL, "Mostly completed."),
    "failed": [{"error": {"status": 500, "message": "boom"}}],
    "rejected": [run_sql("DELETE FROM orders")] * 3,
    "aborted": [run_sql(STATUS_SQL)],
    "cancelled": [say("too late", delay_ms=4000)],
    "interrupted": [run_sql(LONG_SQL), say("stopped")],
}


@pytest.mark.asyncio
@pytest.mark.parametrize("outcome", list(SCRIPTS))
async def test_after_every_outcome_typing_goes_into_the_question_box(make_app, outcome) -> None:
    app, _ = make_app(SCRIPTS[outcome], timeout=600)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await reach(pilot, outcome)
        await wait_for(pilot, lambda: app.question.has_focus, f"the focus in the question box after {outcome}")
        shown = app.results.shown
        await type_text(pilot, SENTENCE)
        await pilot.pause()
        assert app.question.value == SENTENCE
        assert not isinstance(app.screen, ExportScreen)
        assert app.results.shown is shown and not app.results.charting
        await wait_for(pilot, lambda: not app.runner.busy, "the step to end")
    assert log_events(app, "run_finished")[0]["status"] == ("interrupted" if outcome == "cancelled" else outcome)
    assert not log_events(app, "answer_rated")


@pytest.mark.asyncio
async def test_the_result_keys_are_one_esc_away_and_the_footer_says_so(make_app) -> None:
    app, _ = make_app(answered(STATUS_SQL, "Mostly completed."))
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert "escape" not in footer_keys(app)  # no result yet: Esc only leaves the box, silently
        await ask(pilot, "orders per status")
        await until_approval(pilot)
        await pilot.press("a")
        await until_idle(pilot)
        await wait_for(pilot, lambda: app.question.has_focus, "the focus in the question box")
        keys = footer_keys(app)
        assert "Result keys" in keys["escape"] and "y" not in keys and "slash" not in keys
        await pilot.press("escape")
        assert app.focused is None
        keys = footer_keys(app)
        assert {"y", "n", "m", "c", "x", "slash"} <= set(keys)
        await pilot.press("n")
        await wait_for(pilot, lambda: log_events(app, "answer_rated"), "the rating in the log")
        await pilot.press("slash")
        assert app.question.has_focus and app.question.value == ""
    assert [e["verdict"] for e in log_events(app, "answer_rated")] == ["bad"]


def footer_keys(app) -> dict[str, str]:
    return {key: b.binding.description for key, b in app.screen.active_bindings.items() if b.binding.show and b.enabled}


@pytest.mark.asyncio
async def test_slash_in_the_empty_box_is_not_typed(make_app) -> None:
    app, _ = make_app([say("Hello.")])
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.question.has_focus
        await pilot.press("slash")  # meant "go to the box": it is there already
        assert app.question.value == ""
        await type_text(pilot, "a")
        await pilot.press("slash", "b")
        assert app.question.value == "a/b"  # inside a question, / is a character
        app.question.value = ""
        await pilot.press("escape", "slash")  # from outside, / goes to the box
        assert app.question.has_focus
        await pilot.press("slash")
        await type_text(pilot, "Customer names")
        await pilot.press("enter")
        await until_idle(pilot)
    assert log_events(app, "question_asked")[0]["question"] == "Customer names"


@pytest.mark.asyncio
async def test_question_mark_in_the_empty_box_opens_the_help(make_app) -> None:
    app, _ = make_app([])
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert "? or F1" in str(app.question.placeholder)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await wait_for(pilot, lambda: app.question.has_focus, "the focus back in the box")
        assert app.question.value == ""
        await type_text(pilot, "why")
        await pilot.press("question_mark")
        assert app.question.value == "why?" and not isinstance(app.screen, HelpScreen)


@pytest.mark.asyncio
async def test_ctrl_c_cancels_a_running_query_even_from_the_question_box(make_app) -> None:
    app, _ = make_app([run_sql(LONG_SQL), say("fine")], timeout=600)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await ask(pilot, "count a lot")
        await until_approval(pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: app.status.values["activity"] == "running query", "the query to start")
        await pilot.pause(0.2)
        app.question.focus()
        await pilot.pause()
        await pilot.press("ctrl+c")
        assert app.phase == "idle"
        await wait_for(pilot, lambda: not app.runner.busy, "the query to stop", timeout=10)
        assert "cancelled" in conversation_text(app)
        assert app.question.has_focus
    assert log_events(app, "query_failed")[0]["kind"] == "interrupted"
    assert log_events(app, "run_finished")[0]["status"] == "interrupted"


@pytest.mark.asyncio
async def test_ctrl_c_aborts_at_the_approval_and_otherwise_keeps_textuals_hint(make_app) -> None:
    app, _ = make_app([say("slow", delay_ms=4000), run_sql(STATUS_SQL)])
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await ask(pilot, "slow one")
        await wait_for(pilot, lambda: app.runner.busy, "the model call")
        await pilot.press("ctrl+c")  # the conversation has the focus while a step runs
        assert app.phase == "idle"
        await wait_for(pilot, lambda: not app.runner.busy, "the abandoned call to end")
        await ask(pilot, "orders per status")
        await until_approval(pilot)
        await pilot.press("ctrl+c")
        await until_idle(pilot)
        assert not isinstance(app.screen, ApprovalScreen)
        app.set_focus(None)
        await pilot.press("ctrl+c")  # nothing runs: Textual's reminder, no exit
        await pilot.pause()
        assert app.is_running and any("ctrl+q" in n for n in notices(app))
    assert [e["status"] for e in log_events(app, "run_finished")] == ["interrupted", "aborted"]
    assert log_events(app, "approval_decided")[0]["decision"] == "abort"


@pytest.mark.asyncio
async def test_typing_during_a_step_starts_the_next_question(make_app) -> None:
    app, _ = make_app(
        answered(STATUS_SQL, "Mostly completed.") + [say("later", delay_ms=5000)]
    )  # still running below, even on a busy machine
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await ask(pilot, "orders per status")
        await until_approval(pilot)
        await pilot.press("a")
        await until_idle(pilot)
        shown = app.results.shown
        await ask(pilot, "slow")
        await wait_for(
            pilot, lambda: app.runner.busy and app.conversation.has_focus, "the model call"
        )  # Esc cancels at once
        await type_text(pilot, "max x")
        assert app.question.has_focus and app.question.value == "max x"
        assert app.results.shown is shown and not isinstance(app.screen, ExportScreen)
        app.set_focus(None)
        await pilot.press("m", "x", "c")  # outside the box, the result keys wait for the step
        assert app.phase == "running"
        assert app.results.shown is shown and not isinstance(app.screen, ExportScreen) and not app.results.charting
        await until_idle(pilot)
        assert app.question.value == "max x"  # the draft survives the step's end
