"""`analyst ask` never presents a guess as an answer — through the real openai and anthropic SDKs
against the fake servers on 127.0.0.1, over the real sample database."""

from __future__ import annotations

import pytest

from tests.fakes import FakeAnthropic, FakeOpenAI
from tests.helpers import FakeTty, events_of, run_cli, run_sql_reply, session_events, text_reply

GUESS = "There were 336,776 flights."


def ask_user_reply(question: str) -> dict:
    return {
        "text": "",
        "tool_calls": [{"name": "ask_user", "arguments": {"question": question}}],
        "usage": {"input_tokens": 80, "output_tokens": 12},
    }


@pytest.fixture(params=["openai", "anthropic"])
def fake(request, monkeypatch: pytest.MonkeyPatch):
    """Each test runs through both real SDKs; `fake.model` is the name to pass to --model."""
    if request.param == "openai":
        server = FakeOpenAI()
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-grounding-0000")
        model = "openai:gpt-4.1-mini"
    else:
        server = FakeAnthropic()
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-grounding-0000")
        model = "anthropic:claude-haiku-4-5"
    with server:
        monkeypatch.setenv("OPENAI_BASE_URL" if request.param == "openai" else "ANTHROPIC_BASE_URL", server.base_url)
        server.model = model
        yield server


def ask_json(fake, capsys, *extra: str) -> tuple[int, dict, str]:
    result = run_cli(
        ["ask", "How many flights were there?", "--model", fake.model, "--approve", "auto", "--format", "json", *extra],
        capsys,
    )
    return result.code, result.json(), result.err


@pytest.mark.parametrize(
    "first",
    [
        pytest.param(run_sql_reply("SELECT count(*) FROM flights"), id="unknown-table"),
        pytest.param(run_sql_reply("SELECT flight_count FROM orders"), id="unknown-column"),
        pytest.param(run_sql_reply("DELETE FROM orders"), id="refused-write"),
        pytest.param(run_sql_reply("SELECT CAST('x' AS INTEGER) AS n"), id="database-error"),
    ],
)
def test_words_after_sql_that_never_succeeded_fail_with_no_result(first: dict, fake, capsys) -> None:
    fake.queue_many([first, text_reply(GUESS)])
    code, data, err = ask_json(fake, capsys)
    assert code == 1, err
    assert data["status"] == "failed" and data["error"]["kind"] == "no_result"
    assert data["grounded"] is False and data["answer"] == GUESS and data["sql"] is None and data["rows"] == []
    assert "not from your data" in data["error"]["message"]
    events = session_events(data["session_path"])
    assert events_of(events, "answer_given")[0]["grounded"] is False
    assert events_of(events, "run_finished")[0]["status"] == "failed"


def test_table_mode_marks_the_guess_as_not_from_your_data(fake, capsys) -> None:
    fake.queue_many([run_sql_reply("SELECT count(*) FROM flights"), text_reply(GUESS)])
    result = run_cli(["ask", "How many flights?", "--model", fake.model, "--approve", "auto"], capsys)
    assert result.code == 1
    assert GUESS in result.out and "not from your data" in result.out
    assert "analyst: failed: no query succeeded" in result.err


def test_words_after_the_person_rejected_the_sql_fail(fake, capsys, monkeypatch) -> None:
    fake.queue_many([run_sql_reply("SELECT count(*) AS n FROM orders"), text_reply(GUESS)])
    result = run_cli(
        ["ask", "How many flights?", "--model", fake.model, "--format", "json"],
        capsys,
        stdin=FakeTty("r\nthat is the wrong table\n"),
        monkeypatch=monkeypatch,
    )
    assert result.code == 1
    data = result.json()
    assert (
        data["status"] == "failed"
        and data["error"]["kind"] == "no_result"
        and "person rejected" in data["error"]["message"]
    )


def test_a_reply_with_no_query_is_answered_but_not_grounded(fake, capsys) -> None:
    fake.queue(text_reply("Probably about 42."))
    code, data, _ = ask_json(fake, capsys)
    assert code == 0 and data["status"] == "answered" and data["grounded"] is False
    fake.queue(text_reply("Probably about 42."))
    result = run_cli(["ask", "How many?", "--model", fake.model, "--approve", "auto"], capsys)
    assert result.code == 0 and "no query ran — this is not from your data" in result.out


