"""Grounding across the run commands: batch and eval count unbacked words and clarifying questions
for what they are, replay re-feeds the person's reply, and `sessions show` tells them apart —
through the real openai SDK against the fake server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fakes import FakeOpenAI
from tests.helpers import FakeTty, run_cli, session_events

USAGE = {"input_tokens": 10, "output_tokens": 5}


def responder(body: dict) -> dict:
    """Answers by the question: a query for counts, a question back for `year`, words for `guess`,
    a refused query then words for `flights`."""
    messages = body["messages"]
    question = messages[1]["content"].splitlines()[0].lower()
    last = messages[-1]
    if "<data>" in str(last.get("content")):
        return {"text": "Counted.", "usage": USAGE}
    if "year" in question:
        if last["role"] == "tool" and "answered your question" in str(last.get("content")):
            return {
                "tool_calls": [{"name": "run_sql", "arguments": {"sql": "SELECT count(*) AS n FROM orders"}}],
                "usage": USAGE,
            }
        if last["role"] == "tool":
            return {"text": "That is the count.", "usage": USAGE}
        return {
            "tool_calls": [{"name": "ask_user", "arguments": {"question": "Which year do you mean?"}}],
            "usage": USAGE,
        }
    if "guess" in question:
        return {"text": "About 42, I think.", "usage": USAGE}
    if "flights" in question:
        if last["role"] == "tool":
            return {"text": "There were 336,776 flights.", "usage": USAGE}
        return {
            "tool_calls": [{"name": "run_sql", "arguments": {"sql": "SELECT count(*) FROM flights"}}],
            "usage": USAGE,
        }
    if last["role"] == "tool":
        return {"text": "That is the count.", "usage": USAGE}
    return {
        "tool_calls": [{"name": "run_sql", "arguments": {"sql": "SELECT count(*) AS n FROM customers"}}],
        "usage": USAGE,
    }


@pytest.fixture
def fake(monkeypatch):
    with FakeOpenAI() as server:
        server.responder = responder
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-grounding-runs-0000")
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        yield server


def test_batch_counts_unbacked_words_as_no_sql_and_questions_as_needing_clarification(
    fake, capsys, tmp_path: Path
) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        "".join(
            json.dumps({"id": i, "question": q}) + "\n"
            for i, q in [
                ("count", "How many customers?"),
                ("guess", "Just guess the total"),
                ("year", "Revenue by year?"),
                ("flights", "How many flights?"),
            ]
        )
    )
    out = tmp_path / "out.csv"
    result = run_cli(["batch", str(questions), "--approve", "auto", "--out", str(out)], capsys)
    assert result.code == 1, result.err  # not every question was answered from the data
    import csv

    rows = {r["id"]: r for r in csv.DictReader(out.open())}
    assert (rows["count"]["status"], rows["count"]["grounded"]) == ("answered", "True")
    assert (rows["guess"]["status"], rows["guess"]["grounded"]) == ("answered", "False")
    assert (
        rows["year"]["status"] == "needs_clarification" and rows["year"]["clarification"] == "Which year do you mean?"
    )
    assert rows["flights"]["status"] == "failed" and "no query succeeded" in rows["flights"]["error"]
    summary = result.err[result.err.index("batch summary") :]
    for status in ("answered", "no_sql", "needs_clarification", "failed"):
        assert f"│ {status}" in summary, summary
    only = tmp_path / "one.jsonl"
    only.write_text(json.dumps({"id": "count", "question": "How many customers?"}) + "\n")
    assert run_cli(["batch", str(only), "--approve", "auto"], capsys).code == 0


def test_eval_records_needs_clarification_and_a_refusal_suite_counts_it_as_declined(
    fake, capsys, tmp_path: Path, analyst_home: Path
) -> None:
    suite = tmp_path / "s.jsonl"
    suite.write_text(
        "".join(
            json.dumps(row) + "\n"
            for row in [
                {"id": "asks", "question": "Orders by year?", "gold_sql": "SELECT count(*) AS n FROM orders"},
                {
                    "id": "guesses",
                    "question": "Just guess the customers",
                    "gold_sql": "SELECT count(*) AS n FROM customers",
                },
                {"id": "right", "question": "How many customers?", "gold_sql": "SELECT count(*) AS n FROM customers"},
                {"id": "idk", "question": "Sales in the year 3000?", "gold_sql": "SELECT 1", "kind": "refusal"},
            ]
        )
    )
    result = run_cli(["eval", str(suite), "--model", "openai:gpt-4.1-mini"], capsys)
    assert result.code == 0, result.err
    lines = [json.loads(line) for line in next((analyst_home / "runs").glob("*.jsonl")).read_text().splitlines()]
    scored = {r["id"]: r for r in lines if r["type"] == "result"}
    assert scored["asks"]["outcome"] == "needs_clarification" and not scored["asks"]["correct"]
    assert "Which year do you mean?" in scored["asks"]["error"]
    assert scored["guesses"]["outcome"] == "no_sql"
    assert scored["right"]["outcome"] == "correct"
    assert scored["idk"]["correct"] and scored["idk"]["reason"].startswith("declined")
    assert "needs_clarification 1" in result.out


def test_replay_re_feeds_the_reply_and_sessions_show_tells_the_exchange(fake, capsys, monkeypatch) -> None:
    asked = run_cli(
        ["ask", "Orders by year?", "--format", "json"], capsys, stdin=FakeTty("2024\na\n"), monkeypatch=monkeypatch
    )
    assert asked.code == 0, asked.err
    data = asked.json()
    replayed = run_cli(["replay", data["session_id"]], capsys)
    assert replayed.code == 0 and replayed.out.startswith("identical"), replayed.out + replayed.err
    shown = run_cli(["sessions", "show", data["session_id"]], capsys).out
    assert "model asked: Which year do you mean?" in shown and "reply by human: 2024" in shown
    guess = run_cli(["ask", "Just guess the total", "--approve", "auto", "--format", "json"], capsys).json()
    shown = run_cli(["sessions", "show", guess["session_id"]], capsys).out
    assert "answer (not from your data: no query backs it): About 42" in shown
    unasked = run_cli(["ask", "Orders by year?", "--approve", "auto", "--format", "json"], capsys).json()
    assert unasked["status"] == "needs_clarification"
    again = run_cli(["replay", unasked["session_id"]], capsys)
    assert again.code == 0 and again.out.startswith("identical"), again.out + again.err
    assert session_events(unasked["session_path"])[-2]["type"] == "clarification_requested"


def test_exports_carry_the_persons_answer_to_the_models_question(fake, capsys, monkeypatch, tmp_path: Path) -> None:
    asked = run_cli(
        ["ask", "Orders by year?", "--format", "json"], capsys, stdin=FakeTty("2024\na\n"), monkeypatch=monkeypatch
    )
    session = asked.json()["session_id"]
    suite = tmp_path / "suite.jsonl"
    assert run_cli(["sessions", "export", "--as", "suite", "--out", str(suite), session], capsys).code == 0
    entry = json.loads(suite.read_text().splitlines()[0])
    assert entry["question"] == "Orders by year?\n(Asked: Which year do you mean? Answer: 2024)"
    chat = tmp_path / "chat.jsonl"
    assert run_cli(["sessions", "export", "--as", "chat", "--out", str(chat), session], capsys).code == 0
    messages = json.loads(chat.read_text().splitlines()[0])["messages"]
    assert [m["role"] for m in messages[1:]] == ["user", "assistant", "user", "assistant"]
    assert messages[2]["content"] == "Which year do you mean?" and messages[3]["content"] == "2024"
