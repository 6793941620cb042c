"""ctrl+n starts a new conversation: the next question is sent without the earlier turns, the
session log shows the boundary, `sessions show` marks it and a replay re-creates it."""

from __future__ import annotations

import pytest

from tests.helpers import run_cli
from tests.tui.drive import (
    SIZE,
    answered,
    ask,
    conversation_text,
    log_events,
    ready,
    rendered,
    say,
    until_approval,
    until_idle,
)

STATUS_SQL = "SELECT status, count(*) AS n FROM orders GROUP BY status ORDER BY n DESC"


@pytest.mark.asyncio
async def test_new_conversation_forgets_the_earlier_turns(make_app, capsys) -> None:
    app, model = make_app(answered(STATUS_SQL, "Mostly completed.") + [say("Hello; ask me about the data.")])
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await ask(pilot, "orders per status")
        screen = await until_approval(pilot)
        assert "question: orders per status" in rendered(screen.query_one("#approval-question"))  # judged against it
        await pilot.press("a")
        await until_idle(pilot)
        await pilot.press("escape", "ctrl+n")
        assert "new conversation" in conversation_text(app)
        await ask(pilot, "hello there")
        await until_idle(pilot)
        path = app.session.path
    last = model.requests[-1]
    assert any("hello there" in m.text for m in last.messages)
    assert not any("orders per status" in m.text or STATUS_SQL in m.text for m in last.messages)
    assert len(last.messages) == 1  # a first question again: nothing before it
    kinds = [e["type"] for e in log_events(app)]
    boundary = kinds.index("conversation_started")
    assert kinds.index("run_finished") < boundary < len(kinds) - 1 - kinds[::-1].index("question_asked")
    shown = run_cli(["sessions", "show", str(path)], capsys).out
    assert (
        shown.index("[1] orders per status") < shown.index("── new conversation (2)") < shown.index("[2] hello there")
    )
    from sessions.replay import replay_session
    from sessions.store import load_session

    recorded_calls = [e["messages"] for e in log_events(app, "model_called") if e["purpose"] == "think"]
    replayed_events: list = []
    report = replay_session(
        load_session(path), app.shared.inner, app.settings, replayed_events.append
    )  # the app's database is still open here
    assert report.identical and report.turns_replayed == 2, report.divergence
    assert [e.messages for e in replayed_events if e.type == "model_called" and e.purpose == "think"] == recorded_calls
    assert recorded_calls[-1] == 1  # the second conversation's first request: its question alone
    assert report.outcomes[1].status == "answered"


@pytest.mark.asyncio
async def test_help_lists_the_new_conversation_key(make_app) -> None:
    from textual.widgets import Static

    from analyst.tui.help import keys_table

    text = rendered(Static(keys_table()))
    assert "ctrl+n" in text and "new conversation" in text
