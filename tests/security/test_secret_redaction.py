"""Secrets are never printed or written: a password in a database reference or a base URL, however
it is spelled, reaches no stdout, stderr, session log, run log or `--out` file.

The class (issue 16, class 8): a URL that is not lowercase `postgresql://` was taken for a file
path and echoed whole; batch and eval copied a line's URL, password and all, into their records;
`config show` and `models` showed a base URL's credentials. A credential is recognised by shape
(`tools/redaction.py`), so each spelling here goes through each writer and printer.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.helpers import CliResult, run_cli
from tests.pg_env import PgEnv
from tools.redaction import is_url_shaped, redact_secrets

SECRET = "S3cretPw-9f2x"

# Database references libpq does not read as written: each must be refused, never opened as a file.
FOREIGN_URLS = [
    f"POSTGRESQL://ann:{SECRET}@127.0.0.1:5432/shop",
    f"Postgres://ann:{SECRET}@127.0.0.1/shop",
    f"postgresql+psycopg://ann:{SECRET}@127.0.0.1/shop",
    f"postgresql+psycopg2://ann:{SECRET}@127.0.0.1:5432/shop?sslmode=disable",
    f"jdbc:postgresql://127.0.0.1:5432/shop?user=ann&password={SECRET}",
    f"JDBC:postgresql://127.0.0.1/shop?user=ann&PASSWORD={SECRET}&ssl=true",
    f"jdbc:sqlserver://127.0.0.1:1433;databaseName=shop;user=ann;password={SECRET}",
    f"mysql://ann:{SECRET}@127.0.0.1/shop",
    f"duckdb://ann:{SECRET}@localhost/shop.duckdb",
    f"s3://bucket/shop.parquet?secret={SECRET}",
    f"postgresql://ann:{SECRET}/x@127.0.0.1/shop",  # a / in the password: libpq cannot read it either
]
# Other credential-bearing text: libpq keyword strings and URLs with secret-named parameters.
OTHER_FORMS = [
    f"host=127.0.0.1 user=ann password={SECRET} dbname=shop",
    f"host=127.0.0.1 PASSWORD = '{SECRET} x' dbname=shop",
    f"dbname=shop sslpassword={SECRET}",
    f"postgresql://ann@127.0.0.1/shop?sslpassword={SECRET}",
    f"postgresql://ann:{SECRET}@127.0.0.1/shop",
    f"postgresql://ann:p@{SECRET}@127.0.0.1/shop",
    f"https://ann:{SECRET}@proxy.example/v1",
    f"https://proxy.example/v1?api_key={SECRET}",
    f"https://proxy.example/v1?x=1&token={SECRET}",
    f"https://proxy.example/v1?pwd={SECRET}",
]


def _files_under(*roots: Path) -> list[Path]:
    """Every file analyst may have written (the person's own config.toml and the databases aside)."""
    found = []
    for root in roots:
        if root.is_file():
            found.append(root)
        elif root.is_dir():
            found += [p for p in root.rglob("*") if p.is_file() and p.suffix != ".duckdb" and p.name != "config.toml"]
    return found


def assert_hidden(result: CliResult, *files: Path) -> None:
    """The password is in no output and in no file analyst wrote (ANALYST_HOME, --out)."""
    assert SECRET not in result.out, result.out
    assert SECRET not in result.err, result.err
    for path in _files_under(Path(os.environ["ANALYST_HOME"]), *files):
        assert SECRET.encode() not in path.read_bytes(), path


def _scripted(tmp_path: Path, *replies: dict[str, object]) -> str:
    path = tmp_path / "model.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in replies))
    return f"scripted:{path}"


SQL_REPLY = {"tool_calls": [{"name": "run_sql", "arguments": {"sql": "SELECT count(*) AS n FROM stores"}}]}


# -- the one rule ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", FOREIGN_URLS + OTHER_FORMS)
def test_every_spelling_is_masked(text: str) -> None:
    shown = redact_secrets(text)
    assert SECRET not in shown and "***" in shown
    assert SECRET not in redact_secrets(json.dumps({"db": text, "next": "a@b"}))
    assert json.loads(redact_secrets(json.dumps({"db": text, "next": "a@b"})))["next"] == "a@b"  # still JSON


@pytest.mark.parametrize("text", FOREIGN_URLS)
def test_urls_are_recognised_by_shape(text: str) -> None:
    assert is_url_shaped(text)


@pytest.mark.parametrize("path", ["shop.duckdb", "/data/x/shop.duckdb", "C:\\data\\shop.duckdb", "./a:b.csv"])
def test_paths_are_not_urls(path: str) -> None:
    assert not is_url_shaped(path) and redact_secrets(path) == path


# -- --db: refused in one line, never opened as a file nor echoed --------------------------------


@pytest.mark.parametrize("url", FOREIGN_URLS)
def test_a_foreign_url_as_db_is_refused_without_its_password(url: str, capsys, tmp_path: Path) -> None:
    model = _scripted(tmp_path, SQL_REPLY, {"text": "ok"})
    (tmp_path / "q.sql").write_text("SELECT 1")
    for args in (
        ["ask", "How many stores?", "--db", url, "--approve", "never", "--model", model],
        ["schema", "--db", url],
        ["check", str(tmp_path / "q.sql"), "--db", url],
    ):
        result = run_cli(args, capsys)
        assert result.code == 4, (args, result.err)
        if url.startswith("mysql://"):  # a URL the MySQL backend opens: the server refuses ann, a warning first
            assert "MYSQL_PWD" in result.err and result.err.count("\n") == 2, result.err
            assert_hidden(result)
            continue
        assert len(result.err.strip().splitlines()) == 1, result.err
        assert "PGPASSWORD" in result.err  # the fix: the spelling that works, the password elsewhere
        assert "cannot open" not in result.err  # not taken for a file path
        assert_hidden(result)


@pytest.mark.parametrize("url", FOREIGN_URLS[:3])
def test_a_foreign_url_from_the_environment_is_refused_too(url: str, capsys, monkeypatch) -> None:
    monkeypatch.setenv("ANALYST_DB", url)
    result = run_cli(["schema"], capsys)
    assert result.code == 4 and "PostgreSQL URL libpq does not read" in result.err
    assert_hidden(result)


# -- config show, models ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", FOREIGN_URLS + OTHER_FORMS)
def test_config_show_masks_the_database(value: str, capsys, monkeypatch) -> None:
    monkeypatch.setenv("ANALYST_DB", value)
    result = run_cli(["config", "show"], capsys)
    assert result.code == 0, result.err
    assert_hidden(result)


@pytest.mark.parametrize(
    "url",
    [
        f"https://ann:{SECRET}@proxy.example/v1",
        f"HTTPS://ann:{SECRET}@proxy.example/v1",
        f"http://ann:p@{SECRET}@proxy.example:8080/v1",
        f"https://proxy.example/v1?api_key={SECRET}",
        f"https://ann:{SECRET}/x@proxy.example/v1",
    ],
)
def test_config_show_and_models_mask_a_base_url(url: str, capsys, monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", url)
    for args in (["config", "show"], ["models"]):
        result = run_cli(args, capsys)
        assert_hidden(result)


def test_a_custom_endpoint_base_url_is_masked(capsys, analyst_home: Path) -> None:
    analyst_home.mkdir(parents=True, exist_ok=True)
    (analyst_home / "config.toml").write_text(
        f'[endpoints.proxy]\nbase_url = "HTTP://ann:{SECRET}@127.0.0.1:9/v1"\nkey_env = "PROXY_KEY"\n'
    )
    for args in (["config", "show"], ["models"]):
        result = run_cli(args, capsys)
        assert_hidden(result)


# -- batch: records and errors ---------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_batch_records_and_errors_hold_no_password(suffix: str, capsys, tmp_path: Path) -> None:
    refs = [*FOREIGN_URLS, OTHER_FORMS[0]]
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        "".join(json.dumps({"id": f"q{i}", "question": "n?", "db": r}) + "\n" for i, r in enumerate(refs))
    )
    out = tmp_path / f"out{suffix}"
    model = _scripted(tmp_path, SQL_REPLY, {"text": "ok"})
    result = run_cli(["batch", str(questions), "--approve", "never", "--model", model, "--out", str(out)], capsys)
    assert result.code != 0  # every line's database is refused
    written = out.read_text()
    assert len(written.strip().splitlines()) >= len(refs) and "PGPASSWORD" in written  # one failed record per line
    assert_hidden(result, out)


def test_batch_on_postgres_records_a_masked_db(pg: PgEnv, capsys, tmp_path: Path) -> None:
    url = pg.url_with_password()
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"id": "a", "question": "How many orders?", "db": url}) + "\n")
    out = tmp_path / "out.jsonl"
    model = _scripted(
        tmp_path,
        {"tool_calls": [{"name": "run_sql", "arguments": {"sql": "SELECT count(*) FROM orders"}}]},
        {"text": "ok"},
    )
    result = run_cli(["batch", str(questions), "--approve", "auto", "--model", model, "--out", str(out)], capsys)
    assert result.code == 0, result.err
    record = json.loads(out.read_text().splitlines()[0])
    assert record["db"] == url.replace(pg.password, "***")
    assert pg.password not in result.out and pg.password not in result.err
    for path in _files_under(Path(os.environ["ANALYST_HOME"]), out):
        assert pg.password.encode() not in path.read_bytes(), path


