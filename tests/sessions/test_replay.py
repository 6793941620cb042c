"""Replay from the log alone, divergence on changed data, truncated logs, and export."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb

from tests.fakes import FakeOpenAI
from tests.helpers import FakeTty, run_cli, run_sql_reply, text_reply

SQL = "SELECT segment, count(*) AS customers FROM customers GROUP BY segment ORDER BY segment"


def record_session(monkeypatch, capsys, db: Path, approve: str = "auto", stdin=None) -> dict:
    with FakeOpenAI() as fake:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-replay-0000000")
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        fake.queue_many(
            [
                run_sql_reply("SELECT segmnt FROM customers"),  # rejected by the guard, then repaired
                run_sql_reply(SQL, "Count customers per segment."),
                text_reply("Three segments."),
                text_reply("There are three segments."),
            ]
        )
        args = ["ask", "Customers per segment?", "--db", str(db), "--format", "json"]
        args += ["--approve", approve] if approve != "ask" else []
        result = run_cli(args, capsys, stdin=stdin, monkeypatch=monkeypatch if stdin else None)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # nothing listens: replay must not call out
    assert result.code == 0, result.err
    return result.json()


def test_recorded_session_replays_identical_offline(monkeypatch, capsys, sample_db: Path) -> None:
    data = record_session(monkeypatch, capsys, sample_db)
    result = run_cli(["replay", data["session_id"]], capsys)
    assert result.code == 0, result.out + result.err
    assert result.out.startswith("identical: 1 turn")


def test_changed_database_reports_the_divergence(monkeypatch, capsys, sample_db: Path, tmp_path: Path) -> None:
    data = record_session(monkeypatch, capsys, sample_db)
    changed = tmp_path / "changed.duckdb"
    shutil.copyfile(sample_db, changed)
    con = duckdb.connect(str(changed))
    con.execute(
        "UPDATE customers SET segment = 'consumer' WHERE customer_id IN (SELECT customer_id FROM customers WHERE segment <> 'consumer' LIMIT 3)"
    )
    con.close()
    result = run_cli(["replay", data["session_path"], "--db", str(changed)], capsys)
    assert result.code == 1
    assert result.out.startswith("diverged: turn 1: query 1 result fingerprint differs")


def test_truncated_log_replays_what_is_complete(monkeypatch, capsys, sample_db: Path, tmp_path: Path) -> None:
    first = record_session(monkeypatch, capsys, sample_db)
    lines = Path(first["session_path"]).read_text().splitlines(keepends=True)
    # a second turn that was cut off mid-write: a question, then half a line
    extra = json.loads(lines[1])
    extra.update(seq=len(lines) + 1, turn=2, question="And per country?")
    torn = tmp_path / "torn.jsonl"
    torn.write_text("".join(lines) + json.dumps(extra) + "\n" + '{"v": 1, "type": "model_ca')
    result = run_cli(["replay", str(torn)], capsys)
    assert "truncated" in result.err and "1 complete turn" in result.err
    assert result.out.startswith("identical: 1 turn")
    assert result.code == 1  # complete parts are identical, but the session was not complete


def test_sessions_list_show_and_export(monkeypatch, capsys, sample_db: Path, tmp_path: Path) -> None:
    policy = record_session(monkeypatch, capsys, sample_db)
    human = record_session(monkeypatch, capsys, sample_db, approve="ask", stdin=FakeTty("a\n"))
    listed = run_cli(["sessions", "list"], capsys)
    assert policy["session_id"] in listed.out and human["session_id"] in listed.out
    shown = run_cli(["sessions", "show", human["session_id"]], capsys)
    assert "Customers per segment?" in shown.out and "approve by human" in shown.out
    out = tmp_path / "suite.jsonl"
    exported = run_cli(["sessions", "export", "--as", "suite", "--out", str(out)], capsys)
    assert exported.code == 0
    entries = [json.loads(line) for line in out.read_text().splitlines()]
    assert [e["source_session"] for e in entries] == [human["session_id"]]  # policy approvals are not labels
    assert entries[0]["gold_sql"] == human["sql"] and entries[0]["edited"] is False
    chat = run_cli(["sessions", "export", "--as", "chat", human["session_id"]], capsys)
    example = json.loads(chat.out.splitlines()[0])
    assert [m["role"] for m in example["messages"]] == ["system", "user", "assistant"]
    assert example["messages"][2]["content"] == human["sql"]


def test_unknown_session_is_one_line(capsys) -> None:
    result = run_cli(["replay", "20990101T000000Z-000000"], capsys)
    assert result.code == 2 and "no session" in result.err


def test_follow_up_turns_are_not_exported_as_standalone_suite_questions(
    monkeypatch, capsys, sample_db: Path, analyst_home: Path
) -> None:
    human = record_session(monkeypatch, capsys, sample_db, approve="ask", stdin=FakeTty("a\n"))
    path = Path(human["session_path"])
    events = [json.loads(line) for line in path.read_text().splitlines()]
    second = [dict(e, turn=2, seq=len(events) + i + 1) for i, e in enumerate(e for e in events if e.get("turn") == 1)]
    for event in second:
        if event["type"] == "question_asked":
            event["question"] = "And only the largest one?"
    path.write_text("".join(json.dumps(e) + "\n" for e in events + second))
    suite = run_cli(["sessions", "export", "--as", "suite", human["session_id"]], capsys)
    assert suite.code == 0
    entries = [json.loads(line) for line in suite.out.splitlines()]
    assert [e["question"] for e in entries] == ["Customers per segment?"]
    assert "skipped 1 follow-up turn:" in suite.err
    chat = run_cli(["sessions", "export", "--as", "chat", human["session_id"]], capsys)
    examples = [json.loads(line)["messages"] for line in chat.out.splitlines()]
    assert len(examples) == 2
    follow_up = examples[1]
    assert [m["role"] for m in follow_up] == ["system", "user", "assistant", "user", "assistant"]
    assert follow_up[1]["content"] == "Customers per segment?" and follow_up[2]["content"] == human["sql"]
    assert follow_up[3]["content"] == "And only the largest one?"
