"""Verified examples end to end: the real openai SDK against the fake server, the real sample
database in DuckDB, the example store under this test's ANALYST_HOME."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from tests.fakes import FakeOpenAI
from tests.helpers import FakeTty, events_of, run_cli, run_sql_reply, session_events, text_reply

SPEND_Q = "Which customer spent the most money?"
SPEND_SQL = (
    "SELECT c.customer_id, sum(i.line_total) AS spent FROM customers c JOIN orders o USING (customer_id) "
    "JOIN order_items i USING (order_id) GROUP BY c.customer_id ORDER BY spent DESC LIMIT 1"
)
EMAIL_SQL = "SELECT email FROM customers WHERE segment = 'enterprise' ORDER BY email LIMIT 5"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeOpenAI:
    with FakeOpenAI() as server:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-examples-0000")
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        yield server


def add(capsys, db: Path, question: str, sql: str, *extra: str) -> tuple[int, str, str]:
    result = run_cli(["examples", "add", "--db", str(db), "--question", question, "--sql", sql, *extra], capsys)
    return result.code, result.out, result.err


def listed(capsys, db: Path) -> list[dict]:
    result = run_cli(["examples", "list", "--db", str(db), "--format", "json"], capsys)
    assert result.code == 0, result.err
    return result.json()


def ask(capsys, db: Path, question: str, *extra: str, stdin=None, monkeypatch=None):
    args = ["ask", question, "--db", str(db), "--format", "json", "--model", "openai:gpt-4.1-mini"]
    if stdin is None:
        args += ["--approve", "auto"]
    return run_cli([*args, *extra], capsys, stdin=stdin, monkeypatch=monkeypatch)


def first_prompt(fake: FakeOpenAI, since: int = 0) -> str:
    """The question message of the first request at or after request number `since`."""
    return fake.requests[since]["messages"][1]["content"]


def test_add_refuses_writes_failures_and_unknown_columns(capsys, sample_db: Path) -> None:
    for sql, said in (
        ("DELETE FROM customers", "not_a_query"),
        ("SELECT no_such_column FROM customers", "unknown_column"),
        ("SELECT CAST('x' AS INTEGER) FROM customers", "failed"),
    ):
        code, out, err = add(capsys, sample_db, "q", sql)
        assert code == 1 and "not added" in err and said in err, (sql, err)
        assert len(err.strip().splitlines()) == 1 and out == ""
    assert listed(capsys, sample_db) == []
    code, out, _ = add(capsys, sample_db, SPEND_Q, SPEND_SQL)
    assert code == 0 and out.startswith("added ex-")
    (stored,) = listed(capsys, sample_db)
    assert stored["sql"] == SPEND_SQL and stored["origin"] == "added" and stored["schema_fingerprint"]
    assert stored["database"] == str(sample_db.resolve())


def test_a_similar_question_carries_the_example_and_no_examples_does_not(fake, capsys, sample_db: Path) -> None:
    add(capsys, sample_db, SPEND_Q, SPEND_SQL)
    add(
        capsys,
        sample_db,
        "How many products are in each category?",
        "SELECT category, count(*) FROM products GROUP BY 1",
    )
    fake.queue_many([run_sql_reply(SPEND_SQL), text_reply("Customer 1."), text_reply("Customer 1 spent most.")])
    result = ask(capsys, sample_db, "Which customer spent the most in total?")
    assert result.code == 0, result.err
    prompt = first_prompt(fake)
    assert "Verified examples" in prompt and SPEND_SQL in prompt and SPEND_Q in prompt
    used = events_of(session_events(result.json()["session_path"]), "examples_used")
    (example,) = [e for e in used[0]["examples"] if e["sql"] == SPEND_SQL]
    assert example["id"].startswith("ex-") and len(example["hash"]) == 12
    shown = run_cli(["sessions", "show", result.json()["session_id"]], capsys)
    assert f"verified examples in the prompt: {example['id']}" in shown.out

    since = len(fake.requests)
    fake.queue_many([run_sql_reply(SPEND_SQL), text_reply("Customer 1."), text_reply("Customer 1 spent most.")])
    result = ask(capsys, sample_db, "Which customer spent the most in total?", "--no-examples")
    assert result.code == 0, result.err
    assert SPEND_SQL not in first_prompt(fake, since) and "Verified examples" not in first_prompt(fake, since)
    assert not events_of(session_events(result.json()["session_path"]), "examples_used")


def test_examples_n_caps_how_many(fake, capsys, sample_db: Path) -> None:
    for n in range(3):
        add(
            capsys,
            sample_db,
            f"Which customer spent the most money in year {2020 + n}?",
            f"{SPEND_SQL[:-8]} LIMIT {n + 1}",
        )
    fake.queue_many([run_sql_reply(SPEND_SQL), text_reply("x"), text_reply("x")])
    result = ask(capsys, sample_db, SPEND_Q, "--examples", "2")
    assert result.code == 0, result.err
    assert first_prompt(fake).count("```sql") == 2


def test_an_example_reading_an_excluded_column_never_reaches_the_model(fake, capsys, sample_db: Path) -> None:
    add(capsys, sample_db, "What are the emails of enterprise customers?", EMAIL_SQL)
    fake.queue_many([text_reply("I cannot see emails.")])
    result = ask(
        capsys, sample_db, "What are the emails of enterprise customers?", "--exclude-column", "customers.email"
    )
    assert result.code == 0, result.err
    assert "SELECT email" not in json.dumps(fake.requests[0]) and "Verified examples" not in first_prompt(fake)
    fake.queue_many([text_reply("I cannot see that table.")])
    result = ask(capsys, sample_db, "What are the emails of enterprise customers?", "--exclude-table", "customers")
    assert EMAIL_SQL not in json.dumps(fake.requests[1])


def test_check_marks_an_example_stale_after_its_column_is_dropped(capsys, tmp_path: Path) -> None:
    db = tmp_path / "shop.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE t (id INTEGER, region VARCHAR, amount DOUBLE)")
        con.execute("INSERT INTO t VALUES (1, 'north', 2.5), (2, 'south', 4.0)")
    add(capsys, db, "Total amount per region", "SELECT region, sum(amount) FROM t GROUP BY region")
    add(capsys, db, "How many rows?", "SELECT count(*) FROM t")
    assert run_cli(["examples", "check", "--db", str(db)], capsys).code == 0
    with duckdb.connect(str(db)) as con:
        con.execute("ALTER TABLE t DROP COLUMN region")
    result = run_cli(["examples", "check", "--db", str(db)], capsys)
    assert result.code == 1 and "1 stale" in result.err and "region" in result.out
    by_q = {e["question"]: e for e in listed(capsys, db)}
    assert by_q["Total amount per region"]["stale"] and not by_q["How many rows?"]["stale"]


def test_a_team_file_beside_the_database_is_read(fake, capsys, tmp_path: Path) -> None:
    db = tmp_path / "shop.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE sales (region VARCHAR, amount DOUBLE)")
    team_sql = "SELECT region, sum(amount) AS total FROM sales GROUP BY region ORDER BY total DESC"
    line = {"question": "Sales total by region", "sql": team_sql, "origin": "approved", "approved_by": "ana"}
    (tmp_path / "shop.examples.jsonl").write_text(json.dumps(line) + "\n")
    (entry,) = listed(capsys, db)
    assert entry["source"] == "team" and entry["approved_by"] == "ana"
    fake.queue_many([run_sql_reply(team_sql), text_reply("x"), text_reply("x")])
    assert ask(capsys, db, "What are sales totals by region?").code == 0
    assert team_sql in first_prompt(fake)


def test_save_example_only_from_a_person_approving_an_answered_turn(fake, capsys, monkeypatch, sample_db: Path) -> None:
    fake.queue_many([run_sql_reply(SPEND_SQL), text_reply("x"), text_reply("Customer 1.")])
    result = ask(capsys, sample_db, SPEND_Q, "--save-example")  # --approve auto: a policy, not a person
    assert result.code == 0 and "not saved" in result.err and "policy" in result.err
    assert listed(capsys, sample_db) == []

    fake.queue_many([run_sql_reply(SPEND_SQL), text_reply("x"), text_reply("Customer 1.")])
    result = ask(capsys, sample_db, SPEND_Q, "--save-example", stdin=FakeTty("a\n"), monkeypatch=monkeypatch)
    assert result.code == 0, result.err
    (saved,) = listed(capsys, sample_db)
    assert saved["origin"] == "approved" and saved["session"] == result.json()["session_id"] and saved["turn"] == 1
    assert saved["question"] == SPEND_Q and "sum(i.line_total)" in saved["sql"].lower()

    fake.queue_many([run_sql_reply("SELECT nope FROM customers")] * 3)
    result = ask(capsys, sample_db, "Something else", "--save-example", stdin=FakeTty("a\n"), monkeypatch=monkeypatch)
    assert result.code == 1 and "not saved" in result.err
    assert len(listed(capsys, sample_db)) == 1


def test_import_export_and_remove(capsys, sample_db: Path, tmp_path: Path) -> None:
    suite = tmp_path / "suite.jsonl"
    suite.write_text(
        json.dumps({"id": "a", "question": "How many customers?", "gold_sql": ["SELECT count(*) FROM customers"]})
        + "\n"
        + json.dumps({"question": "Bad one", "sql": "SELECT nope FROM customers"})
        + "\n"
    )
    result = run_cli(["examples", "import", "--db", str(sample_db), str(suite)], capsys)
    assert result.code == 1 and "imported 1" in result.err and "line 2" in result.err
    (entry,) = listed(capsys, sample_db)
    assert entry["origin"] == "imported"
    exported = run_cli(["examples", "export", "--db", str(sample_db)], capsys)
    assert json.loads(exported.out)["id"] == entry["id"]
    assert run_cli(["examples", "remove", "--db", str(sample_db), entry["id"]], capsys).code == 0
    assert listed(capsys, sample_db) == []
    assert run_cli(["examples", "remove", "--db", str(sample_db), entry["id"]], capsys).code == 2


def test_replay_carries_the_recorded_examples_after_the_store_changed(fake, capsys, sample_db: Path) -> None:
    from agents.events import ExamplesUsed
    from analyst.config import load_config
    from analyst.wiring import load_logged_session, loop_settings, open_database
    from sessions.replay import replay_session

    add(capsys, sample_db, SPEND_Q, SPEND_SQL)
    fake.queue_many([run_sql_reply(SPEND_SQL), text_reply("x"), text_reply("Customer 1.")])
    data = ask(capsys, sample_db, "Which customer spent the most in total?").json()
    (recorded,) = events_of(session_events(data["session_path"]), "examples_used")
    (entry,) = listed(capsys, sample_db)
    assert run_cli(["examples", "remove", "--db", str(sample_db), entry["id"]], capsys).code == 0

    config = load_config({})
    database = open_database(config, str(sample_db))
    seen: list[ExamplesUsed] = []
    try:
        report = replay_session(
            load_logged_session(config, data["session_id"]),
            database,
            loop_settings(config),
            emit=lambda e: seen.append(e) if isinstance(e, ExamplesUsed) else None,
        )
    finally:
        database.close()
    assert report.identical and not report.notes
    assert [e["hash"] for e in seen[0].examples] == [e["hash"] for e in recorded["examples"]]

    result = run_cli(["replay", data["session_id"], "--exclude-table", "order_items"], capsys)
    assert f"verified example(s) {entry['id']} not shown" in result.out + result.err


def test_finetune_export_carries_exactly_what_the_model_saw(fake, capsys, monkeypatch, sample_db: Path) -> None:
    add(capsys, sample_db, SPEND_Q, SPEND_SQL)
    fake.queue_many([run_sql_reply(SPEND_SQL), text_reply("x"), text_reply("Customer 1.")])
    asked = ask(
        capsys, sample_db, "Which customer spent the most in total?", stdin=FakeTty("a\n"), monkeypatch=monkeypatch
    )
    assert asked.code == 0, asked.err
    fake.queue_many([run_sql_reply(SPEND_SQL), text_reply("x"), text_reply("Customer 1.")])
    policy = ask(capsys, sample_db, "Which customer spent the most in total?")  # not a person: not exported
    assert policy.code == 0
    result = run_cli(["sessions", "export", "--as", "finetune"], capsys)
    assert result.code == 0, result.err
    (record,) = [json.loads(line) for line in result.out.splitlines()]
    sent = fake.requests[0]["messages"]
    assert record["messages"][0] == {"role": "system", "content": sent[0]["content"]}
    assert record["messages"][1] == {"role": "user", "content": sent[1]["content"]}  # schema slice and examples
    assert SPEND_SQL in record["messages"][1]["content"] and "CREATE TABLE" in record["messages"][1]["content"]
    assert record["messages"][-1]["role"] == "assistant" and "line_total" in record["messages"][-1]["content"].lower()
    meta = record["metadata"]
    assert meta["source_session"] == asked.json()["session_id"] and meta["approved_by"] == "human"
    assert meta["examples"][0]["hash"] and meta["schema_tables"]


def test_finetune_export_leaves_out_a_turn_whose_schema_changed(fake, capsys, monkeypatch, tmp_path: Path) -> None:
    db = tmp_path / "shop.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE sales (region VARCHAR, amount DOUBLE)")
        con.execute("INSERT INTO sales VALUES ('north', 1.5)")
    sql = "SELECT region, sum(amount) FROM sales GROUP BY region"
    fake.queue_many([run_sql_reply(sql), text_reply("x"), text_reply("North.")])
    assert ask(capsys, db, "Sales by region", stdin=FakeTty("a\n"), monkeypatch=monkeypatch).code == 0
    with duckdb.connect(str(db)) as con:
        con.execute("ALTER TABLE sales ADD COLUMN rep VARCHAR")
    result = run_cli(["sessions", "export", "--as", "finetune"], capsys)
    assert result.code == 0 and result.out == ""
    assert "skipped" in result.err and "cannot be rebuilt" in result.err


def test_batch_questions_carry_their_databases_examples(fake, capsys, sample_db: Path, tmp_path: Path) -> None:
    add(capsys, sample_db, SPEND_Q, SPEND_SQL)
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"id": "a", "question": "Which customer spent the most in total?"}) + "\n")
    fake.queue_many([run_sql_reply(SPEND_SQL), text_reply("x"), text_reply("Customer 1.")])
    args = ["batch", str(questions), "--db", str(sample_db), "--approve", "auto", "--model", "openai:gpt-4.1-mini"]
    result = run_cli(args, capsys)
    assert result.code == 0, result.err
    assert SPEND_SQL in first_prompt(fake)
    since = len(fake.requests)
    fake.queue_many([run_sql_reply(SPEND_SQL), text_reply("x"), text_reply("Customer 1.")])
    assert run_cli([*args, "--no-examples"], capsys).code == 0
    assert SPEND_SQL not in first_prompt(fake, since)


def test_save_examples_in_config_saves_approved_turns(
    fake, capsys, monkeypatch, sample_db: Path, analyst_home: Path
) -> None:
    (analyst_home / "config.toml").write_text("save_examples = true\n")
    fake.queue_many([run_sql_reply(SPEND_SQL), text_reply("x"), text_reply("Customer 1.")])
    assert ask(capsys, sample_db, SPEND_Q, stdin=FakeTty("e\n" + SPEND_SQL + "\n\n"), monkeypatch=monkeypatch).code == 0
    (saved,) = listed(capsys, sample_db)
    assert saved["origin"] == "edited" and saved["sql"] == SPEND_SQL


def test_add_refuses_sql_reading_an_excluded_column(capsys, sample_db: Path) -> None:
    code, _, err = add(capsys, sample_db, "Enterprise emails", EMAIL_SQL, "--exclude-column", "customers.email")
    assert code == 1 and "not added" in err
    assert listed(capsys, sample_db) == []


def test_a_sqlite_database_has_its_team_file_too(capsys, tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "shop.sqlite"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE sales (region TEXT, amount REAL)")
    con.commit()
    con.close()
    line = {"question": "Sales by region", "sql": "SELECT region, sum(amount) FROM sales GROUP BY region"}
    (tmp_path / "shop.examples.jsonl").write_text(json.dumps(line) + "\n")
    (entry,) = listed(capsys, db)
    assert entry["source"] == "team" and entry["question"] == "Sales by region"