# -- eval: run log, --out, runs show ----------------------------------------------------------------


@pytest.mark.parametrize("url", FOREIGN_URLS)
def test_eval_with_a_foreign_url_in_the_suite_is_refused_quietly(url: str, capsys, tmp_path: Path) -> None:
    suite = tmp_path / "suite.jsonl"
    suite.write_text(json.dumps({"id": "a", "question": "n?", "gold_sql": "SELECT 1", "db": url}) + "\n")
    out = tmp_path / "out.jsonl"
    model = _scripted(tmp_path, SQL_REPLY, {"text": "ok"})
    result = run_cli(["eval", str(suite), "--model", model, "--out", str(out)], capsys)
    assert result.code == 4, result.err
    assert_hidden(result, out)


def test_eval_on_postgres_keeps_the_password_out_of_run_log_out_and_runs_show(
    pg: PgEnv, capsys, tmp_path: Path, analyst_home: Path
) -> None:
    url = pg.url_with_password()
    suite = tmp_path / "suite.jsonl"
    suite.write_text(
        json.dumps({"id": "n", "question": "How many orders?", "gold_sql": "SELECT count(*) FROM orders", "db": url})
        + "\n"
    )
    model = _scripted(
        tmp_path,
        {"tool_calls": [{"name": "run_sql", "arguments": {"sql": "SELECT count(*) FROM orders"}}]},
        {"text": "ok"},
    )
    out = tmp_path / "out.jsonl"
    result = run_cli(["eval", str(suite), "--model", model, "--out", str(out)], capsys)
    assert result.code == 0, result.err
    assert pg.password not in out.read_text() and "***" in out.read_text()
    (log,) = (analyst_home / "runs").glob("*.jsonl")
    assert pg.password not in log.read_text()
    shown = [
        run_cli(["runs", "show", log.stem], capsys),
        run_cli(["runs", "show", log.stem, "--format", "json"], capsys),
    ]
    for each in (result, *shown):
        assert pg.password not in each.out and pg.password not in each.err
    for path in _files_under(analyst_home, out):
        assert pg.password.encode() not in path.read_bytes(), path


