"""`analyst ask` against the real PostgreSQL server, as a read-only role, in its own dialect."""

from __future__ import annotations

from pathlib import Path

from tests.fakes import FakeOpenAI
from tests.helpers import events_of, run_cli, run_sql_reply, session_events, text_reply
from tests.pg_env import PgEnv


def test_ask_postgres_answers_read_only(pg: PgEnv, capsys, monkeypatch) -> None:
    with FakeOpenAI() as fake:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-pg-000000000")
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        fake.queue_many(
            [
                run_sql_reply("DELETE FROM orders"),
                run_sql_reply(
                    "SELECT c.name, count(o.order_id) AS orders FROM customers c JOIN orders o ON o.customer_id = c.customer_id GROUP BY c.name ORDER BY orders DESC, c.name LIMIT 3"
                ),
                text_reply("ok"),
                text_reply("Counted."),
            ]
        )
        url = pg.url_with_password()
        result = run_cli(["ask", "Who ordered most?", "--db", url, "--approve", "auto", "--format", "json"], capsys)
        before = pg.scalar("SELECT count(*) FROM orders")
    assert result.code == 0, result.err
    data = result.json()
    assert data["status"] == "answered" and data["rows"] and len(data["rows"]) <= 3
    assert "warning" in result.err and pg.password not in result.err
    log = Path(data["session_path"]).read_text()
    assert pg.password not in log
    started = session_events(data["session_path"])[0]
    assert started["dialect"] == "postgres" and pg.roles["ro"] in started["database"]
    checks = events_of(session_events(data["session_path"]), "sql_checked")
    assert checks[0]["ok"] is False  # the DELETE never reached the server
    assert pg.scalar("SELECT count(*) FROM orders") == before
    first_prompt = fake.requests[0]["messages"]
    assert "PostgreSQL" in first_prompt[0]["content"] and "customers" in first_prompt[1]["content"]


def test_superuser_url_is_refused_with_exit_4(pg: PgEnv, capsys) -> None:
    result = run_cli(
        [
            "ask",
            "q",
            "--db",
            pg.admin_dsn if pg.admin_dsn.startswith("postgres") else "postgresql://postgres@127.0.0.1/postgres",
            "--approve",
            "auto",
        ],
        capsys,
    )
    assert result.code == 4 and "superuser" in result.err and len(result.err.strip().splitlines()) == 1


def test_edits_run_as_typed_unless_the_server_reads_them_otherwise(pg: PgEnv, capsys, monkeypatch) -> None:
    """A cast typed as `::text` runs as typed (the server plans it like the checker's CAST).
    `price ^ 2` is regenerated as POWER(price, 2), which the server plans differently: that
    rewrite is shown and asked about again, and only the approved rewrite runs."""
    from tests.helpers import FakeTty

    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    typed = "select name::text as n from customers order by 1 limit 2"
    powered = "select price ^ 2 as sq from products order by 1 limit 2"
    with FakeOpenAI() as fake:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-pg-000000000")
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        fake.queue_many([run_sql_reply("SELECT name FROM customers LIMIT 1"), text_reply("ok"), text_reply("ok")])
        as_typed = run_cli(
            ["ask", "names", "--db", pg.url_with_password(), "--format", "json"],
            capsys,
            stdin=FakeTty(f"e\n{typed}\n\n"),
            monkeypatch=monkeypatch,
        )
        fake.queue_many([run_sql_reply("SELECT name FROM products LIMIT 1"), text_reply("ok"), text_reply("ok")])
        rewritten = run_cli(
            ["ask", "squares", "--db", pg.url_with_password(), "--format", "json"],
            capsys,
            stdin=FakeTty(f"e\n{powered}\n\na\n"),
            monkeypatch=monkeypatch,
        )
    assert as_typed.json()["sql"] == typed, as_typed.err
    data = rewritten.json()
    assert data["status"] == "answered", rewritten.err
    assert data["sql"] == "SELECT POWER(price, 2) AS sq FROM products ORDER BY 1 LIMIT 2"
    assert "cannot run as you typed it" in rewritten.err and data["sql"] in rewritten.err
    events = session_events(data["session_path"])
    assert [e["decision"] for e in events_of(events, "approval_decided")] == ["edit", "approve"]
    asked = events_of(events, "approval_requested")
    assert asked[-1]["sql"] == data["sql"] and events_of(events, "query_executed")[0]["hash"] == asked[-1]["hash"]
