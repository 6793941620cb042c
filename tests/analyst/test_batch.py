"""`analyst batch`: many questions through the real openai SDK against a fake server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fakes import FakeOpenAI
from tests.helpers import run_cli

TABLES = [
    "customers",
    "orders",
    "order_items",
    "products",
    "categories",
    "suppliers",
    "stores",
    "salespeople",
    "regions",
    "returns",
]


def responder(delay_ms: int = 0):
    """Answers by content, so concurrent questions get their own replies in any order."""

    def reply(body: dict) -> dict:
        messages = body["messages"]
        if "<data>" in messages[-1].get("content", "") or "explain query results" in messages[0]["content"]:
            return {
                "text": "Summary of the count.",
                "usage": {"input_tokens": 10, "output_tokens": 5},
                "delay_ms": delay_ms,
            }
        if messages[-1]["role"] == "tool":
            return {"text": "Counted.", "usage": {"input_tokens": 10, "output_tokens": 5}, "delay_ms": delay_ms}
        question = messages[1]["content"].splitlines()[0]
        table = question.split()[-1].rstrip("?")
        return {
            "tool_calls": [{"name": "run_sql", "arguments": {"sql": f"SELECT count(*) AS n FROM {table}"}}],
            "usage": {"input_tokens": 100, "output_tokens": 10},
            "delay_ms": delay_ms,
        }

    return reply


@pytest.fixture
def fake(monkeypatch):
    with FakeOpenAI() as server:
        server.responder = responder()
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-batch-000000")
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        yield server


def write_questions(path: Path, n: int = len(TABLES)) -> list[str]:
    ids = []
    with path.open("w") as handle:
        for i in range(n):
            table = TABLES[i % len(TABLES)]
            ids.append(f"q{i}")
            handle.write(json.dumps({"id": f"q{i}", "question": f"How many rows in {table}"}) + "\n")
    return ids


def expected_counts(sample_db: Path) -> dict[str, int]:
    import duckdb

    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        con.close()


def read_out(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.mark.parametrize("concurrency", [1, 4])
def test_batch_answers_every_question(concurrency: int, fake, capsys, tmp_path: Path, sample_db: Path) -> None:
    questions = tmp_path / "q.jsonl"
    ids = write_questions(questions)
    out = tmp_path / "out.jsonl"
    result = run_cli(
        ["batch", str(questions), "--approve", "auto", "--out", str(out), "--concurrency", str(concurrency)], capsys
    )
    assert result.code == 0, result.err
    records = read_out(out)
    assert sorted(r["id"] for r in records) == sorted(ids)
    counts = expected_counts(sample_db)
    for record in records:
        table = record["question"].split()[-1]
        assert record["status"] == "answered" and record["rows"] == [[counts[table]]]
        assert Path(record["session_path"]).exists()
    assert len({r["session_id"] for r in records}) == len(ids)  # one session per question
    assert "batch summary" in result.err


def test_dry_run_batch_and_stdout_output(fake, capsys, tmp_path: Path) -> None:
    questions = tmp_path / "q.txt"
    questions.write_text("How many rows in customers\n\n# a comment\nHow many rows in orders\n")
    result = run_cli(["batch", str(questions), "--approve", "never"], capsys)
    assert result.code == 0, result.err
    records = [json.loads(line) for line in result.out.splitlines()]
    assert [r["status"] for r in records] == ["dry_run", "dry_run"]
    assert {r["id"] for r in records} == {"line-1", "line-4"}


def test_csv_in_and_out(fake, capsys, tmp_path: Path) -> None:
    questions = tmp_path / "q.csv"
    questions.write_text("id,question\na,How many rows in products\nb,How many rows in stores\n")
    out = tmp_path / "out.csv"
    result = run_cli(["batch", str(questions), "--approve", "auto", "--out", str(out)], capsys)
    assert result.code == 0, result.err
    lines = out.read_text().splitlines()
    assert lines[0].startswith("id,status,question,sql") and len(lines) == 3


@pytest.mark.parametrize(
    "content,suffix,expected",
    [
        ('{"id": "a", "question": "x"}\n{not json}\n', ".jsonl", "line 2: invalid JSON"),
        ('{"id": "a", "question": "x"}\n{"id": "b"}\n', ".jsonl", 'line 2: missing "question"'),
        ("id,text\n1,hello\n", ".csv", 'no "question" column'),
        ("", ".txt", "holds no questions"),
        ('{"id": "a", "question": "x"}\n{"id": "a", "question": "y"}\n', ".jsonl", "duplicate id 'a' on lines 1 and 2"),
    ],
)
def test_bad_input_is_one_line_naming_the_line(
    content: str, suffix: str, expected: str, capsys, tmp_path: Path
) -> None:
    path = tmp_path / f"bad{suffix}"
    path.write_text(content)
    result = run_cli(["batch", str(path), "--approve", "auto"], capsys)
    assert result.code == 2 and result.out == ""
    assert expected in result.err and len(result.err.strip().splitlines()) == 1


def test_resume_needs_out(capsys, tmp_path: Path) -> None:
    path = tmp_path / "q.txt"
    path.write_text("How many rows in customers\n")
    result = run_cli(["batch", str(path), "--approve", "auto", "--resume"], capsys)
    assert result.code == 2 and "--out" in result.err


def test_kill_then_resume_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    questions = tmp_path / "q.jsonl"
    ids = write_questions(questions, 24)
    out = tmp_path / "out.jsonl"
    env = {**os.environ, "OPENAI_API_KEY": "sk-test-batch-000000"}
    with FakeOpenAI() as fake:
        fake.responder = responder(delay_ms=60)
        env["OPENAI_BASE_URL"] = fake.base_url
        cmd = [
            sys.executable,
            "-m",
            "analyst.cli",
            "batch",
            str(questions),
            "--approve",
            "auto",
            "--out",
            str(out),
            "--concurrency",
            "3",
        ]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 60
        while time.time() < deadline and (not out.exists() or len(out.read_text().splitlines()) < 5):
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        with out.open("a") as handle:
            handle.write('{"id": "q23", "status": "answ')  # a torn line, as a kill mid-write leaves
        done_before = len(read_out_lenient(out))
        assert 5 <= done_before < len(ids)
        resumed = subprocess.run(cmd + ["--resume"], env=env, capture_output=True, text=True, timeout=120)
        assert resumed.returncode == 0, resumed.stderr
    records = read_out(out)
    assert sorted(r["id"] for r in records) == sorted(ids)


def read_out_lenient(path: Path) -> list[dict]:
    out = []
    for line in path.read_text().splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            pass
    return out


def test_a_line_whose_db_does_not_open_names_its_line_and_id(fake, capsys, tmp_path: Path) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        json.dumps({"id": "ok", "question": "How many rows in stores"})
        + "\n"
        + json.dumps({"id": "far", "question": "How many rows in stores", "db": "gone.duckdb"})
        + "\n"
    )
    result = run_cli(["batch", str(questions), "--approve", "auto"], capsys)
    assert result.code == 1, result.err
    records = {r["id"]: r for r in map(json.loads, result.out.splitlines())}
    assert records["ok"]["status"] == "answered"
    message = records["far"]["error"]["message"]
    assert message.startswith(f"{questions}, line 2 (id far): database not found: {tmp_path / 'gone.duckdb'}"), message
    assert "--db" not in message


def test_without_a_terminal_each_finished_question_is_one_stderr_line(fake, capsys, tmp_path: Path) -> None:
    questions = tmp_path / "q.jsonl"
    ids = write_questions(questions, 4)
    with questions.open("a") as handle:
        handle.write(json.dumps({"id": "gone", "question": "How many rows in stores", "db": "gone.duckdb"}) + "\n")
    result = run_cli(["batch", str(questions), "--approve", "auto", "--concurrency", "2"], capsys)
    assert result.code == 1, result.err
    lines = [line for line in result.err.splitlines() if line.startswith("batch ")]
    assert len(lines) == 5, result.err
    assert [line.split(" · ")[0] for line in lines] == [f"batch {n}/5" for n in range(1, 6)]
    by_id = {line.split(" · ")[1]: line.split(" · ") for line in lines}
    assert set(by_id) == {*ids, "gone"}
    for qid in ids:
        assert by_id[qid][2] == "answered" and by_id[qid][3].endswith(" s"), by_id[qid]
        float(by_id[qid][3].removesuffix(" s"))
    assert by_id["gone"][2] == "failed" and "line 5 (id gone): database not found" in by_id["gone"][4]
    assert "\x1b" not in result.err  # no bar, no control codes in a log file


def test_eta_waits_for_data_and_counts_concurrency() -> None:
    from analyst.batch_progress import eta_seconds

    assert eta_seconds(10, [], 4) is None  # nothing finished yet: no guess
    assert eta_seconds(8, [2.0, 2.0], 4) == 4.0  # two rounds of four, 2 s each
    assert eta_seconds(8, [2.0, 2.0], 1) == 16.0
    assert eta_seconds(3, [1.0, 3.0], 8) == 2.0  # fewer left than workers: one round
    assert eta_seconds(0, [1.0], 2) == 0.0


def test_a_question_that_starts_while_the_batch_stops_ends_interrupted(
    fake, capsys, tmp_path: Path, sample_db: Path, analyst_home: Path
) -> None:
    """The first answer is a rejected key: the batch stops. The next question is taken by the worker
    as the stop comes (one worker: it goes on to the next at once): it must ask the model nothing
    and never end `answered` (it used to run whole: the interrupt it was sent before being asked
    was cleared by the loop's `ask()`)."""
    import shutil

    other = tmp_path / "other.duckdb"
    shutil.copy(sample_db, other)
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        json.dumps({"id": "q0", "question": "How many rows in customers"})
        + "\n"
        + json.dumps({"id": "q1", "question": "How many rows in orders", "db": str(other)})
        + "\n"
    )
    answer = responder()

    def reply(body: dict) -> dict:
        if body["messages"][1]["content"].splitlines()[0].endswith("customers"):
            return {"error": {"status": 401, "message": "Incorrect API key provided"}}
        return answer(body)

    fake.responder = reply
    result = run_cli(["batch", str(questions), "--approve", "auto", "--concurrency", "1"], capsys)
    asked = [r["messages"][1]["content"].splitlines()[0] for r in fake.requests]
    assert result.code == 3, result.err
    assert not [q for q in asked if q.endswith("orders")]  # the stopped question asked the model nothing
    from sessions.store import list_sessions

    statuses = {t.question: t.status for s in list_sessions(analyst_home / "sessions") for t in s.turns}
    assert statuses.get("How many rows in orders", "interrupted") == "interrupted", statuses