def test_runs_show_masks_a_password_an_older_run_log_holds(
    capsys, tmp_path: Path, analyst_home: Path, sample_db
) -> None:
    suite = tmp_path / "suite.jsonl"
    suite.write_text(json.dumps({"id": "a", "question": "n?", "gold_sql": "SELECT count(*) FROM stores"}) + "\n")
    model = _scripted(tmp_path, SQL_REPLY, {"text": "ok"})
    assert run_cli(["eval", str(suite), "--model", model, "--db", str(sample_db)], capsys).code == 0
    (log,) = (analyst_home / "runs").glob("*.jsonl")
    old = FOREIGN_URLS[2]
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    for record in lines:
        if record["type"] == "result":
            record["db"] = old
    log.write_text("".join(json.dumps(r) + "\n" for r in lines))
    for args in (["runs", "show", log.stem], ["runs", "show", log.stem, "--format", "json"], ["runs", "list"]):
        result = run_cli(args, capsys)
        assert result.code == 0, result.err
        assert SECRET not in result.out and SECRET not in result.err


# -- session logs, sessions show / list -------------------------------------------------------------


def test_session_log_masks_any_spelling_of_a_database_url(tmp_path: Path) -> None:
    from agents.events import SessionStarted
    from sessions.log import SessionLog

    for value in FOREIGN_URLS + OTHER_FORMS:
        log = SessionLog.create(tmp_path)
        log.write(SessionStarted(value, "duckdb", "f", "m", {"db": value}, "v"))
        log.close()
        text = log.path.read_text()
        assert SECRET not in text, value
        assert json.loads(text)["database"].count("***") >= 1


def test_sessions_show_and_list_mask_a_password_an_older_log_holds(
    capsys, tmp_path: Path, analyst_home: Path, sample_db
) -> None:
    model = _scripted(tmp_path, SQL_REPLY, {"text": "ok"}, {"text": "ok"})
    first = run_cli(["ask", "How many stores?", "--db", str(sample_db), "--approve", "never", "--model", model], capsys)
    assert first.code == 0, first.err
    (log,) = (analyst_home / "sessions").glob("*.jsonl")
    events = [json.loads(line) for line in log.read_text().splitlines()]
    events[0]["database"] = FOREIGN_URLS[0]
    log.write_text("".join(json.dumps(e) + "\n" for e in events))
    for args in (["sessions", "show", log.stem], ["sessions", "list"]):
        result = run_cli(args, capsys)
        assert result.code == 0, result.err
        assert SECRET not in result.out and SECRET not in result.err