def test_a_grounded_answer_says_so(fake, capsys) -> None:
    fake.queue_many(
        [
            run_sql_reply("SELECT count(*) AS n FROM customers"),
            text_reply("done"),
            text_reply("There are 200 customers."),
        ]
    )
    code, data, _ = ask_json(fake, capsys)
    assert code == 0 and data["grounded"] is True and data["unverified_numbers"] == []


def test_a_clarifying_question_ends_a_non_interactive_turn(fake, capsys) -> None:
    fake.queue(ask_user_reply("Which year do you mean?"))
    code, data, err = ask_json(fake, capsys)
    assert code == 1
    assert data["status"] == "needs_clarification" and data["clarification"] == "Which year do you mean?"
    assert data["answer"] is None and data["error"] is None and data["grounded"] is False
    assert "needs_clarification" in err
    assert "ask_user" in {t.get("name") or t.get("function", {}).get("name") for t in fake.requests[0]["tools"]}
    kinds = [e["type"] for e in session_events(data["session_path"])]
    assert kinds[-2:] == ["clarification_requested", "run_finished"]
    fake.queue(ask_user_reply("Which year do you mean?"))
    result = run_cli(["ask", "How many?", "--model", fake.model, "--approve", "never"], capsys)
    assert result.code == 1 and "The model asks: Which year do you mean?" in result.out


def test_on_a_terminal_the_reply_continues_the_same_turn(fake, capsys, monkeypatch) -> None:
    fake.queue_many(
        [
            ask_user_reply("Which status counts as sold?"),
            run_sql_reply("SELECT count(*) AS n FROM orders WHERE status = 'completed'"),
            text_reply("done"),
            text_reply("That many orders were sold."),
        ]
    )
    result = run_cli(
        ["ask", "How many orders were sold?", "--model", fake.model, "--format", "json"],
        capsys,
        stdin=FakeTty("completed\na\n"),
        monkeypatch=monkeypatch,
    )
    assert result.code == 0, result.err
    data = result.json()
    assert data["status"] == "answered" and data["grounded"] is True and data["row_count"] == 1
    assert "The model asks: Which status counts as sold?" in result.err
    events = session_events(data["session_path"])
    assert len(events_of(events, "question_asked")) == 1
    assert events_of(events, "clarification_answered")[0]["text"] == "completed"
    assert "completed" in str(fake.requests[1]["messages"][-1])  # the reply reached the model


def test_without_tools_a_clarify_line_is_the_question(capsys, monkeypatch) -> None:
    with FakeOpenAI() as fake:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-grounding-0000")
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        fake.queue(text_reply("CLARIFY: Gross or net revenue?"))
        result = run_cli(["ask", "Revenue?", "--approve", "auto", "--format", "json", "--no-tools"], capsys)
        assert result.code == 1 and result.json()["clarification"] == "Gross or net revenue?"
        assert "CLARIFY:" in fake.requests[0]["messages"][0]["content"]


def test_a_model_failure_that_ends_the_turn_is_said_once(fake, capsys) -> None:
    """The progress line and the final line used to say the same failure twice (three times with
    the session line's neighbour); the final `analyst: failed:` line alone says it now."""
    fake.queue_many([{"error": {"status": 400, "message": "the prompt is malformed"}}] * 3)
    result = run_cli(["ask", "How many flights were there?", "--model", fake.model, "--approve", "auto"], capsys)
    assert result.code == 3, result.err
    assert result.err.count("the prompt is malformed") == 1, result.err
    assert "analyst: failed:" in result.err and "model error:" not in result.err


def test_a_model_failure_the_turn_survives_is_still_shown(fake, capsys) -> None:
    """A summary that failed after the result: the answer stands, and the failure is shown once."""
    fake.queue_many(
        [
            run_sql_reply("SELECT count(*) AS n FROM customers"),
            text_reply("200 customers."),
            *[{"error": {"status": 400, "message": "summary refused"}}] * 3,
        ]
    )
    result = run_cli(["ask", "How many customers?", "--model", fake.model, "--approve", "auto"], capsys)
    assert result.code == 0, result.err
    assert result.err.count("summary refused") == 1 and "model error:" in result.err, result.err
