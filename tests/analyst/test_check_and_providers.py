"""`analyst check` (the guard alone) and `ask` through the real anthropic SDK."""

from __future__ import annotations

import io
import json
from pathlib import Path

from tests.fakes import FakeAnthropic
from tests.helpers import run_cli, run_sql_reply, text_reply


def test_check_reports_one_line_per_statement(capsys, tmp_path: Path, sample_db: Path) -> None:
    corpus = tmp_path / "queries.jsonl"
    corpus.write_text("\n".join(json.dumps({"sql": q}) for q in [
        "SELECT count(*) FROM customers",
        "DELETE FROM customers",
        "SELECT custmer_id FROM customers",
        "SELECT * FROM read_csv('/etc/passwd')",
    ]) + "\n")
    result = run_cli(["check", "--db", str(sample_db), str(corpus)], capsys)
    assert result.code == 1
    lines = [json.loads(line) for line in result.out.splitlines()]
    assert [line["line"] for line in lines] == [1, 2, 3, 4]
    assert [line["ok"] for line in lines] == [True, False, False, False]
    assert "customer_id" in lines[2]["problems"][0]["message"]
    assert lines[0]["sql"].upper().startswith("SELECT COUNT(*)")


def test_check_stdin_without_db_warns(capsys, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("SELECT 1 AS one;"))
    result = run_cli(["check", "-"], capsys)
    assert result.code == 0 and "no --db" in result.err
    assert json.loads(result.out)["ok"] is True


def test_check_excluded_table_is_rejected(capsys, monkeypatch, sample_db: Path) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("SELECT * FROM salespeople"))
    result = run_cli(["check", "--db", str(sample_db), "--exclude-table", "sales*", "-"], capsys)
    assert result.code == 1 and json.loads(result.out)["problems"][0]["code"] == "unknown_table"


def test_ask_through_anthropic(capsys, monkeypatch) -> None:
    with FakeAnthropic() as fake:
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-canary-0000000")
        monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.base_url)
        fake.queue_many([run_sql_reply("SELECT count(*) AS n FROM products"), text_reply("ok"), text_reply("There are products.")])
        result = run_cli(["ask", "How many products?", "--model", "anthropic:claude-haiku-4-5", "--approve", "auto", "--format", "json"], capsys)
        assert result.code == 0, result.err
        data = result.json()
        assert data["status"] == "answered" and data["rows"][0][0] > 0
        assert data["usage"]["cost_usd"] is not None
        first = fake.requests[0]
        assert first["model"] == "claude-haiku-4-5" and {t["name"] for t in first["tools"]} >= {"run_sql"}
        second = fake.requests[1]["messages"]
        assert any(block.get("type") == "tool_result" for m in second if isinstance(m["content"], list) for block in m["content"])
    assert "sk-ant-test-canary" not in Path(data["session_path"]).read_text()
