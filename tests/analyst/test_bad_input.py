"""Bad input is one line naming the cause and the fix, exit 2, never a traceback: files that are
not UTF-8 (or start with a BOM), wrongly typed config values and scripted replies, an unusable
ANALYST_HOME; and a question no encoder accepts still gets a complete session log."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import events_of, run_cli, run_sql_reply, text_reply

NOT_UTF8 = "caf\xe9".encode("latin-1")  # "café" as Latin-1: byte 0xe9 is not UTF-8
BOM = b"\xef\xbb\xbf"


def script(path: Path, *entries: dict) -> str:
    path.write_text("".join(json.dumps(e) + "\n" for e in entries))
    return f"scripted:{path}"


def one_line_error(result, *fragments: str, code: int = 2) -> None:
    assert result.code == code, result.err
    assert result.out == ""
    assert "Traceback" not in result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("analyst: error: "), result.err
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


# 1. Files that are not UTF-8 ------------------------------------------------------------------


def test_check_file_that_is_not_utf8(capsys, tmp_path: Path) -> None:
    path = tmp_path / "latin1.sql"
    path.write_bytes(b"SELECT '" + NOT_UTF8 + b"'")  # 0xe9 at offset 11
    result = run_cli(["check", str(path)], capsys)
    assert result.code == 2 and result.out == ""
    assert f"analyst: error: {path} is not UTF-8 text (byte 0xe9 at offset 11); save it as UTF-8" in result.err
    assert "Traceback" not in result.err


def test_check_stdin_that_is_not_utf8(capsys, monkeypatch) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(b"SELECT 1 -- " + NOT_UTF8), encoding="utf-8")
    result = run_cli(["check", "-"], capsys, stdin=stdin, monkeypatch=monkeypatch)  # type: ignore[arg-type]
    assert result.code == 2 and result.out == ""
    assert "standard input is not UTF-8 text (byte 0xe9 at offset 15)" in result.err


def test_scripted_model_file_that_is_not_utf8(capsys, tmp_path: Path) -> None:
    path = tmp_path / "model.jsonl"
    path.write_bytes(b'{"text": "' + NOT_UTF8 + b'"}\n')
    result = run_cli(["ask", "q", "--model", f"scripted:{path}", "--approve", "auto"], capsys)
    one_line_error(result, f"scripted model file {path} is not UTF-8 text (byte 0xe9 at offset 13)", "save it as UTF-8")


def test_eval_suite_that_is_not_utf8(capsys, tmp_path: Path) -> None:
    path = tmp_path / "suite.jsonl"
    path.write_bytes(b'{"question": "' + NOT_UTF8 + b'", "gold_sql": "SELECT 1"}\n')
    model = script(tmp_path / "m.jsonl", text_reply("none"))
    result = run_cli(["eval", str(path), "--model", model], capsys)
    one_line_error(result, f"suite {path} is not UTF-8 text (byte 0xe9 at offset 17)", "save it as UTF-8")


def test_config_toml_that_is_not_utf8(capsys, analyst_home: Path) -> None:
    path = analyst_home / "config.toml"
    path.write_bytes(b'model = "' + NOT_UTF8 + b'"\n')
    result = run_cli(["config", "show"], capsys)
    one_line_error(result, f"config file {path} is not UTF-8 text (byte 0xe9 at offset 12)", "save it as UTF-8")


@pytest.mark.parametrize(
    "name,content",
    [
        ("q.jsonl", b'{"question": "' + NOT_UTF8 + b'"}\n'),
        ("q.csv", b"question\nx" + NOT_UTF8 + b"?\n"),
        ("q.txt", b"How many " + NOT_UTF8 + b"s?\n"),
    ],
)
def test_batch_input_that_is_not_utf8(name: str, content: bytes, capsys, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = run_cli(["batch", str(path), "--approve", "never"], capsys)
    one_line_error(
        result, f"batch file {path} is not UTF-8 text (byte 0xe9 at offset {content.index(0xE9)})", "save it as UTF-8"
    )


# 2. A UTF-8 BOM at the start of a file is accepted ------------------------------------------


def test_batch_csv_and_jsonl_with_a_bom(tmp_path: Path) -> None:
    from analyst.batch_input import read_batch

    csv_path = tmp_path / "q.csv"
    csv_path.write_bytes(BOM + b"id,question\r\na,How many stores?\r\nb,How many regions?\r\n")
    jsonl_path = tmp_path / "q.jsonl"
    jsonl_path.write_bytes(BOM + b'{"id": "a", "question": "How many stores?"}\n')
    text_path = tmp_path / "q.txt"
    text_path.write_bytes(BOM + b"How many stores?\n")
    assert [(i.id, i.question) for i in read_batch(csv_path)] == [("a", "How many stores?"), ("b", "How many regions?")]
    assert [(i.id, i.question) for i in read_batch(jsonl_path)] == [("a", "How many stores?")]
    assert [(i.id, i.question) for i in read_batch(text_path)] == [("line-1", "How many stores?")]


def test_batch_with_a_bom_runs_through_the_cli(capsys, tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_bytes(BOM + b"id,question\nstores,How many stores?\n")
    model = script(
        tmp_path / "m.jsonl", run_sql_reply("SELECT count(*) AS n FROM stores"), text_reply("ok"), text_reply("ok")
    )
    result = run_cli(["batch", str(path), "--approve", "never", "--model", model], capsys)
    assert result.code == 0, result.err
    records = [json.loads(line) for line in result.out.splitlines()]
    assert [(r["id"], r["status"]) for r in records] == [("stores", "dry_run")]


@pytest.mark.parametrize(
    "name,content",
    [
        ("one.sql", BOM + b"SELECT 1 AS one"),
        ("many.jsonl", BOM + b'{"sql": "SELECT 1 AS one"}\n'),
    ],
)
def test_check_input_with_a_bom(name: str, content: bytes, capsys, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = run_cli(["check", str(path)], capsys)
    assert result.code == 0, result.out + result.err
    assert json.loads(result.out) == {"index": 1, "line": 1, "ok": True, "problems": [], "sql": "SELECT 1 AS one"}


def test_suite_script_and_config_with_a_bom(capsys, tmp_path: Path, analyst_home: Path) -> None:
    from sessions.evaluation.suite import load_suite

    suite = tmp_path / "suite.csv"
    suite.write_bytes(BOM + b"id,question,gold_sql\nq1,How many stores?,SELECT count(*) FROM stores\n")
    assert [(i.id, i.gold) for i in load_suite(suite).items] == [("q1", ("SELECT count(*) FROM stores",))]
    (analyst_home / "config.toml").write_bytes(BOM + b"max_rows = 7\n")
    model = tmp_path / "m.jsonl"
    model.write_bytes(BOM + json.dumps(text_reply("Nothing to query.")).encode() + b"\n")
    result = run_cli(["ask", "hello?", "--model", f"scripted:{model}", "--approve", "auto", "--format", "json"], capsys)
    assert result.code == 0, result.err
    assert result.json()["answer"] == "Nothing to query."
    shown = run_cli(["config", "show"], capsys)
    assert any(line.split()[:2] == ["max_rows", "7"] for line in shown.out.splitlines())


# 3. Wrongly typed config values -------------------------------------------------------------


@pytest.mark.parametrize(
    "toml,fragments",
    [
        ("prices = 5\n", ("prices in", "must be a table of model = [input_usd_per_million, output_usd_per_million]")),
        ('[prices]\n"openai:gpt-4.1" = [2.0]\n', ("prices.openai:gpt-4.1 in", "two numbers")),
        (
            '[endpoints.local]\nbase_url = "http://127.0.0.1:9/v1"\nkey_env = 5\n',
            ("[endpoints.local] in", "key_env = 5 must be the name of an environment variable"),
        ),
        (
            '[endpoints.local]\nbase_url = "http://127.0.0.1:9/v1"\ntools = "maybe"\n',
            ("[endpoints.local] in", 'tools = "maybe" must be true or false'),
        ),
        ('memory_limit = "lots"\n', ('invalid memory_limit "lots" from config', 'must be a size such as "4GB"')),
        ("memory_limit = 4\n", ("invalid memory_limit 4 from config", 'must be a size such as "4GB"')),
        ('memory_limit = "1MB"\n', ('invalid memory_limit "1MB" from config', "at least 16MB")),
        ('memory_limit = "150%"\n', ('invalid memory_limit "150%" from config', "between 0% and 100%")),
        ("model_retries = -1\n", ("invalid model_retries -1 from config", "must be a whole number, 0 or more")),
        ("max_rows = true\n", ("invalid max_rows true from config", "must be a whole number")),
        ("max_rows = 2.5\n", ("invalid max_rows 2.5 from config", "must be a whole number")),
        ("timeout = false\n", ("invalid timeout false from config", "must be a number")),
        ("model = 5\n", ("invalid model 5 from config", "must be a string")),
        ("exclude_tables = [1, 2]\n", ("invalid exclude_tables [1, 2] from config", "must be a list of strings")),
    ],
)
def test_wrongly_typed_config_value(toml: str, fragments: tuple[str, ...], capsys, analyst_home: Path) -> None:
    path = analyst_home / "config.toml"
    path.write_text(toml)
    result = run_cli(["config", "show"], capsys)
    one_line_error(result, str(path), *fragments)


def test_bad_memory_limit_is_a_config_error_not_a_database_error(capsys, tmp_path: Path, analyst_home: Path) -> None:
    (analyst_home / "config.toml").write_text('memory_limit = "lots"\n')
    model = script(tmp_path / "m.jsonl", run_sql_reply("SELECT 1 AS one"), text_reply("ok"), text_reply("It is 1."))
    result = run_cli(["ask", "one?", "--model", model, "--approve", "auto"], capsys)
    one_line_error(result, "memory_limit", str(analyst_home / "config.toml"))  # was exit 4, "not a valid DuckDB file"
    assert not (analyst_home / "sessions").exists()


@pytest.mark.parametrize("limit", ["512MB", "2GiB", "1.5GB", "80%", "64 mb"])
def test_good_memory_limits_reach_duckdb(limit: str, capsys, tmp_path: Path, analyst_home: Path) -> None:
    (analyst_home / "config.toml").write_text(f'memory_limit = "{limit}"\nmodel_retries = 0\n')
    model = script(tmp_path / "m.jsonl", run_sql_reply("SELECT 1 AS one"), text_reply("ok"), text_reply("It is 1."))
    result = run_cli(["ask", "one?", "--model", model, "--approve", "auto", "--format", "json"], capsys)
    assert result.code == 0, result.err
    assert result.json()["rows"] == [[1]]


# 4. An unusable ANALYST_HOME ----------------------------------------------------------------


def test_analyst_home_that_is_a_file(capsys, tmp_path: Path, monkeypatch) -> None:
    home = tmp_path / "home-file"
    home.write_text("not a folder\n")
    monkeypatch.setenv("ANALYST_HOME", str(home))
    model = script(tmp_path / "m.jsonl", text_reply("hi"))
    result = run_cli(["ask", "q", "--model", model, "--approve", "auto"], capsys)
    one_line_error(
        result, f"ANALYST_HOME ({home}) is a file, not a folder", "point ANALYST_HOME at a folder you can write"
    )
    monkeypatch.setenv("ANALYST_HOME", str(home / "below"))
    result = run_cli(["sessions", "list"], capsys)
    one_line_error(
        result, f"ANALYST_HOME ({home / 'below'}) is inside {home}, which is a file", "point ANALYST_HOME at a folder"
    )


def test_sessions_folder_that_is_a_file(capsys, tmp_path: Path, analyst_home: Path) -> None:
    (analyst_home / "sessions").write_text("not a folder\n")
    model = script(tmp_path / "m.jsonl", text_reply("hi"))
    result = run_cli(["ask", "q", "--model", model, "--approve", "auto"], capsys)
    one_line_error(
        result,
        f"cannot create session log {analyst_home / 'sessions'}",
        f"check that ANALYST_HOME ({analyst_home}) is writable",
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through permission bits, so a read-only folder is writable")
def test_analyst_home_without_write_permission(capsys, tmp_path: Path, monkeypatch) -> None:
    home = tmp_path / "locked"
    home.mkdir(mode=0o500)
    monkeypatch.setenv("ANALYST_HOME", str(home))
    try:
        result = run_cli(["config", "show"], capsys)
    finally:
        home.chmod(0o700)
    one_line_error(result, f"ANALYST_HOME ({home}) is not writable", "point ANALYST_HOME at a folder you can write")


# 5. Wrongly typed fields in scripted model files --------------------------------------------


@pytest.mark.parametrize(
    "reply,fragment",
    [
        ({"text": 5}, '"text" must be a string'),
        ({"tool_calls": "x"}, '"tool_calls" must be a list'),
        ({"tool_calls": [{"arguments": {"sql": "SELECT 1"}}]}, '"tool_calls" item 1 needs a "name" string'),
        (
            {"tool_calls": [{"name": "run_sql", "arguments": "SELECT 1"}]},
            '"tool_calls" item 1: "arguments" must be an object',
        ),
        ({"error": "boom"}, '"error" must be an object like {"status": 429, "message": "rate limited"}'),
        ({"error": {"status": "500"}}, '"error": "status" must be an HTTP status number'),
        ({"usage": 5}, '"usage" must be an object like {"input_tokens": 100, "output_tokens": 20}'),
        ({"usage": {"input_tokens": "many"}}, '"usage" must be an object'),
        ({"delay_ms": "abc"}, '"delay_ms" must be a number of milliseconds'),
        ({"stop_reason": 1}, '"stop_reason" must be a string'),
        ({"txt": "hello"}, "unknown key 'txt'; a reply may hold delay_ms, error, stop_reason, text, tool_calls, usage"),
    ],
)
def test_wrongly_typed_scripted_reply(reply: dict, fragment: str, capsys, tmp_path: Path) -> None:
    path = tmp_path / "model.jsonl"
    path.write_text(json.dumps(text_reply("first")) + "\n\n" + json.dumps(reply) + "\n")  # reply 2 is on line 3
    result = run_cli(["ask", "q", "--model", f"scripted:{path}", "--approve", "auto"], capsys)
    one_line_error(result, f"scripted model file {path}, line 3 (reply 2): {fragment}")


def test_scripted_error_reply_of_the_documented_shape_still_works(capsys, tmp_path: Path) -> None:
    model = script(tmp_path / "m.jsonl", {"error": {"status": 500, "message": "scripted outage"}})
    result = run_cli(["ask", "q", "--model", model, "--approve", "auto", "--format", "json"], capsys)
    assert result.code == 3, result.err
    assert "scripted outage" in result.json()["error"]["message"]


# 6. A question no encoder accepts still gets a complete, valid session log -------------------


def test_question_with_a_lone_surrogate_is_logged(capsys, tmp_path: Path) -> None:
    question = os.fsdecode(b"How many stores \xff?")  # what argv holds for bytes that are not UTF-8
    assert "\udcff" in question
    model = script(
        tmp_path / "m.jsonl",
        run_sql_reply("SELECT count(*) AS n FROM stores"),
        text_reply("ok"),
        text_reply("There are 12 stores."),
    )
    result = run_cli(["ask", question, "--model", model, "--approve", "auto", "--format", "csv"], capsys)
    assert result.code == 0, result.err
    assert result.out.splitlines()[0] == "n"
    logs = list((Path(os.environ["ANALYST_HOME"]) / "sessions").glob("*.jsonl"))
    assert len(logs) == 1
    raw = logs[0].read_bytes()
    raw.decode("utf-8")  # the file is valid UTF-8
    events = [json.loads(line) for line in raw.decode("utf-8").splitlines()]  # every line is valid JSON
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert events_of(events, "question_asked")[0]["question"] == question  # read back unchanged
    assert events_of(events, "query_executed") and events[-1]["type"] == "run_finished"
    assert events[-1]["status"] == "answered"


def test_batch_question_with_a_lone_surrogate_is_logged(capsys, tmp_path: Path) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"id": "s", "question": "How many stores \\udcff?"}\n')  # a JSON escape json.loads keeps
    model = script(
        tmp_path / "m.jsonl", run_sql_reply("SELECT count(*) AS n FROM stores"), text_reply("ok"), text_reply("ok")
    )
    out = tmp_path / "out.jsonl"
    result = run_cli(["batch", str(questions), "--approve", "never", "--model", model, "--out", str(out)], capsys)
    assert result.code == 0, result.err
    logs = list((Path(os.environ["ANALYST_HOME"]) / "sessions").glob("*.jsonl"))
    events = [json.loads(line) for line in logs[0].read_bytes().decode("utf-8").splitlines()]
    assert events_of(events, "question_asked")[0]["question"] == "How many stores \udcff?"
    assert events[-1]["type"] == "run_finished" and events[-1]["status"] == "dry_run"


# 7. `analyst check`: help that is true, and nothing on stderr but its own lines ---------------


def test_check_help_does_not_promise_a_default_database(capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        run_cli(["check", "--help"], capsys)
    assert stopped.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "sample database" not in text
    assert (
        "--db DB check table and column names against this database: a .duckdb or SQLite file, a CSV/Parquet/JSON file or folder, a postgresql:// or mysql:// URL (default: $ANALYST_DB or config; with neither, names are not checked)"
        in text
    )


def test_check_explain_prints_no_sqlglot_warning(tmp_path: Path, analyst_home: Path) -> None:
    # A real process: in-process, pytest's log handlers would swallow the warning and hide the bug.
    proc = subprocess.run(
        [sys.executable, "-m", "analyst.cli", "check", "-"],
        input="EXPLAIN SELECT 1",
        capture_output=True,
        text=True,
        env={**os.environ, "ANALYST_HOME": str(analyst_home)},
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    verdict = json.loads(proc.stdout)
    assert verdict["ok"] is False and [p["code"] for p in verdict["problems"]] == ["not_a_query"]
    assert proc.stderr.splitlines() == ["analyst: warning: no --db given, so table and column names are not checked"]


def test_ask_with_a_proposed_explain_prints_no_sqlglot_warning(tmp_path: Path, analyst_home: Path) -> None:
    model = script(tmp_path / "m.jsonl", run_sql_reply("EXPLAIN SELECT 1"), text_reply("I cannot."))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "analyst.cli",
            "ask",
            "explain it",
            "--approve",
            "auto",
            "--model",
            model,
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "ANALYST_HOME": str(analyst_home)},
        timeout=120,
    )
    data = json.loads(proc.stdout)  # the refused EXPLAIN backs no answer: the words are not from the data
    assert (data["status"], data["error"]["kind"], data["grounded"]) == ("failed", "no_result", False), proc.stderr
    assert "sqlglot" not in proc.stderr and "Falling back" not in proc.stderr, proc.stderr


def test_ask_json_with_a_surrogate_survives_a_strict_stdout(tmp_path: Path, analyst_home: Path) -> None:
    model = script(tmp_path / "m.jsonl", run_sql_reply("SELECT 1 AS one"), text_reply("One."), text_reply("One."))
    question = os.fsencode("how many \udcff")  # a byte that is not UTF-8, as a shell would pass it
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "analyst.cli",
            "ask",
            question,
            "--approve",
            "auto",
            "--model",
            model,
            "--format",
            "json",
        ],
        capture_output=True,
        env={**os.environ, "ANALYST_HOME": str(analyst_home), "PYTHONIOENCODING": "utf-8:strict"},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    assert json.loads(proc.stdout)["question"] == "how many \udcff"


def test_a_keyword_connection_string_is_refused_without_echoing_its_password(capsys) -> None:
    dsn = "host=127.0.0.1 port=5432 dbname=test user=postgres password=Hunter2Pw"
    result = run_cli(["ask", "anything", "--db", dsn, "--approve", "auto"], capsys)
    assert result.code == 4 and "postgresql://USER@HOST:PORT/DBNAME" in result.err
    assert "Hunter2Pw" not in result.err + result.out and len(result.err.strip().splitlines()) == 1


# Base URLs that are not URLs --------------------------------------------------------------------


@pytest.mark.parametrize(
    "variable,example",
    [
        ("OPENAI_BASE_URL", "https://api.openai.com/v1"),
        ("ANTHROPIC_BASE_URL", "https://api.anthropic.com"),
        ("OLLAMA_BASE_URL", "http://localhost:11434/v1"),
    ],
)
@pytest.mark.parametrize(
    "value", ["notaurl", "ftp://host/v1", "http://", "http://host:port/v1", "http://a b/v1", "localhost:11434"]
)
def test_a_base_url_that_is_not_a_url_is_one_line_naming_the_variable(
    variable: str, example: str, value: str, capsys, monkeypatch, tmp_path: Path
) -> None:
    """Was a connection error (or an SDK traceback) at the first model call, after the schema work."""
    monkeypatch.setenv(variable, value)
    model = script(tmp_path / "m.jsonl", text_reply("ok"))
    result = run_cli(["ask", "one?", "--model", model, "--approve", "auto"], capsys)
    one_line_error(result, f"from env {variable}", "is not a URL", example)


def test_a_base_url_with_a_password_is_not_echoed(capsys, monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "https://me:hunter2secret@ proxy/v1")
    result = run_cli(["config", "show"], capsys)
    one_line_error(result, "OPENAI_BASE_URL", "is not a URL")
    assert "hunter2secret" not in result.err


@pytest.mark.parametrize("value", ["notaurl", "http://", "https://x:99999999/v1", "5"])
def test_an_endpoint_base_url_that_is_not_a_url_is_one_line(value: str, capsys, analyst_home: Path) -> None:
    path = analyst_home / "config.toml"
    path.write_text(
        f'[endpoints.local]\nbase_url = "{value}"\n' if value != "5" else "[endpoints.local]\nbase_url = 5\n"
    )
    result = run_cli(["config", "show"], capsys)
    one_line_error(result, "[endpoints.local] in", str(path), "is not a URL", "http://host:port/v1")


def test_a_good_base_url_with_spaces_around_it_is_accepted(capsys, monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", " http://127.0.0.1:9/v1 ")
    result = run_cli(["config", "show"], capsys)
    assert result.code == 0, result.err
    assert "http://127.0.0.1:9/v1" in result.out


@pytest.mark.parametrize("url", ["http://user:s3cretpw@localhost:1/v1", "http://localhost:1/v1?api_key=s3cretpw"])
def test_a_secret_in_a_base_url_is_never_shown_by_config_show_or_models(url: str, capsys, monkeypatch) -> None:
    """`config show` and `models --check` printed the whole base URL, password or api_key included
    (found by a user test); PostgreSQL URLs were already masked."""
    monkeypatch.setenv("OPENAI_BASE_URL", url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-base-url-0000")
    for args in (["config", "show"], ["models"], ["models", "--check"]):
        result = run_cli(args, capsys)
        assert result.code == 0, result.err
        assert "s3cretpw" not in result.out + result.err, args
        assert "localhost:1" in result.out, args


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("http://[::1", "host part is malformed"),
        ("http://localhost:99999/v1", "port must be a number from 0 to 65535"),
        ("http://localhost:abc/v1", "port must be a number from 0 to 65535"),
    ],
)
def test_a_base_url_error_names_what_is_wrong(url: str, said: str, capsys, monkeypatch) -> None:
    """An unclosed IPv6 bracket and a port past 65535 were both called 'port is no number'."""
    monkeypatch.setenv("OPENAI_BASE_URL", url)
    result = run_cli(["ask", "hi", "--model", "openai:gpt-4.1-mini", "--approve", "auto"], capsys)
    assert result.code == 2 and said in result.err and "OPENAI_BASE_URL" in result.err, result.err
