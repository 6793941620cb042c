"""The app never presents a guess as an answer: words no query backs are marked, and the model's
clarifying question is asked in the conversation and answered in the question box."""

from __future__ import annotations

import pytest

from tests.tui.drive import (
    SIZE,
    ask,
    conversation_text,
    log_events,
    ready,
    run_sql,
    say,
    until_approval,
    until_idle,
    wait_for,
)


def ask_user(question: str) -> dict:
    return {
        "tool_calls": [{"name": "ask_user", "arguments": {"question": question}}],
        "usage": {"input_tokens": 50, "output_tokens": 10},
    }


@pytest.mark.asyncio
async def test_words_after_a_refused_query_show_failed_and_not_from_your_data(make_app) -> None:
    app, _ = make_app([run_sql("SELECT nosuch FROM customers"), say("There were 336,776 flights.")])
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await ask(pilot, "How many flights?")
        await until_idle(pilot)
        text = conversation_text(app)
    assert "There were 336,776 flights." in text and "not from your data" in text
    assert "✓ answered" not in text and "✗ failed" in text
    assert log_events(app, "run_finished")[0]["status"] == "failed"
    assert log_events(app, "answer_given")[0]["grounded"] is False


@pytest.mark.asyncio
async def test_a_reply_without_a_query_says_no_query_ran(make_app) -> None:
    app, _ = make_app([say("Probably about 42.")])
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await ask(pilot, "How many?")
        await until_idle(pilot)
        text = conversation_text(app)
    assert "no query ran — this is not from your data" in text and "✓ answered" in text


@pytest.mark.asyncio
async def test_the_models_question_is_answered_in_the_box_and_the_turn_goes_on(make_app) -> None:
    app, model = make_app(
        [
            ask_user("Which order status counts as sold?"),
            run_sql("SELECT count(*) AS n FROM orders WHERE status = 'completed'"),
            say("done"),
            say("Done."),
        ]
    )
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await ask(pilot, "How many orders were sold?")
        await wait_for(pilot, lambda: app.phase == "clarifying", "the model's question")
        assert "Which order status counts as sold?" in conversation_text(app) and app.question.has_focus
        await ask(pilot, "completed ones")
        await until_approval(pilot)
        await pilot.press("a")
        await until_idle(pilot)
        text = conversation_text(app)
    assert "completed ones" in text and "✓ answered" in text
    assert len(log_events(app, "question_asked")) == 1  # the reply continued the same turn
    assert [e["text"] for e in log_events(app, "clarification_answered")] == ["completed ones"]
    assert "completed ones" in model.requests[1].messages[-1].text


@pytest.mark.asyncio
async def test_leaving_the_models_question_unanswered_ends_the_turn(make_app) -> None:
    app, _ = make_app([ask_user("Which year?"), *([run_sql("SELECT 1 AS one"), say("one"), say("It is 1.")])])
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await ask(pilot, "Revenue?")
        await wait_for(pilot, lambda: app.phase == "clarifying", "the model's question")
        app.conversation.focus()
        await pilot.press("escape")
        await until_idle(pilot)
        assert "left unanswered" in conversation_text(app)
        await ask(pilot, "just one")  # a new turn, not a reply
        await until_approval(pilot)
        await pilot.press("a")
        await until_idle(pilot)
    assert [e["status"] for e in log_events(app, "run_finished")] == ["needs_clarification", "answered"]
    assert len(log_events(app, "question_asked")) == 2
