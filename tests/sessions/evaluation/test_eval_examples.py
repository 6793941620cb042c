"""`analyst eval --examples`: the real openai SDK against the fake server, the real sample
database; a scored question never sees its own question or gold SQL as an example."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.fakes import FakeOpenAI
from tests.helpers import run_cli

ITEMS = [
    ("q1", "How many customers are in each country?", "SELECT country, count(*) AS n FROM customers GROUP BY country"),
    ("q2", "How many customers are in each city?", "SELECT city, count(*) AS n FROM customers GROUP BY city"),
    ("q3", "How many customers are in each segment?", "SELECT segment, count(*) AS n FROM customers GROUP BY segment"),
]
PROMPT = re.compile(r"^Question: (.*?)\n\n", re.DOTALL)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch):
    with FakeOpenAI() as server:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-eval-examples-0")
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        gold = {q: sql for _, q, sql in ITEMS}

        def reply(body: dict) -> dict:
            if body["messages"][-1]["role"] == "tool":
                return {"text": "Done.", "usage": {"input_tokens": 10, "output_tokens": 3}}
            question = PROMPT.match(body["messages"][1]["content"]).group(1)
            return {"tool_calls": [{"name": "run_sql", "arguments": {"sql": gold[question]}}]}

        server.responder = reply
        yield server


def write_suite(path: Path, db: Path, with_own: bool = False) -> Path:
    lines = []
    for id_, question, sql in ITEMS:
        row = {"id": id_, "question": question, "gold_sql": sql, "db": str(db)}
        if with_own:
            row["examples"] = [{"question": "How many products are there?", "sql": "SELECT count(*) FROM products"}]
        lines.append(json.dumps(row))
    path.write_text("\n".join(lines) + "\n")
    return path


def first_prompts(fake: FakeOpenAI) -> dict[str, str]:
    """The first request's question message for each question asked."""
    out: dict[str, str] = {}
    for body in fake.requests:
        content = body["messages"][1]["content"]
        out.setdefault(PROMPT.match(content).group(1), content)
    return out


def test_a_scored_questions_own_sql_never_reaches_the_model(fake, capsys, sample_db: Path, tmp_path: Path) -> None:
    suite = write_suite(tmp_path / "suite.jsonl", sample_db)
    imported = run_cli(["examples", "import", "--db", str(sample_db), str(suite)], capsys)  # the suite itself, stored
    assert imported.code == 0, imported.err
    result = run_cli(["eval", str(suite), "--examples", "--model", "openai:gpt-4.1-mini", "--name", "shown"], capsys)
    assert result.code == 0, result.err
    prompts = first_prompts(fake)
    assert len(prompts) == 3
    for _, question, sql in ITEMS:
        prompt = prompts[question]
        assert "Verified examples" in prompt
        assert sql not in prompt and f"Example 1: {question}" not in prompt  # no leakage
        others = [s for _, q, s in ITEMS if q != question]
        assert all(s in prompt for s in others)  # the other, similar questions are shown

    fake_count = len(fake.requests)
    without = run_cli(["eval", str(suite), "--model", "openai:gpt-4.1-mini", "--name", "plain"], capsys)
    assert without.code == 0, without.err
    assert all("Verified examples" not in b["messages"][1]["content"] for b in fake.requests[fake_count:])
    compared = run_cli(["runs", "compare", "plain", "shown"], capsys)
    assert compared.code == 0, compared.err
    assert "verified examples A: none" in compared.out and "3 per question from the store" in compared.out


def test_a_suites_own_k_shot_examples_are_used(fake, capsys, sample_db: Path, tmp_path: Path) -> None:
    suite = write_suite(tmp_path / "suite.jsonl", sample_db, with_own=True)
    result = run_cli(["eval", str(suite), "--examples", "2", "--model", "openai:gpt-4.1-mini"], capsys)
    assert result.code == 0, result.err
    for prompt in first_prompts(fake).values():
        assert "SELECT count(*) FROM products" in prompt
    header = json.loads((next((Path(p) for p in _run_logs()), None)).read_text().splitlines()[0])
    assert header["examples"]["source"] == "suite" and header["examples"]["count"] == 2


def _run_logs() -> list[str]:
    import os

    runs = Path(os.environ["ANALYST_HOME"]) / "runs"
    return [str(p) for p in sorted(runs.glob("*.jsonl"))]
