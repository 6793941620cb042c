"""The commands on a SQLite file: `schema`, `check`, `ask` (the real openai SDK against a fake
server on 127.0.0.1), `replay`, `batch` and `eval`, on the sample database ported to SQLite."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.fakes import FakeOpenAI
from tests.helpers import run_cli, run_sql_reply, session_events, text_reply
from tests.sqlite_sample import sqlite_sample

MONTHLY = (
    "SELECT strftime('%Y-%m', order_date) AS month, count(*) AS orders FROM orders "
    "WHERE status = 'completed' GROUP BY month ORDER BY orders DESC, month LIMIT 3"
)


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory, sample_db_master: Path) -> Path:
    return sqlite_sample(sample_db_master, tmp_path_factory.mktemp("sqlite-cli") / "shop.sqlite")


@pytest.fixture
def shop(master: Path, tmp_path: Path) -> Path:
    path = tmp_path / "shop.sqlite"
    shutil.copyfile(master, path)
    return path


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeOpenAI:
    with FakeOpenAI() as server:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-sqlite-0000000")
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        yield server


def _expected(path: Path, sql: str) -> list[list]:
    con = sqlite3.connect(path)
    try:
        return [list(r) for r in con.execute(sql).fetchall()]
    finally:
        con.close()


def test_schema_lists_the_tables_with_keys_and_samples(capsys, shop: Path) -> None:
    result = run_cli(["schema", "--db", str(shop), "--format", "json"], capsys)
    assert result.code == 0, result.err
    data = result.json()
    names = [t["name"] for t in data["tables"]]
    assert len(names) == 10 and "main.customers" in names
    assert any("orders.customer_id can be joined with customers.customer_id" in h for h in data["join_hints"])
    text = run_cli(["schema", "--db", str(shop)], capsys)
    assert "CREATE TABLE" in text.out and "'completed'" in text.out  # status samples


def test_a_db_file_is_opened_by_its_header_and_a_hidden_column_stays_out(capsys, shop: Path) -> None:
    renamed = shop.with_suffix(".db")
    shop.rename(renamed)
    result = run_cli(
        ["schema", "--db", str(renamed), "--exclude-column", "customers.email", "--format", "json"], capsys
    )
    assert result.code == 0, result.err
    customers = next(t for t in result.json()["tables"] if t["name"] == "main.customers")
    assert "email" not in [c["name"] for c in customers["columns"]]


def test_a_missing_or_broken_sqlite_file_is_one_line(capsys, tmp_path: Path) -> None:
    missing = run_cli(["schema", "--db", str(tmp_path / "nope.sqlite")], capsys)
    assert missing.code == 4 and len(missing.err.strip().splitlines()) == 1 and "nope.sqlite" in missing.err
    broken = tmp_path / "broken.sqlite3"
    broken.write_text("not a database")
    result = run_cli(["schema", "--db", str(broken)], capsys)
    assert result.code == 4 and "not a SQLite database" in result.err and len(result.err.strip().splitlines()) == 1


def test_check_judges_each_statement_in_the_sqlite_dialect(capsys, monkeypatch, shop: Path) -> None:
    script = (
        "SELECT count(*) AS n FROM customers;\n"
        f"{MONTHLY};\n"
        "SELECT sqlite_version();\n"
        "SELECT * FROM sqlite_master;\n"
        "ATTACH 'x.db' AS x;\n"
        "SELECT email FROM customers;\n"
    )
    result = run_cli(
        ["check", "--db", str(shop), "--exclude-column", "customers.email", "-"],
        capsys,
        stdin=io.StringIO(script),
        monkeypatch=monkeypatch,
    )
    assert result.code == 1
    lines = [json.loads(line) for line in result.out.splitlines()]
    assert [line["ok"] for line in lines] == [True, True, False, False, False, False]
    assert "settings or session state" in lines[2]["problems"][0]["message"]
    assert lines[3]["problems"][0]["code"] == "system_catalog"


def test_ask_answers_from_a_sqlite_file_and_replays_identical(
    fake: FakeOpenAI, capsys, monkeypatch, shop: Path
) -> None:
    before = shop.read_bytes()
    top = _expected(shop, MONTHLY)
    fake.queue_many(
        [
            run_sql_reply(MONTHLY, "Count completed orders per month."),
            text_reply(f"{top[0][0]} had the most."),
            text_reply(f"{top[0][0]} had the most completed orders: {top[0][1]}."),
        ]
    )
    result = run_cli(
        [
            "ask",
            "Which months had the most completed orders?",
            "--db",
            str(shop),
            "--approve",
            "auto",
            "--format",
            "json",
        ],
        capsys,
    )
    assert result.code == 0, result.err
    data = result.json()
    assert data["status"] == "answered" and data["rows"] == top
    events = session_events(data["session_path"])
    started = next(e for e in events if e["type"] == "session_started")
    assert started["dialect"] == "sqlite" and started["database"] == str(shop.resolve())
    system = fake.requests[0]["messages"][0]["content"]
    assert "SQLite" in system and "strftime" in system
    assert shop.read_bytes() == before
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # nothing listens: replay must not call out
    replayed = run_cli(["replay", data["session_id"]], capsys)
    assert replayed.code == 0, replayed.out + replayed.err
    assert replayed.out.startswith("identical: 1 turn")


def test_batch_answers_every_question_on_a_sqlite_file(fake: FakeOpenAI, capsys, shop: Path, tmp_path: Path) -> None:
    tables = ["customers", "orders", "order_items", "products", "regions"]

    def reply(body: dict) -> dict:
        messages = body["messages"]
        if "<data>" in messages[-1].get("content", "") or "explain query results" in messages[0]["content"]:
            return {"text": "Summary.", "usage": {"input_tokens": 10, "output_tokens": 5}}
        if messages[-1]["role"] == "tool":
            return {"text": "Counted.", "usage": {"input_tokens": 10, "output_tokens": 5}}
        table = messages[1]["content"].splitlines()[0].split()[-1]
        sql = f"SELECT count(*) AS n FROM {table}"
        return {
            "tool_calls": [{"name": "run_sql", "arguments": {"sql": sql}}],
            "usage": {"input_tokens": 100, "output_tokens": 10},
        }

    fake.responder = reply
    questions = tmp_path / "q.txt"
    questions.write_text("".join(f"How many rows in {t}\n" for t in tables))
    out = tmp_path / "out.jsonl"
    result = run_cli(
        ["batch", str(questions), "--db", str(shop), "--approve", "auto", "--out", str(out), "--concurrency", "3"],
        capsys,
    )
    assert result.code == 0, result.err
    records = [json.loads(line) for line in out.read_text().splitlines()]
    for record in records:
        table = record["question"].split()[-1]
        assert record["status"] == "answered" and record["rows"] == _expected(shop, f"SELECT count(*) FROM {table}")
    assert len(records) == len(tables)


def test_eval_scores_by_execution_on_a_sqlite_file(capsys, shop: Path, tmp_path: Path, analyst_home: Path) -> None:
    cases = [
        (
            "count",
            "How many customers?",
            "SELECT count(*) FROM customers",
            "SELECT count(customer_id) AS n FROM customers",
            True,
        ),
        (
            "monthly",
            "Completed orders per month?",
            "SELECT strftime('%Y-%m', order_date) AS m, count(*) FROM orders WHERE status = 'completed' GROUP BY 1",
            "SELECT count(*) AS n, substr(order_date, 1, 7) AS month FROM orders WHERE status = 'completed' GROUP BY month",
            True,
        ),
        (
            "wrong",
            "How many orders?",
            "SELECT count(*) FROM orders",
            "SELECT count(DISTINCT customer_id) FROM orders",
            False,
        ),
    ]
    suite = tmp_path / "suite.jsonl"
    suite.write_text("".join(json.dumps({"id": i, "question": q, "gold_sql": g}) + "\n" for i, q, g, _, _ in cases))
    script = tmp_path / "model.jsonl"
    script.write_text(
        "".join(
            json.dumps({"tool_calls": [{"name": "run_sql", "arguments": {"sql": answer}}]})
            + "\n"
            + json.dumps({"text": "Done."})
            + "\n"
            for _, _, _, answer, _ in cases
        )
    )
    result = run_cli(["eval", str(suite), "--model", f"scripted:{script}", "--db", str(shop)], capsys)
    runs = list((analyst_home / "runs").glob("*.jsonl"))
    assert runs, result.err
    lines = [json.loads(line) for line in runs[0].read_text().splitlines()]
    outcomes = {r["id"]: r["outcome"] for r in lines if r["type"] == "result"}
    assert outcomes == {i: "correct" if ok else "incorrect" for i, _, _, _, ok in cases}, (outcomes, result.err)
