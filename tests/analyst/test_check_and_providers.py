"""`analyst check` (the guard alone) and `ask` through the real anthropic SDK."""

from __future__ import annotations

import io
import json
from pathlib import Path

from tests.fakes import FakeAnthropic
from tests.helpers import run_cli, run_sql_reply, text_reply


def test_check_reports_one_line_per_statement(capsys, tmp_path: Path, sample_db: Path) -> None:
    corpus = tmp_path / "queries.jsonl"
    corpus.write_text(
        "\n".join(
            json.dumps({"sql": q})
            for q in [
                "SELECT count(*) FROM customers",
                "DELETE FROM customers",
                "SELECT custmer_id FROM customers",
                "SELECT * FROM read_csv('/etc/passwd')",
            ]
        )
        + "\n"
    )
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


SCRIPT = """-- counts; with a comment that has a semicolon
SELECT count(*) AS n FROM customers WHERE segment <> 'a;b';

/* a block comment; */ DELETE FROM customers;
SELECT custmer_id
FROM customers;;
SELECT $$x;y$$ AS t   -- last, no semicolon
"""


def test_check_a_sql_script_gives_one_line_per_statement(capsys, tmp_path: Path, sample_db: Path) -> None:
    """Was one verdict for the whole file ("one statement only"); `;` inside strings, comments
    and dollar quotes does not end a statement."""
    script = tmp_path / "queries.sql"
    script.write_text(SCRIPT)
    result = run_cli(["check", "--db", str(sample_db), str(script)], capsys)
    assert result.code == 1, result.err
    lines = [json.loads(line) for line in result.out.splitlines()]
    assert [(r["index"], r["line"], r["ok"]) for r in lines] == [
        (1, 2, True),
        (2, 4, False),
        (3, 5, False),
        (4, 7, True),
    ], lines
    assert lines[1]["problems"][0]["code"] != "multiple_statements"
    assert "customer_id" in lines[2]["problems"][0]["message"]
    assert "'a;b'" in lines[0]["sql"] and "x;y" in lines[3]["sql"]


def test_check_a_script_of_good_statements_exits_0(capsys, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("SELECT 1 AS one;\nSELECT 2 AS two;\n"))
    result = run_cli(["check", "-"], capsys)
    assert result.code == 0, result.out + result.err
    assert [json.loads(line)["index"] for line in result.out.splitlines()] == [1, 2]


def test_check_splits_postgres_dollar_quotes_with_a_tag(capsys, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("SELECT $q$a;b$q$ AS s; SELECT 2 AS two"))
    result = run_cli(["check", "--dialect", "postgres", "-"], capsys)
    assert result.code == 0, result.out + result.err
    assert len(result.out.splitlines()) == 2


def test_check_an_unterminated_string_is_one_rejected_statement(capsys, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("SELECT 1; SELECT 'oops"))
    result = run_cli(["check", "-"], capsys)
    assert result.code == 1 and "Traceback" not in result.err
    assert [json.loads(line)["ok"] for line in result.out.splitlines()] == [False]


def test_ask_through_anthropic(capsys, monkeypatch) -> None:
    with FakeAnthropic() as fake:
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-canary-0000000")
        monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.base_url)
        fake.queue_many(
            [run_sql_reply("SELECT count(*) AS n FROM products"), text_reply("ok"), text_reply("There are products.")]
        )
        result = run_cli(
            [
                "ask",
                "How many products?",
                "--model",
                "anthropic:claude-haiku-4-5",
                "--approve",
                "auto",
                "--format",
                "json",
            ],
            capsys,
        )
        assert result.code == 0, result.err
        data = result.json()
        assert data["status"] == "answered" and data["rows"][0][0] > 0
        assert data["usage"]["cost_usd"] is not None
        first = fake.requests[0]
        assert first["model"] == "claude-haiku-4-5" and {t["name"] for t in first["tools"]} >= {"run_sql"}
        second = fake.requests[1]["messages"]
        assert any(
            block.get("type") == "tool_result"
            for m in second
            if isinstance(m["content"], list)
            for block in m["content"]
        )
    assert "sk-ant-test-canary" not in Path(data["session_path"]).read_text()
