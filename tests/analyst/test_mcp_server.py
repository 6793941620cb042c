"""`analyst mcp` end to end: the real server process, driven by the official MCP client over stdio
and over Streamable HTTP on 127.0.0.1, the real sample database, the session log on disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.analyst.mcp_client import call, free_port, over_http, over_stdio, start_http, stop
from tests.fakes import FakeOpenAI
from tests.helpers import events_of, run_cli, run_sql_reply, session_events, text_reply

pytest.importorskip("mcp", reason="the mcp extra: pip install -e '.[mcp]'")

SELECT = "SELECT customer_id, segment FROM customers ORDER BY customer_id LIMIT 3"


def the_log(home: Path) -> list[dict[str, Any]]:
    (path,) = sorted((home / "sessions").glob("*.jsonl"))
    return session_events(path)


def count(db: Path, table: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        con.close()


def test_stdio_tools_run_selects_and_refuse_the_rest(analyst_home: Path, sample_db: Path, capsys) -> None:
    before = count(sample_db, "customers")

    async def script(session: Any) -> dict[str, Any]:
        tools = await session.list_tools()
        out = {"tools": sorted(t.name for t in tools.tools)}
        out["select"] = await call(session, "run_sql", sql=SELECT)
        out["delete"] = await call(session, "run_sql", sql="DELETE FROM customers")
        out["file"] = await call(session, "run_sql", sql="SELECT * FROM read_csv('/etc/passwd')")
        out["hidden"] = await call(session, "run_sql", sql="SELECT email FROM customers")
        out["tables"] = await call(session, "list_tables")
        out["customers"] = await call(session, "describe_table", table="customers")
        out["missing"] = await call(session, "describe_table", table="nope")
        out["slice"] = await call(session, "schema_for", question="revenue by product category", budget=300)
        out["check"] = await call(session, "check_sql", sql="SELECT * FROM orders LIMIT 5")
        resource = await session.read_resource("analyst://schema")
        out["resource"] = resource.contents[0].text
        return out

    out, asked = over_stdio(["--approve", "auto", "--exclude-column", "customers.email"], script)
    assert out["tools"] == ["check_sql", "describe_table", "list_tables", "run_sql", "schema_for"]  # no model: no ask
    select = out["select"].data
    assert select["status"] == "answered" and select["ran"] is True
    assert [row[0] for row in select["rows"]] == [1, 2, 3]
    assert [c["name"] for c in select["columns"]] == ["customer_id", "segment"]
    for name, code in (("delete", "not_a_query"), ("file", "table_function_not_allowed")):
        refused = out[name].data
        assert refused["status"] == "rejected" and refused["ran"] is False and refused["rows"] == []
        assert refused["problems"][0]["code"] == code
    assert out["hidden"].data["status"] == "rejected" and "email" in out["hidden"].data["problems"][0]["message"]
    assert count(sample_db, "customers") == before
    assert "main.customers" in [t["name"] for t in out["tables"].data["tables"]]
    assert "email" not in [c["name"] for c in out["customers"].data["columns"]]
    assert out["missing"].is_error and "main.customers" in out["missing"].text
    assert out["slice"].data["tokens"] <= out["slice"].data["full_tokens"]
    assert out["check"].data["ok"] and any("ORDER BY" in w for w in out["check"].data["warnings"])
    assert "CREATE TABLE main.customers" in out["resource"] and "Contact email" not in out["resource"]
    assert asked.messages == []

    events = the_log(analyst_home)
    assert [e["source"] for e in events_of(events, "sql_checked")] == ["caller"] * 4
    assert [d["decided_by"] for d in events_of(events, "approval_decided")] == ["policy"]
    assert len(events_of(events, "query_executed")) == 1
    assert {e["name"] for e in events_of(events, "tool_ran")} >= {
        "mcp:list_tables",
        "mcp:describe_table",
        "mcp:check_sql",
    }
    listed = run_cli(["sessions", "list"], capsys)
    assert "1 answered, 3 rejected" in listed.out


def test_a_declined_elicitation_runs_nothing_and_an_accepted_one_runs(analyst_home: Path, capsys) -> None:
    answers = iter(["decline", "accept"])

    async def script(session: Any) -> list[Any]:
        return [await call(session, "run_sql", sql=SELECT), await call(session, "run_sql", sql=SELECT)]

    (declined, accepted), asked = over_stdio(["--approve", "ask"], script, decide=lambda message: next(answers))
    assert declined.data["ran"] is False and declined.data["rows"] == []
    assert "declined" in declined.data and "not run" in declined.data["declined"]
    assert accepted.data["ran"] is True and len(accepted.data["rows"]) == 3
    shown = asked.messages[0]
    events = the_log(analyst_home)
    requested = events_of(events, "approval_requested")[0]
    assert SELECT in shown and requested["hash"] in shown and "main.customers" in shown and "1000 rows" in shown
    decisions = events_of(events, "approval_decided")
    assert [(d["decision"], d["decided_by"]) for d in decisions] == [("abort", "human"), ("approve", "human")]
    assert len(events_of(events, "query_executed")) == 1
    (log,) = (analyst_home / "sessions").glob("*.jsonl")
    session = log.stem
    replayed = run_cli(["replay", session], capsys)
    assert replayed.code == 0 and "identical: 2 turns" in replayed.out + replayed.err


def test_a_client_that_cannot_ask_is_refused_naming_the_options(analyst_home: Path) -> None:
    async def script(session: Any) -> Any:
        return await call(session, "run_sql", sql=SELECT)

    refused, _ = over_stdio(["--approve", "ask"], script, decide=None)
    assert refused.is_error
    assert (
        "cannot ask the person" in refused.text and "--approve auto" in refused.text and "analyst --db" in refused.text
    )
    events = the_log(analyst_home)
    assert events_of(events, "query_executed") == [] and events_of(events, "sql_checked") == []
    assert events_of(events, "tool_ran")[0]["ok"] is False


def test_approve_never_returns_the_checked_plan(analyst_home: Path) -> None:
    async def script(session: Any) -> Any:
        return await call(session, "run_sql", sql=SELECT)

    plan, _ = over_stdio(["--approve", "never", "--max-rows", "50"], script)
    assert plan.data["status"] == "dry_run" and plan.data["ran"] is False and plan.data["rows"] == []
    assert plan.data["plan"]["sql"] == SELECT and plan.data["plan"]["limits"]["max_rows"] == 50
    assert events_of(the_log(analyst_home), "query_executed") == []


def test_no_data_to_model_withholds_rows(analyst_home: Path) -> None:
    async def script(session: Any) -> Any:
        return await call(session, "run_sql", sql=SELECT)

    shaped, _ = over_stdio(["--approve", "auto", "--no-data-to-model"], script)
    assert shaped.data["ran"] is True and shaped.data["row_count"] == 3
    assert "rows" not in shaped.data and "consumer" not in shaped.text


def test_ask_answers_through_the_configured_model(
    analyst_home: Path, monkeypatch: pytest.MonkeyPatch, sample_db: Path
) -> None:
    with FakeOpenAI() as fake:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-mcp")
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        fake.queue_many([run_sql_reply(SELECT), text_reply("Three customers."), text_reply("The first three.")])

        async def script(session: Any) -> Any:
            names = sorted(t.name for t in (await session.list_tools()).tools)
            return names, await call(session, "ask", question="Who are the first customers?")

        (names, answered), _ = over_stdio(["--approve", "auto", "--model", "openai:gpt-4.1-mini"], script)
    assert "ask" in names
    assert answered.data["status"] == "answered" and answered.data["answer"] == "The first three."
    assert len(answered.data["rows"]) == 3
    assert events_of(the_log(analyst_home), "model_called")


def test_streamable_http_on_loopback(analyst_home: Path, sample_db: Path) -> None:
    before = count(sample_db, "orders")
    port = free_port()
    server = start_http(["--approve", "ask", "--exclude-column", "customers.email"], port)
    answers = iter(["decline", "accept"])
    try:

        async def script(session: Any) -> Any:
            return [
                await call(session, "run_sql", sql=SELECT),
                await call(session, "run_sql", sql=SELECT),
                await call(session, "run_sql", sql="DELETE FROM orders"),
                await call(session, "run_sql", sql="SELECT * FROM read_csv('/etc/passwd')"),
                await call(session, "run_sql", sql="SELECT email FROM customers"),
            ]

        (declined, ran, *refused), asked = over_http(port, script, decide=lambda message: next(answers))
    finally:
        err = stop(server)
    assert declined.data["ran"] is False and "declined" in declined.data
    assert ran.data["ran"] is True and len(ran.data["rows"]) == 3
    assert len(asked.messages) == 2  # refused statements never reach the person
    for call_result in refused:
        assert call_result.data["status"] == "rejected" and call_result.data["problems"]
    assert count(sample_db, "orders") == before
    assert "analyst: session " in err
    events = the_log(analyst_home)
    assert len(events_of(events, "query_executed")) == 1
    assert [d["decided_by"] for d in events_of(events, "approval_decided")] == ["human", "human"]


def test_streamable_http_with_a_token_refuses_requests_without_it(analyst_home: Path) -> None:
    port = free_port()
    server = start_http(["--approve", "auto", "--token", "s3cret-token"], port)
    try:

        async def script(session: Any) -> Any:
            return await call(session, "run_sql", sql=SELECT)

        ran, _ = over_http(port, script, token="s3cret-token")
        with pytest.raises(BaseException):  # noqa: B017 (the SDK raises its transport's error group)
            over_http(port, script, token="wrong")
    finally:
        stop(server)
    assert ran.data["ran"] is True


def test_listening_beyond_loopback_needs_a_token(capsys) -> None:
    result = run_cli(["mcp", "--http", "0.0.0.0:8765"], capsys)
    assert result.code == 2
    assert result.err.count("\n") == 1 and "--token" in result.err and "127.0.0.1" in result.err
    stdio_token = run_cli(["mcp", "--token", "x"], capsys)
    assert stdio_token.code == 2 and "--http only" in stdio_token.err
    bad = run_cli(["mcp", "--http", "localhost"], capsys)
    assert bad.code == 2 and "HOST:PORT" in bad.err
