"""The Python API end to end: `analyst.connect` over the real sample database in DuckDB, the real
openai SDK against the fake Chat Completions server on 127.0.0.1, and the session log on disk."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

import analyst
from tests.fakes import FakeOpenAI
from tests.helpers import events_of, run_cli, run_sql_reply, session_events, text_reply

TOP_SQL = (
    "SELECT c.customer_id, sum(i.line_total) AS spent FROM customers c JOIN orders o USING (customer_id) "
    "JOIN order_items i USING (order_id) WHERE o.status = 'completed' GROUP BY ALL ORDER BY spent DESC LIMIT 3"
)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeOpenAI:
    with FakeOpenAI() as server:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-api")
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        yield server


def rows_of(sample_db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_ask_answers_end_to_end_through_the_real_sdk(fake: FakeOpenAI, sample_db: Path) -> None:
    top = rows_of(sample_db, TOP_SQL)
    fake.queue_many(
        [run_sql_reply(TOP_SQL), text_reply("Customer 1 spent the most."), text_reply(f"{top[0][0]} spent most.")]
    )
    seen: list[str] = []
    with analyst.connect(model="openai:gpt-4.1-mini", on_event=lambda e: seen.append(e.type)) as a:
        r = a.ask("Who spent the most?")
    assert r.status is analyst.Status.ANSWERED and r.error is None
    assert [c.name for c in r.columns] == ["customer_id", "spent"]
    assert [row[0] for row in r.rows] == [row[0] for row in top] and r.row_count == 3 and not r.truncated
    assert r.answer == f"{top[0][0]} spent most."
    assert r.usage.input_tokens == 100 + 50 + 50 and r.sql is not None
    events = session_events(a.session_path)
    assert events_of(events, "approval_decided")[0]["decided_by"] == "policy"
    assert len(events_of(events, "query_executed")) == 1
    assert seen[0] == "session_started" and seen[-1] == "run_finished"
    assert len(fake.requests) == 3


def test_a_rejecting_callable_runs_nothing(fake: FakeOpenAI) -> None:
    fake.queue_many([run_sql_reply(TOP_SQL), text_reply("Understood, I will not run it.")])
    shown: list[analyst.PendingSql] = []

    def reject(pending: analyst.PendingSql) -> analyst.Reject:
        shown.append(pending)
        return analyst.Reject("not that one")

    with analyst.connect(model="openai:gpt-4.1-mini", max_rows=7) as a:
        r = a.ask("Who spent the most?", approve=reject)
    assert r.status is not analyst.Status.ANSWERED and r.rows == ()
    events = session_events(a.session_path)
    assert events_of(events, "query_executed") == [] and events_of(events, "query_failed") == []
    assert events_of(events, "approval_decided")[0]["decision"] == "reject"
    (pending,) = shown
    assert sorted(pending.tables) == ["main.customers", "main.order_items", "main.orders"]
    assert pending.limits.max_rows == 7 and len(pending.sql_hash) == 64
    assert pending.question == "Who spent the most?"
    assert "The person rejected this SQL" in str(fake.requests[1]["messages"])


def test_run_is_guarded_read_only_limited_and_logged(sample_db: Path) -> None:
    before = rows_of(sample_db, "SELECT count(*) FROM customers")
    with analyst.connect(max_rows=5, exclude_columns=["customers.email"]) as a:
        ok = a.run("SELECT customer_id FROM customers ORDER BY customer_id")
        delete = a.run("DELETE FROM customers")
        file_read = a.run("SELECT * FROM read_csv('/etc/passwd')")
        hidden = a.run("SELECT email FROM customers")
        dry = a.run("SELECT 1 AS one", approve="never")
    assert ok.status is analyst.Status.ANSWERED and ok.rows == ((1,), (2,), (3,), (4,), (5,)) and ok.truncated
    for refused, code in ((delete, "not_a_query"), (file_read, "table_function_not_allowed")):
        assert refused.status is analyst.Status.REJECTED and refused.rows == ()
        assert refused.problems[0].code == code and refused.error is not None
    assert hidden.status is analyst.Status.REJECTED and "email" in hidden.problems[0].message
    assert dry.status is analyst.Status.DRY_RUN and dry.sql == "SELECT 1 AS one" and dry.rows == ()
    assert rows_of(sample_db, "SELECT count(*) FROM customers") == before
    events = session_events(a.session_path)
    assert len(events_of(events, "query_executed")) == 1
    assert [e["source"] for e in events_of(events, "sql_checked")] == ["caller"] * 5


def test_callable_decisions_edit_and_abort() -> None:
    with analyst.connect() as a:
        edited = a.run("SELECT 1 AS one", approve=lambda p: analyst.Edit("SELECT 2 AS two"))
        aborted = a.run("SELECT 1 AS one", approve=lambda p: analyst.Abort())
        with pytest.raises(TypeError, match=r"returns analyst\.Approve"):
            a.run("SELECT 1 AS one", approve=lambda p: "yes")  # type: ignore[arg-type,return-value]
    assert edited.rows == ((2,),) and edited.columns[0].name == "two"
    assert aborted.status is analyst.Status.ABORTED and aborted.rows == ()
    decisions = events_of(session_events(a.session_path), "approval_decided")
    assert [d["decision"] for d in decisions] == ["edit", "abort", "abort"]


def test_check_and_schema_run_nothing() -> None:
    with analyst.connect(exclude_columns=["customers.email"], data_to_model=False) as a:
        check = a.check("SELECT * FROM orders LIMIT 5")
        refused = a.check("DROP TABLE orders")
        whole = a.schema()
        part = a.schema("revenue by product category", budget=300)
        assert a.session_id is None  # nothing ran: no log
    assert check.ok and check.tables == ("main.orders",) and check.sql_hash is not None
    assert any("ORDER BY" in w for w in check.warnings)
    assert not refused.ok and refused.problems
    customers = next(t for t in whole.tables if t.name == "main.customers")
    assert "email" not in [c.name for c in customers.columns]  # hidden
    assert "Contact email" not in whole.ddl and "e.g. 'consumer'" not in whole.ddl  # and no sample values
    assert part.tokens <= part.full_tokens and part.tables and all(t.why for t in part.tables)


def test_stream_yields_events_as_they_happen_then_the_result(fake: FakeOpenAI) -> None:
    fake.queue_many([run_sql_reply("SELECT 42 AS answer"), text_reply("42."), text_reply("It is 42.")])
    with analyst.connect(model="openai:gpt-4.1-mini") as a:
        items = list(a.stream("What is the answer?"))
    *events, result = items
    assert isinstance(result, analyst.Result) and result.rows == ((42,),)
    types = [e.type for e in events]
    assert types[0] == "session_started" and types[-1] == "run_finished"
    assert types.index("approval_requested") < types.index("query_executed") < types.index("answer_given")


def test_without_a_working_model_statements_run_and_ask_says_why() -> None:
    with analyst.connect(model="openai:gpt-4.1-mini") as a:  # no OPENAI_API_KEY here
        assert a.run("SELECT 1 AS one").rows == ((1,),)
        with pytest.raises(analyst.UserError, match="OPENAI_API_KEY"):
            a.ask("anything")


def test_unknown_setting_is_one_clear_error() -> None:
    with pytest.raises(analyst.UserError, match=r"unknown setting\(s\) max_row for analyst.connect; known: .*max_rows"):
        analyst.connect(max_row=5)
    with pytest.raises(analyst.UserError, match="invalid max_rows"):
        analyst.connect(max_rows=0)
    with pytest.raises(ValueError, match="approve must be"):
        with analyst.connect() as a:
            a.run("SELECT 1", approve="yes")  # type: ignore[arg-type]


def test_an_api_session_replays_identically_and_exports_no_caller_sql(capsys) -> None:
    with analyst.connect() as a:
        a.run("SELECT count(*) AS n FROM orders")
        a.run("DELETE FROM orders")
    replayed = run_cli(["replay", a.session_id or ""], capsys)
    assert replayed.code == 0, replayed.err
    assert "identical: 2 turns" in replayed.out + replayed.err
    shown = run_cli(["sessions", "show", a.session_id or ""], capsys)
    assert "checked caller" in shown.out and "decision: approve by policy" in shown.out


def test_export_leaves_out_sql_a_program_wrote(capsys) -> None:
    with analyst.connect() as a:
        ran = a.run("SELECT count(*) AS n FROM orders", approve=lambda p: analyst.Approve())  # decided_by human
    assert ran.status is analyst.Status.ANSWERED
    decisions = events_of(session_events(a.session_path), "approval_decided")
    assert [(d["decision"], d["decided_by"]) for d in decisions] == [("approve", "human")]
    exported = run_cli(["sessions", "export", "--as", "suite", a.session_id or ""], capsys)
    assert exported.out.strip() == ""


def test_reasking_a_session_with_another_model_skips_sql_a_program_wrote(capsys, tmp_path: Path) -> None:
    script = tmp_path / "m.jsonl"
    script.write_text(
        '{"tool_calls": [{"name": "run_sql", "arguments": {"sql": "SELECT 1 AS one"}}]}\n{"text": "One."}\n'
    )
    with analyst.connect(model=f"scripted:{script}") as a:
        a.run("SELECT count(*) AS n FROM orders")
    reasked = run_cli(["replay", a.session_id or "", "--model", f"scripted:{script}"], capsys)
    assert reasked.code == 0, reasked.err
    assert "SELECT count(*)" not in reasked.out and "ran out of responses" not in reasked.out + reasked.err
