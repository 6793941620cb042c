"""Cancelling, failing and quitting: Esc stops a running query or abandons a model call, the next
question waits for an abandoned step, errors are notices, and quitting never hangs."""

from __future__ import annotations

import threading
import time

import pytest

from analyst.tui.approval import ApprovalScreen
from tests.tui.drive import (
    SIZE,
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


class SlowCatalogDatabase:
    """The sample database with a catalog that loads only when the test says so, as a big
    warehouse's takes a while (an event, not a sleep: a busy machine cannot reorder the steps)."""

    released = threading.Event()

    def __init__(self, inner) -> None:
        self._inner = inner

    def __getattr__(self, name: str):
        return getattr(self._inner, name)

    def catalog(self):
        SlowCatalogDatabase.released.wait(30)
        return self._inner.catalog()


@pytest.mark.asyncio
async def test_escape_cancels_a_long_query_and_the_app_stays_usable(make_app) -> None:
    app, _ = make_app([run_sql(LONG_SQL), say("There are 42 regions.")], timeout=600)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await ask(pilot, "count a lot")
        await until_approval(pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: app.status.values["activity"] == "running query", "the query to start")
        await pilot.pause(0.3)
        assert app.runner.busy
        started = time.monotonic()
        await pilot.press("escape")
        assert app.phase == "idle"
        await wait_for(pilot, lambda: not app.runner.busy, "the query to stop", timeout=10)
        assert time.monotonic() - started < 10
        failed = log_events(app, "query_failed")
        assert failed and failed[0]["kind"] == "interrupted"
        assert log_events(app, "run_finished")[0]["status"] == "interrupted"
        await ask(pilot, "How many regions?")
        await until_idle(pilot)
        assert [e["status"] for e in log_events(app, "run_finished")] == ["interrupted", "answered"]
        assert "There are 42 regions." in conversation_text(app)


@pytest.mark.asyncio
async def test_a_cancelled_model_call_is_abandoned_and_the_next_question_waits_for_it(make_app) -> None:
    app, _ = make_app(
        [say("late answer", delay_ms=5000), say("second answer")]
    )  # long enough to still run on a loaded machine
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await ask(pilot, "first")
        await wait_for(pilot, lambda: app.status.values["activity"] == "thinking" and app.runner.busy, "the model call")
        await pilot.press("escape")
        assert app.phase == "idle"
        await ask(pilot, "second")
        await until_idle(pilot)
        shown = conversation_text(app)
        assert "second answer" in shown and "late answer" not in shown
        assert "waiting for the cancelled step" in shown
    events = log_events(app)
    turns = [(e["turn"], e["type"]) for e in events if e["type"] in ("question_asked", "run_finished")]
    assert turns == [(1, "question_asked"), (1, "run_finished"), (2, "question_asked"), (2, "run_finished")]
    assert [e["status"] for e in events if e["type"] == "run_finished"] == ["interrupted", "answered"]


@pytest.mark.asyncio
async def test_a_question_after_a_cancelled_approval_aborts_it_first(make_app) -> None:
    # the proposal takes 3 s, so the test sees the call running even on a busy machine
    app, _ = make_app([run_sql(STATUS_SQL, delay_ms=3000), say("hello")])
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await ask(pilot, "first")
        await wait_for(pilot, lambda: app.runner.busy, "the model call")
        await pilot.press("escape")  # cancelled while the proposal is still on its way
        await wait_for(pilot, lambda: not app.runner.busy, "the abandoned step to end")
        assert not isinstance(app.screen, ApprovalScreen)
        await ask(pilot, "second")
        await until_idle(pilot)
    decisions = log_events(app, "approval_decided")
    statuses = [e["status"] for e in log_events(app, "run_finished")]
    assert statuses[-1] == "answered"
    assert not decisions or decisions[0]["decision"] == "abort"


@pytest.mark.asyncio
async def test_provider_error_is_a_notice_not_a_crash(make_app) -> None:
    app, _ = make_app([{"error": {"status": 500, "message": "boom"}}, say("fine now")])
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await ask(pilot, "anything")
        await until_idle(pilot)
        assert any("boom" in n for n in notices(app))
        assert app.is_running and app.phase == "idle"
        await ask(pilot, "again")
        await until_idle(pilot)
    assert [e["status"] for e in log_events(app, "run_finished")] == ["failed", "answered"]


@pytest.mark.asyncio
async def test_escape_in_the_question_box_only_leaves_it(make_app) -> None:
    app, _ = make_app([say("slow", delay_ms=4000)])  # still running when Esc is pressed, even on a busy machine
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await ask(pilot, "slow one")
        await wait_for(pilot, lambda: app.runner.busy, "the model call")
        app.question.focus()
        await pilot.press("escape")
        assert app.focused is None and app.phase == "running"
        await pilot.press("escape")
        assert app.phase == "idle"
    assert log_events(app, "run_finished")[0]["status"] == "interrupted"


@pytest.mark.asyncio
async def test_quitting_at_the_approval_records_an_abort(make_app) -> None:
    app, _ = make_app([run_sql(STATUS_SQL)])
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await ask(pilot, "orders per status")
        await until_approval(pilot)
        await pilot.press("ctrl+q")
    assert app.shutdown()
    assert log_events(app, "approval_decided")[0]["decision"] == "abort"
    assert log_events(app, "run_finished")[0]["status"] == "aborted"


@pytest.mark.asyncio
async def test_quit_during_a_slow_model_call_exits_at_once(make_app) -> None:
    app, _ = make_app([say("too late", delay_ms=3000)])
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await ask(pilot, "slow")
        await wait_for(pilot, lambda: app.runner.busy, "the model call")
        started = time.monotonic()
        await pilot.press("ctrl+q")
    assert time.monotonic() - started < 2


def unanswered_tool_calls(messages) -> list[str]:
    answered_ids = {m.tool_call_id for m in messages if m.role == "tool"}
    return [c.id for m in messages if m.role == "assistant" for c in m.tool_calls if c.id not in answered_ids]


@pytest.mark.asyncio
async def test_a_follow_up_after_esc_sends_a_complete_tool_history(make_app) -> None:
    app, model = make_app([run_sql(LONG_SQL), say("fine")], timeout=600)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await ask(pilot, "count a lot")
        await until_approval(pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: app.status.values["activity"] == "running query", "the query to start")
        await pilot.pause(0.2)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not app.runner.busy, "the query to stop")
        await ask(pilot, "and now?")
        await until_idle(pilot)
    assert unanswered_tool_calls(model.requests[-1].messages) == []


@pytest.mark.asyncio
async def test_the_first_screen_comes_before_the_catalog_and_a_question_waits_for_it(make_app) -> None:
    SlowCatalogDatabase.released.clear()
    app, _ = make_app([say("Ten tables.")], wrap=SlowCatalogDatabase)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.phase == "starting"
        assert "loading" in str(app.query_one("#sidebar").root.label)
        await ask(pilot, "how many tables?")
        assert "loading the schema first" in conversation_text(app)
        SlowCatalogDatabase.released.set()
        await wait_for(pilot, lambda: app.session and log_events(app, "run_finished"), "the queued question")
        await until_idle(pilot)
        assert "regions" in " ".join(str(node.label) for node in app.query_one("#sidebar").root.children)
    assert log_events(app, "question_asked")[0]["question"] == "how many tables?"


@pytest.mark.asyncio
async def test_a_session_that_cannot_start_is_a_notice(make_app, analyst_home) -> None:
    analyst_home.mkdir(parents=True, exist_ok=True)
    (analyst_home / "sessions").write_text("not a folder")
    app, _ = make_app([])
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.phase == "failed", "the failure")
        assert any("Cannot start" in str(n.title) for n in app._notifications)
        await ask(pilot, "anything?")
        assert app.is_running
