"""`analyst ask`, `schema` and `check` against the real MySQL/MariaDB server, as a read-only account."""

from __future__ import annotations

import json
from pathlib import Path

from tests.fakes import FakeOpenAI
from tests.helpers import events_of, run_cli, run_sql_reply, session_events, text_reply
from tests.mysql_env import MyEnv


def test_ask_mysql_answers_read_only(my: MyEnv, capsys, monkeypatch) -> None:
    with FakeOpenAI() as fake:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-my-000000000")
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        fake.queue_many(
            [
                run_sql_reply("DELETE FROM orders"),
                run_sql_reply(
                    "SELECT c.name, COUNT(o.order_id) AS orders FROM customers c JOIN orders o "
                    "ON o.customer_id = c.customer_id GROUP BY c.name ORDER BY orders DESC, c.name LIMIT 3"
                ),
                text_reply("ok"),
                text_reply("Counted."),
            ]
        )
        result = run_cli(
            ["ask", "Who ordered most?", "--db", my.url("ro"), "--approve", "auto", "--format", "json"], capsys
        )
    assert result.code == 0, result.err
    data = result.json()
    assert data["status"] == "answered" and data["rows"] and len(data["rows"]) <= 3
    assert "warning" in result.err and my.password not in result.err + result.out
    log = Path(data["session_path"]).read_text()
    assert my.password not in log
    started = session_events(data["session_path"])[0]
    assert started["dialect"] == "mysql" and my.users["ro"] in started["database"]
    assert events_of(session_events(data["session_path"]), "sql_checked")[0]["ok"] is False
    assert my.run("SELECT COUNT(*) FROM orders") == [(200,)]
    assert "MySQL" in fake.requests[0]["messages"][0]["content"]
    # the log holds the URL without its password; the replay finds it in MYSQL_PWD
    monkeypatch.setenv("MYSQL_PWD", my.password)
    replayed = run_cli(["replay", data["session_id"]], capsys)
    assert replayed.code == 0, replayed.out + replayed.err


def test_schema_and_check_on_a_mysql_url(my: MyEnv, capsys, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MYSQL_PWD", my.password)
    url = my.url("ro", password=False)
    schema = run_cli(["schema", "--db", url], capsys)
    assert schema.code == 0, schema.err
    assert "customers" in schema.out and "secret_salaries" in schema.out
    queries = tmp_path / "q.sql"
    queries.write_text("SELECT name FROM customers LIMIT 2;\nSELECT LOAD_FILE('/etc/passwd');\n")
    checked = run_cli(["check", "--db", url, str(queries)], capsys)
    lines = [json.loads(line) for line in checked.out.splitlines()]
    assert [line["ok"] for line in lines] == [True, False], checked.err
    assert "load_file" in json.dumps(lines[1]).lower()


def test_root_url_is_refused_with_exit_4(my: MyEnv, capsys) -> None:
    url = f"mysql://{my.admin_user}@{my.host}:{my.port}/{my.database}"
    result = run_cli(["ask", "q", "--db", url, "--approve", "auto"], capsys)
    assert result.code == 4 and "ALL PRIVILEGES" in result.err and len(result.err.strip().splitlines()) == 1


def test_eval_scores_a_mysql_suite(my: MyEnv, capsys, monkeypatch, tmp_path: Path, analyst_home: Path) -> None:
    """A suite whose questions name a mysql:// database, gold SQL in MySQL's dialect."""
    monkeypatch.setenv("MYSQL_PWD", my.password)
    url = my.url("ro", password=False)
    gold = [
        ("q1", "How many orders are there?", "SELECT COUNT(*) FROM orders"),
        ("q2", "Orders per status?", "SELECT status, COUNT(*) FROM orders GROUP BY status"),
    ]
    suite = tmp_path / "suite.jsonl"
    suite.write_text("".join(json.dumps({"id": i, "question": q, "gold_sql": g, "db": url}) + "\n" for i, q, g in gold))
    with FakeOpenAI() as fake:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-my-eval-0000")
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        fake.queue_many(
            [
                run_sql_reply("SELECT COUNT(*) AS n FROM orders"),
                text_reply("200"),
                run_sql_reply("SELECT status, COUNT(*) AS n FROM orders GROUP BY status ORDER BY status"),
                text_reply("done"),
            ]
        )
        result = run_cli(["eval", str(suite), "--model", "openai:gpt-4.1-mini", "--concurrency", "1"], capsys)
    assert result.code == 0, result.err
    lines = [json.loads(line) for line in next((analyst_home / "runs").glob("*.jsonl")).read_text().splitlines()]
    outcomes = {r["id"]: r["outcome"] for r in lines if r["type"] == "result"}
    assert outcomes == {"q1": "correct", "q2": "correct"}, lines
    assert my.password not in json.dumps(lines)


def test_the_password_comes_from_my_cnf_and_nothing_else_does(my: MyEnv, capsys, monkeypatch, tmp_path: Path) -> None:
    """Only `password` is read from ~/.my.cnf: a `host` or `socket` there must not move the
    connection away from the URL that is shown."""
    monkeypatch.delenv("MYSQL_PWD", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".my.cnf").write_text(
        f'[client]\nhost = 192.0.2.1\nsocket = /nonexistent.sock\npassword = "{my.password}"\n'
    )
    result = run_cli(["schema", "--db", my.url("ro", password=False)], capsys)
    assert result.code == 0, result.err
    assert "customers" in result.out and my.password not in result.out + result.err
    (tmp_path / ".my.cnf").write_text("[client]\npassword = wrong-one\n")
    refused = run_cli(["schema", "--db", my.url("ro", password=False)], capsys)
    assert refused.code == 4 and "Access denied" in refused.err and "wrong-one" not in refused.err
