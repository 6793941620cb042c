"""The time limit holds for the caller even when the engine cannot stop a statement at once.

DuckDB notices an interrupt only between chunks of work; one call of a function over one huge
value is a single chunk. An adversarial review held `--timeout 2` for 22 s this way. DuckDB now
runs in an engine process that is killed once the interrupt has had `KILL_GRACE_S` to work
(tests/security/test_engine_limits.py checks the process is gone); a PostgreSQL statement runs on
a worker thread the caller stops waiting for `STOP_GRACE_S` after the cancel."""

from __future__ import annotations

import json
import time
from pathlib import Path

from tests.helpers import run_cli
from tests.pg_env import PgEnv
from tools.databases.base import Limits, QueryError, QueryResult
from tools.databases.duckdb import open_duckdb
from tools.databases.workers import STOP_GRACE_S

# four dozen calls over one 100 MB value (each a different expression, so none is computed once for
# all): one chunk of work, ~8 s here, deaf to interrupts. The guard accepts it: the value is built
# from the data (every customer's email, 18,600 times over), and the size rule judges only what
# constants make.
NESTED = (
    "WITH s AS (SELECT string_agg(c.email, '') AS x FROM customers c, range(18600) t) SELECT "
    + " + ".join(f"length(upper(x || '{i}'))" for i in range(48))
    + " AS n FROM s"
)


def test_a_statement_the_engine_cannot_interrupt_still_returns_at_the_limit(sample_db: Path, tmp_path: Path) -> None:
    db = open_duckdb(sample_db, tmp_path / "cache")
    try:
        started = time.perf_counter()
        outcome = db.execute(NESTED, Limits(timeout_s=1))
        waited = time.perf_counter() - started
        assert isinstance(outcome, QueryError) and outcome.kind == "timeout", outcome
        assert waited < 1 + STOP_GRACE_S + 1.0  # not the statement's ~6 s
        after = db.execute("SELECT 42 AS n", Limits(timeout_s=5))  # the database still answers
        assert isinstance(after, QueryResult) and after.rows == ((42,),)
    finally:
        db.close()  # with the abandoned statement still running: no error


def test_an_interruptible_statement_still_stops_at_the_limit_itself(sample_db: Path, tmp_path: Path) -> None:
    db = open_duckdb(sample_db, tmp_path / "cache")
    try:
        started = time.perf_counter()
        outcome = db.execute("SELECT count(*) FROM range(1000000000000)", Limits(timeout_s=1))
        assert isinstance(outcome, QueryError) and outcome.kind == "timeout" and "background" not in outcome.message
        assert time.perf_counter() - started < 1 + STOP_GRACE_S
    finally:
        db.close()


def test_ask_returns_at_the_limit_with_a_guard_accepted_statement(capsys, sample_db: Path, tmp_path: Path) -> None:
    script = tmp_path / "m.jsonl"
    script.write_text(
        json.dumps({"tool_calls": [{"name": "run_sql", "arguments": {"sql": NESTED}}]})
        + "\n"
        + json.dumps({"text": "It took too long."})
        + "\n"
    )
    started = time.perf_counter()
    result = run_cli(
        [
            "ask",
            "q",
            "--db",
            str(sample_db),
            "--model",
            f"scripted:{script}",
            "--approve",
            "auto",
            "--timeout",
            "1",
            "--format",
            "json",
        ],
        capsys,
    )
    assert time.perf_counter() - started < 1 + STOP_GRACE_S + 3.0, result.err
    queries = result.json()["queries"]
    assert queries and queries[0]["error"]["kind"] == "timeout"


# md5() of one big string has no interrupt point on PostgreSQL: a dozen of them outlast the cancel
PG_MD5 = (
    "WITH s AS MATERIALIZED (SELECT repeat('ab', 100000000) AS x) SELECT length("
    + " || ".join("md5(x)" for _ in range(24))
    + ") AS n FROM s"
)


def test_postgres_returns_at_the_limit_when_the_server_cannot_stop(pg: PgEnv) -> None:
    from tools.databases.postgres import open_postgres

    database = open_postgres(pg.dsn("ro"), application_name=pg.app)
    try:
        started = time.perf_counter()
        outcome = database.execute(PG_MD5, Limits(timeout_s=1))
        assert isinstance(outcome, QueryError) and outcome.kind == "timeout", outcome
        assert time.perf_counter() - started < 1 + STOP_GRACE_S + 1.0
        after = database.execute("SELECT 42 AS n", Limits(timeout_s=5))  # another connection answers
        assert isinstance(after, QueryResult) and after.rows == ((42,),)
    finally:
        database.close()


def test_the_analyst_command_exits_with_its_own_code_while_a_statement_runs_on(sample_db: Path, tmp_path: Path) -> None:
    """The process ends with the turn's exit code (1: no query succeeded), not DuckDB's abort
    (134) from shutting the interpreter down under the abandoned statement."""
    import os
    import shutil
    import subprocess

    script = tmp_path / "m.jsonl"
    script.write_text(
        json.dumps({"tool_calls": [{"name": "run_sql", "arguments": {"sql": NESTED}}]})
        + "\n"
        + json.dumps({"text": "It took too long."})
        + "\n"
    )
    import sys

    beside = Path(sys.executable).with_name("analyst")  # the venv's script, activated or not
    command = str(beside) if beside.is_file() else shutil.which("analyst")
    assert command, "the analyst console script is installed with the package"
    finished = subprocess.run(
        [
            command,
            "ask",
            "q",
            "--db",
            str(sample_db),
            "--model",
            f"scripted:{script}",
            "--approve",
            "auto",
            "--timeout",
            "1",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ},
    )
    assert finished.returncode == 1, (finished.returncode, finished.stderr[-500:])
    assert "FATAL" not in finished.stderr and json.loads(finished.stdout)["queries"][0]["error"]["kind"] == "timeout"
