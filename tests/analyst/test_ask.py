"""`analyst ask` end to end: the real openai SDK against a fake Chat Completions server on
127.0.0.1, the real sample database in DuckDB, and the session log on disk."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pytest

from tests.fakes import FakeOpenAI
from tests.helpers import FakeTty, events_of, run_cli, run_sql_reply, session_events, text_reply

QUESTION = "Which customer spent the most?"
TOP_SQL = (
    "SELECT coalesce(c.company_name, c.first_name || ' ' || c.last_name) AS customer, "
    "sum(i.line_total) AS total_spent FROM customers c JOIN orders o USING (customer_id) "
    "JOIN order_items i USING (order_id) WHERE o.status = 'completed' "
    "GROUP BY ALL ORDER BY total_spent DESC LIMIT 3"
)
CANARY = "sk-canary-9f8e7d6c5b4a39281706"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeOpenAI:
    with FakeOpenAI() as server:
        monkeypatch.setenv("OPENAI_API_KEY", CANARY)
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        yield server


def expected_top(sample_db: Path) -> list[tuple]:
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        return con.execute(TOP_SQL).fetchall()
    finally:
        con.close()


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_answers_through_tool_calls(fake: FakeOpenAI, capsys, sample_db: Path) -> None:
    top = expected_top(sample_db)
    fake.queue_many(
        [
            run_sql_reply(TOP_SQL, "Plan: sum completed order lines per customer."),
            text_reply(f"{top[0][0]} spent the most."),
            text_reply(f"{top[0][0]} spent the most: {top[0][1]}."),
        ]
    )
    result = run_cli(
        ["ask", QUESTION, "--approve", "auto", "--format", "json", "--model", "openai:gpt-4.1-mini"], capsys
    )
    assert result.code == 0, result.err
    data = result.json()
    assert data["status"] == "answered"
    assert data["rows"][0][0] == top[0][0]
    assert data["rows"][0][1] == str(top[0][1])  # decimals as strings
    assert data["row_count"] == 3 and data["truncated"] is False
    assert [c["name"] for c in data["columns"]] == ["customer", "total_spent"]
    assert top[0][0] in data["answer"]
    assert data["error"] is None
    assert data["usage"]["input_tokens"] == 100 + 50 + 50
    assert data["usage"]["cost_usd"] == pytest.approx((200 * 0.40 + 40 * 1.60) / 1e6)
    assert len(data["queries"]) == 1 and data["queries"][0]["ok"]

    first = fake.requests[0]
    assert {t["function"]["name"] for t in first["tools"]} == {
        "run_sql",
        "list_tables",
        "describe_table",
        "sample_values",
        "ask_user",
    }
    user = first["messages"][1]["content"]
    assert user.startswith(f"Question: {QUESTION}") and user.rstrip().endswith(QUESTION)
    assert "CREATE TABLE" in user and "customers" in user
    # the tool result for run_sql carries the preview back to the model
    tool_msg = [m for m in fake.requests[1]["messages"] if m["role"] == "tool"][0]
    assert top[0][0] in tool_msg["content"]
    # the summary request has no tools and no tool history, rows as quoted data
    summary = fake.requests[2]
    assert "tools" not in summary and all(m["role"] != "tool" for m in summary["messages"])
    assert "<data>" in summary["messages"][-1]["content"]

    events = session_events(data["session_path"])
    kinds = [e["type"] for e in events]
    for kind in (
        "session_started",
        "question_asked",
        "schema_retrieved",
        "model_called",
        "model_responded",
        "sql_checked",
        "approval_requested",
        "approval_decided",
        "query_executed",
        "answer_given",
        "run_finished",
    ):
        assert kind in kinds, kind
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert all(e["session"] == data["session_id"] and e["v"] == 1 for e in events)
    called = events_of(events, "model_called")[0]
    assert called["template"].startswith("system.v2") and len(called["template_hash"]) >= 12
    decided = events_of(events, "approval_decided")[0]
    executed = events_of(events, "query_executed")[0]
    assert decided["decided_by"] == "policy" and decided["hash"] == executed["hash"]
    assert executed["sql"] == data["sql"] and executed["row_count"] == 3 and executed["fingerprint"]
    assert events_of(events, "run_finished")[0]["status"] == "answered"
    log_text = Path(data["session_path"]).read_text()
    assert CANARY not in log_text and "rows" not in json.dumps(executed.get("rows") or "")
    assert (Path(data["session_path"]).stat().st_mode & 0o777) == 0o600
    assert fake.secret_locations(CANARY) == ["POST /v1/chat/completions header:authorization"] * 3 or all(
        "header:authorization" in loc for loc in fake.secret_locations(CANARY)
    )


def test_sql_block_fallback_for_models_without_tools(fake: FakeOpenAI, capsys, sample_db: Path) -> None:
    top = expected_top(sample_db)
    fake.queue_many(
        [
            text_reply(f"Here is the query:\n```sql\n{TOP_SQL}\n```\nIt sums completed lines."),
            text_reply("Done."),
            text_reply(f"{top[0][0]} spent the most."),
        ]
    )
    result = run_cli(["ask", QUESTION, "--approve", "auto", "--format", "json", "--no-tools"], capsys)
    assert result.code == 0, result.err
    data = result.json()
    assert data["status"] == "answered" and data["rows"][0][0] == top[0][0]
    assert "tools" not in fake.requests[0]
    assert "```sql" in fake.requests[0]["messages"][0]["content"]  # the text-mode rules


def test_two_different_sql_blocks_get_a_repair_prompt(fake: FakeOpenAI, capsys) -> None:
    fake.queue_many(
        [
            text_reply("```sql\nSELECT 1 AS a\n```\nor\n```sql\nSELECT 2 AS b\n```"),
            text_reply("```sql\nSELECT 2 AS b\n```"),
            text_reply("It is 2."),
            text_reply("The answer is 2."),
        ]
    )
    result = run_cli(["ask", "two?", "--approve", "auto", "--format", "json", "--no-tools"], capsys)
    data = result.json()
    assert data["status"] == "answered" and data["rows"] == [[2]]
    assert "exactly one" in fake.requests[1]["messages"][-1]["content"]


ATTACKS = [
    ("delete", "DELETE FROM customers"),
    ("copy_to", "COPY (SELECT * FROM customers) TO '{out}'"),
    ("read_csv", "SELECT * FROM read_csv('/etc/passwd')"),
    ("attach", "ATTACH '{out}' AS x"),
    ("set", "SET memory_limit = '10GB'"),
    ("second_statement", "SELECT 1; DROP TABLE customers"),
    ("misspelt_column", "SELECT custmer_id FROM customers"),
]


@pytest.mark.parametrize("name,attack", ATTACKS, ids=[a[0] for a in ATTACKS])
def test_unsafe_or_wrong_sql_never_runs_and_the_model_is_told_why(
    name: str, attack: str, fake: FakeOpenAI, capsys, sample_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "exfil.csv"
    before = file_digest(sample_db)
    fake.queue_many(
        [
            run_sql_reply(attack.format(out=out)),
            run_sql_reply("SELECT count(*) AS n FROM customers"),
            text_reply("There are customers."),
            text_reply("There are some customers."),
        ]
    )
    result = run_cli(
        ["ask", "How many customers?", "--db", str(sample_db), "--approve", "auto", "--format", "json"], capsys
    )
    data = result.json()
    assert data["status"] == "answered", result.err
    events = session_events(data["session_path"])
    checks = events_of(events, "sql_checked")
    assert checks[0]["ok"] is False and checks[0]["problems"]
    executed = [e["sql"] for e in events_of(events, "query_executed")]
    assert executed == [data["sql"]] and "count" in data["sql"].lower()
    feedback = [m for m in fake.requests[1]["messages"] if m["role"] == "tool"][0]["content"]
    assert "rejected" in feedback and checks[0]["problems"][0]["message"] in feedback
    if name == "misspelt_column":
        assert "customer_id" in feedback  # the did-you-mean suggestion
    assert file_digest(sample_db) == before
    assert not out.exists()
    assert not list(sample_db.parent.glob("*.wal"))


def test_three_rejections_end_as_rejected(fake: FakeOpenAI, capsys) -> None:
    fake.queue_many([run_sql_reply("DELETE FROM customers")] * 3)
    result = run_cli(["ask", "delete them", "--approve", "auto", "--format", "json"], capsys)
    assert result.code == 1
    data = result.json()
    assert data["status"] == "rejected" and data["error"]["kind"] == "guard" and data["sql"] is None


def test_dry_run_executes_nothing(fake: FakeOpenAI, capsys) -> None:
    fake.queue(run_sql_reply(TOP_SQL))
    result = run_cli(["ask", QUESTION, "--approve", "never", "--format", "json"], capsys)
    assert result.code == 0
    data = result.json()
    assert data["status"] == "dry_run" and "SUM(" in data["sql"].upper() and data["rows"] == []
    events = session_events(data["session_path"])
    assert not events_of(events, "query_executed")
    assert events_of(events, "approval_decided")[0]["decision"] == "dry_run"


def test_approve_ask_without_a_terminal_refuses(fake: FakeOpenAI, capsys) -> None:
    result = run_cli(["ask", QUESTION], capsys)
    assert result.code == 2 and result.out == ""
    assert len(result.err.strip().splitlines()) == 1 and "--approve" in result.err
    assert fake.requests == []


def test_missing_database_is_one_line_and_creates_nothing(capsys, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    missing = folder / "nope.duckdb"
    result = run_cli(["ask", QUESTION, "--db", str(missing), "--approve", "auto"], capsys)
    assert result.code == 4 and result.out == ""
    assert len(result.err.strip().splitlines()) == 1 and "nope.duckdb" in result.err
    assert not missing.exists() and not list(folder.iterdir())


@pytest.mark.parametrize(
    "runaway",
    [
        "SELECT count(*) AS n FROM range(1000000000000)",
        "SELECT count(*) AS n FROM range(100000) a, range(100000) b, range(1000) c",
    ],
)
def test_runaway_query_stops_at_the_timeout(runaway: str, fake: FakeOpenAI, capsys) -> None:
    fake.queue_many([run_sql_reply(runaway), text_reply("That query is too slow to answer.")])
    result = run_cli(["ask", "count a lot", "--approve", "auto", "--format", "json", "--timeout", "1"], capsys)
    data = result.json()
    events = session_events(data["session_path"])
    failed = events_of(events, "query_failed")
    assert failed and failed[0]["kind"] == "timeout"
    assert 900 <= failed[0]["elapsed_ms"] < 5000
    assert data["queries"][0]["error"]["kind"] == "timeout"
    tool_msg = [m for m in fake.requests[1]["messages"] if m["role"] == "tool"][0]["content"]
    assert "time limit" in tool_msg
    # the model gave up in words: no query succeeded, so this is not an answer (exit 1, not 0)
    assert result.code == 1 and data["status"] == "failed" and data["error"]["kind"] == "no_result"
    assert "timeout" in data["error"]["message"] and data["answer"] == "That query is too slow to answer."


def test_human_edit_is_checked_and_runs(fake: FakeOpenAI, capsys, monkeypatch) -> None:
    fake.queue_many([run_sql_reply(TOP_SQL), text_reply("Done."), text_reply("There are customers.")])
    answers = FakeTty("e\nSELECT count(*) AS customers FROM customers\n\n")
    result = run_cli(["ask", QUESTION, "--format", "json"], capsys, stdin=answers, monkeypatch=monkeypatch)
    data = result.json()
    assert data["status"] == "answered" and data["sql"].lower().startswith("select count(*)")
    events = session_events(data["session_path"])
    human = [e for e in events_of(events, "sql_checked") if e["source"] == "human"]
    assert human and human[0]["ok"]
    decided = events_of(events, "approval_decided")[0]
    assert decided["decision"] == "edit" and decided["decided_by"] == "human"
    assert decided["edited_hash"] == events_of(events, "query_executed")[0]["hash"]
    assert TOP_SQL.split()[0] in result.err  # the SQL was shown before asking
    assert f"Question: {QUESTION}" in result.err  # with the question it is meant to answer


def test_human_edit_that_fails_the_guard_never_runs(fake: FakeOpenAI, capsys, monkeypatch, sample_db: Path) -> None:
    before = file_digest(sample_db)
    fake.queue(run_sql_reply(TOP_SQL))
    answers = FakeTty("e\nDELETE FROM customers\n\nb\n")
    result = run_cli(
        ["ask", QUESTION, "--format", "json", "--db", str(sample_db)], capsys, stdin=answers, monkeypatch=monkeypatch
    )
    data = result.json()
    assert result.code == 1 and data["status"] == "aborted"
    events = session_events(data["session_path"])
    assert not events_of(events, "query_executed")
    assert [e["ok"] for e in events_of(events, "sql_checked")] == [True, False]
    assert "did not pass" in result.err
    assert file_digest(sample_db) == before


def test_reject_with_feedback_reaches_the_model(fake: FakeOpenAI, capsys, monkeypatch) -> None:
    fake.queue_many(
        [
            run_sql_reply("SELECT first_name FROM customers LIMIT 3"),
            run_sql_reply("SELECT company_name FROM customers WHERE company_name IS NOT NULL LIMIT 3"),
            text_reply("Here are three companies."),
            text_reply("Three companies are listed."),
        ]
    )
    answers = FakeTty("r\nuse company names, not first names\na\n")
    result = run_cli(
        ["ask", "Name three customers", "--format", "json"], capsys, stdin=answers, monkeypatch=monkeypatch
    )
    data = result.json()
    assert data["status"] == "answered" and "company_name" in data["sql"]
    tool_msg = [m for m in fake.requests[1]["messages"] if m["role"] == "tool"][0]["content"]
    assert "use company names, not first names" in tool_msg
    decisions = [e["decision"] for e in events_of(session_events(data["session_path"]), "approval_decided")]
    assert decisions == ["reject", "approve"]


def test_provider_failure_exits_3_and_is_logged(fake: FakeOpenAI, capsys) -> None:
    fake.queue_many([{"error": {"status": 500, "message": "upstream exploded", "retry_after_ms": 5}}] * 3)
    result = run_cli(["ask", QUESTION, "--approve", "auto", "--format", "json"], capsys)
    assert result.code == 3
    data = result.json()
    assert data["status"] == "failed" and data["error"]["kind"] == "provider"
    assert "500" in data["error"]["message"] and CANARY not in result.err
    events = session_events(data["session_path"])
    assert events_of(events, "model_failed") and events_of(events, "run_finished")[0]["status"] == "failed"


def test_missing_key_names_the_fix(capsys) -> None:
    result = run_cli(["ask", QUESTION, "--approve", "auto", "--model", "openai:gpt-4.1-mini"], capsys)
    assert result.code == 2 and "OPENAI_API_KEY" in result.err and "analyst keys set openai" in result.err


def test_csv_output_is_header_and_rows_only(fake: FakeOpenAI, capsys, sample_db: Path) -> None:
    top = expected_top(sample_db)
    fake.queue_many([run_sql_reply(TOP_SQL), text_reply("ok"), text_reply("ok")])
    result = run_cli(["ask", QUESTION, "--approve", "auto", "--format", "csv"], capsys)
    lines = result.out.strip().splitlines()
    assert lines[0] == "customer,total_spent" and len(lines) == 4
    assert lines[1].startswith(top[0][0])


class TtyOut(__import__("io").StringIO):
    def isatty(self) -> bool:
        return True


def test_answer_streams_on_a_terminal(fake: FakeOpenAI, sample_db: Path) -> None:
    from analyst.commands.ask import run_ask
    from analyst.config import load_config

    fake.queue_many(
        [
            run_sql_reply("SELECT count(*) AS n FROM customers"),
            text_reply("ok"),
            text_reply("There are two hundred customers in all."),
        ]
    )
    out, err = TtyOut(), __import__("io").StringIO()
    code = run_ask(
        load_config({}),
        "How many customers?",
        approve="auto",
        output="table",
        db=None,
        model_name=None,
        stdout=out,
        stderr=err,
    )
    assert code == 0, err.getvalue()
    assert fake.requests[2].get("stream") is True  # the summary was requested as a stream
    text = out.getvalue()
    assert text.index("There are two hundred customers in all.") < text.index("1 row")
    assert text.count("There are two hundred customers") == 1


def test_configured_endpoint_without_tools(capsys, sample_db: Path, analyst_home: Path) -> None:
    with FakeOpenAI() as server:
        (analyst_home / "config.toml").write_text(
            f'[endpoints.local]\nbase_url = "{server.base_url}"\ntools = false\ncontext_window = 16000\n'
        )
        server.queue_many(
            [
                text_reply("```sql\nSELECT count(*) AS n FROM products\n```"),
                text_reply("ok"),
                text_reply("Products counted."),
            ]
        )
        result = run_cli(
            ["ask", "How many products?", "--model", "local:qwen2.5-coder", "--approve", "auto", "--format", "json"],
            capsys,
        )
        assert result.code == 0, result.err
        assert "tools" not in server.requests[0] and server.requests[0]["model"] == "qwen2.5-coder"
        assert server.headers(0)["authorization"] == "Bearer not-needed"
    assert result.json()["rows"][0][0] > 0


def test_bad_endpoint_config_is_one_line(capsys, analyst_home: Path) -> None:
    (analyst_home / "config.toml").write_text('[endpoints.local]\nurl = "http://x"\n')
    result = run_cli(["ask", "q", "--approve", "auto"], capsys)
    assert result.code == 2 and "[endpoints.local]" in result.err and len(result.err.strip().splitlines()) == 1


def test_no_data_to_model_sends_shapes_not_cells(fake: FakeOpenAI, capsys, sample_db: Path) -> None:
    top = expected_top(sample_db)
    fake.queue_many(
        [
            {"tool_calls": [{"name": "sample_values", "arguments": {"table": "customers", "column": "segment"}}]},
            run_sql_reply(TOP_SQL),
            text_reply("ok"),
            text_reply("The top customer spent the most."),
        ]
    )
    result = run_cli(["ask", QUESTION, "--approve", "auto", "--format", "json", "--no-data-to-model"], capsys)
    data = result.json()
    assert data["status"] == "answered" and data["rows"][0][0] == top[0][0]  # the person still sees rows
    sent = json.dumps(fake.requests)
    assert top[0][0] not in sent  # no cell value reached the model
    assert "e.g. 'consumer'" not in sent and "'enterprise'" not in sent  # no sample values in the schema
    assert "no-data mode" in sent and "Aggregates" not in sent
    assert str(top[0][1]) not in sent  # nor a number of the result: a max or sum can be a cell (issue 16)


@pytest.mark.parametrize("editor", ["false", "/nonexistent/editor", None])
def test_an_abandoned_edit_runs_nothing(editor: str | None, fake: FakeOpenAI, capsys, monkeypatch) -> None:
    """An edit approves the new text; an editor that fails (vim's `:cq`), is missing, or an empty
    typed edit must go back to the prompt, not run the proposed SQL unapproved."""
    monkeypatch.delenv("VISUAL", raising=False)
    if editor is None:
        monkeypatch.delenv("EDITOR", raising=False)
        keys = "e\n\nb\n"  # nothing typed, then abort
    else:
        monkeypatch.setenv("EDITOR", editor)
        keys = "e\nb\n"
    fake.queue(run_sql_reply(TOP_SQL))
    result = run_cli(["ask", QUESTION, "--format", "json"], capsys, stdin=FakeTty(keys), monkeypatch=monkeypatch)
    data = result.json()
    assert result.code == 1 and data["status"] == "aborted"
    events = session_events(data["session_path"])
    assert not events_of(events, "query_executed")
    assert [e["decision"] for e in events_of(events, "approval_decided")] == ["abort"]
    assert "Edit cancelled" in result.err and "Traceback" not in result.err
    if editor == "/nonexistent/editor":
        assert "Cannot start the editor" in result.err


def test_sql_that_failed_the_checks_cannot_be_approved(fake: FakeOpenAI, capsys, monkeypatch) -> None:
    fake.queue(run_sql_reply(TOP_SQL))
    answers = FakeTty("e\nDELETE FROM customers\n\na\nb\n")
    result = run_cli(["ask", QUESTION, "--format", "json"], capsys, stdin=answers, monkeypatch=monkeypatch)
    assert result.json()["status"] == "aborted"
    assert "cannot be approved" in result.err


def test_intervals_are_iso_8601_durations_in_json_and_csv(fake: FakeOpenAI, capsys) -> None:
    import csv
    import io

    sql = (
        "SELECT INTERVAL 3 DAY AS d, INTERVAL 90 MINUTE AS m, -INTERVAL 1 HOUR AS neg, INTERVAL 1500 MILLISECOND AS ms"
    )
    fake.queue_many([run_sql_reply(sql), text_reply("Done."), text_reply("Done.")])
    as_json = run_cli(["ask", "intervals", "--approve", "auto", "--format", "json"], capsys)
    assert as_json.code == 0, as_json.err
    assert as_json.json()["rows"] == [["P3D", "PT1H30M", "-PT1H", "PT1.5S"]]
    fake.queue_many([run_sql_reply(sql), text_reply("Done."), text_reply("Done.")])
    as_csv = run_cli(["ask", "intervals", "--approve", "auto", "--format", "csv"], capsys)
    assert list(csv.reader(io.StringIO(as_csv.out)))[1] == ["P3D", "PT1H30M", "-PT1H", "PT1.5S"]


def test_asking_shows_the_sql_once_and_an_abort_says_so(fake: FakeOpenAI, capsys, monkeypatch) -> None:
    sql = "SELECT count(*) AS n FROM customers"
    fake.queue_many([run_sql_reply(sql), text_reply("Done.")])
    result = run_cli(["ask", QUESTION], capsys, stdin=FakeTty("b\n"), monkeypatch=monkeypatch)
    assert result.code == 1
    assert result.err.count("FROM customers") == 1  # the progress lines show it; the prompt does not repeat it
    assert "ready to run" in result.err and "analyst: aborted; nothing further ran" in result.err


@pytest.mark.parametrize(
    ("sql", "warnings"),
    [
        (
            "SELECT c.first_name FROM customers c, orders o LIMIT 3",
            ["without a join condition", "LIMIT without ORDER BY"],
        ),
        ("SELECT count(*) AS n FROM customers CROSS JOIN orders", ["CROSS JOIN orders: every row"]),
    ],
)
def test_asking_shows_the_guards_warnings_before_approval(
    sql: str, warnings: list[str], fake: FakeOpenAI, capsys, monkeypatch
) -> None:
    """The terminal shows the advice the TUI's approval screen shows (issue 15 §2): SQL the guard
    allows but a person may not mean gets a look twice before `a`."""
    fake.queue(run_sql_reply(sql))
    result = run_cli(["ask", QUESTION], capsys, stdin=FakeTty("b\n"), monkeypatch=monkeypatch)
    assert result.code == 1
    shown = [line for line in result.err.splitlines() if line.startswith("⚠ ")]
    assert len(shown) == len(warnings), result.err
    for line, fragment in zip(shown, warnings):
        assert fragment in line
    assert result.err.index(shown[-1]) < result.err.index("[a]pprove")  # before the prompt


def test_sql_the_guard_refuses_gets_no_warnings(fake: FakeOpenAI, capsys, monkeypatch) -> None:
    fake.queue(run_sql_reply(TOP_SQL))
    answers = FakeTty("e\nSELECT * FROM customers c, missing_table m LIMIT 3\n\nb\n")
    result = run_cli(["ask", QUESTION], capsys, stdin=answers, monkeypatch=monkeypatch)
    assert "did not pass" in result.err and "⚠" not in result.err


@pytest.mark.parametrize(
    "typed",
    [
        "SELECT first_name FROM customers WHERE company_name IS NOT NULL ORDER BY first_name LIMIT 2;",
        "select customer_id::text AS id,\n       first_name -- who\nfrom customers order by 1 limit 2",
    ],
)
def test_an_edit_runs_exactly_as_typed(typed: str, fake: FakeOpenAI, capsys, monkeypatch) -> None:
    """The checker's regeneration (`NOT x IS NULL`, CAST(...), upper case, no comments) never
    replaces what a person typed: the text that runs and its hash are theirs."""
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    fake.queue_many([run_sql_reply(TOP_SQL), text_reply("Done."), text_reply("Done.")])
    answers = FakeTty("e\n" + typed + "\n\n")
    result = run_cli(["ask", QUESTION, "--format", "json"], capsys, stdin=answers, monkeypatch=monkeypatch)
    data = result.json()
    assert data["status"] == "answered", result.err
    runs = typed.rstrip(";")
    assert data["sql"] == runs
    events = session_events(data["session_path"])
    executed = events_of(events, "query_executed")[0]
    assert executed["sql"] == runs and executed["hash"] == hashlib.sha256(runs.encode()).hexdigest()
    human = [e for e in events_of(events, "sql_checked") if e["source"] == "human"][0]
    assert human["sql_out"] == runs and human["hash"] == executed["hash"]
    assert events_of(events, "approval_decided")[0]["edited_hash"] == executed["hash"]


def test_an_edit_the_engine_rejects_as_typed_is_not_repaired(fake: FakeOpenAI, capsys, monkeypatch) -> None:
    """sqlglot accepts LIMIT before ORDER BY and would move it; the typed text goes to the engine's
    check as typed, so the person sees the engine's error instead of a silently different query."""
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    fake.queue(run_sql_reply(TOP_SQL))
    answers = FakeTty("e\nSELECT first_name FROM customers LIMIT 2 ORDER BY first_name\n\nb\n")
    result = run_cli(["ask", QUESTION, "--format", "json"], capsys, stdin=answers, monkeypatch=monkeypatch)
    events = session_events(result.json()["session_path"])
    human = [e for e in events_of(events, "sql_checked") if e["source"] == "human"][0]
    assert not human["ok"] and human["problems"][0]["code"] == "engine_rejects"
    assert not events_of(events, "query_executed")


def test_a_refused_edit_is_said_once_and_cannot_be_approved(fake: FakeOpenAI, capsys, monkeypatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    fake.queue(run_sql_reply(TOP_SQL))
    answers = FakeTty("e\nSELECT nope FROM customers\n\nb\n")
    result = run_cli(["ask", QUESTION, "--format", "table"], capsys, stdin=answers, monkeypatch=monkeypatch)
    assert result.code == 1
    after = result.err[result.err.index("SELECT nope") :]
    assert result.err.count("[unknown_column]") == 1, result.err
    prompts = [line for line in after.splitlines() if "[e]dit" in line]
    assert prompts and all("[a]pprove" not in line for line in prompts)
