"""The README's "Python API" examples run as written, in order, against the bundled sample database
and the real openai SDK talking to the fake server; its MCP configuration parses as a command."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import duckdb
import pytest

from analyst.cli import build_parser
from tests.fakes import FakeOpenAI
from tests.helpers import run_sql_reply, text_reply

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def _section(title: str) -> str:
    start = README.index(f"## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start:end]


def test_the_python_api_examples_run(monkeypatch: pytest.MonkeyPatch, sample_db: Path) -> None:
    con = duckdb.connect(str(sample_db), read_only=True)
    completed = con.execute("SELECT count(*) FROM orders WHERE status = 'completed'").fetchone()[0]
    con.close()
    blocks = re.findall(r"```python\n(.*?)```", _section("Python API"), re.S)
    assert len(blocks) == 4
    with FakeOpenAI() as fake:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-readme")
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        fake.queue_many(
            [
                run_sql_reply("SELECT customer_id, count(*) AS n FROM orders GROUP BY ALL ORDER BY n DESC LIMIT 1"),
                text_reply("Customer 7."),
                text_reply("Customer 7 spent the most."),
                run_sql_reply("SELECT count(*) AS n FROM orders WHERE status = 'completed'"),
                text_reply("That many."),
                text_reply("Most orders were completed."),
                run_sql_reply("SELECT count(*) AS n FROM stores"),
                text_reply("Some stores."),
                text_reply("There are a few stores."),
            ]
        )
        namespace: dict[str, object] = {}
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            for block in blocks:
                exec(compile(block, "README.md", "exec"), namespace)
    printed = out.getvalue()
    assert "answered" in printed and "Customer 7 spent the most." in printed
    assert "Only a single SELECT query" in printed  # check() of a DELETE
    assert f"answered (({completed},),)" in printed  # the review approved a query of orders alone
    assert "\nunknown_column\n" in printed  # the hidden column, refused
    assert "CREATE TABLE main.categories" in printed  # the schema slice
    assert "There are a few stores." in printed and "run_finished" in printed
    assert len(fake.requests) == 9


def test_the_mcp_configuration_is_a_working_command() -> None:
    section = _section("Coding agents (MCP)")
    config = json.loads(re.search(r"```json\n(.*?)```", section, re.S).group(1))
    server = config["mcpServers"]["analyst"]
    assert server["command"] == "analyst"
    args = build_parser().parse_args(server["args"])
    assert args.command == "mcp" and args.approve == "ask" and args.exclude_columns == ["customers.email"]
    claude = re.search(r"`claude mcp add analyst -- analyst (mcp [^`]*)`", section).group(1).split()
    assert build_parser().parse_args(claude).command == "mcp"
