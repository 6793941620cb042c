"""`Database.stream` on both engines: every row, whole, under the same read-only connection, time
limit and interrupt as `execute` (DuckDB on the sample database, PostgreSQL on the real server)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from analyst.config import load_config
from analyst.wiring import open_database
from tests.pg_env import PgEnv
from tools.databases.base import Limits, QueryResult, StreamError

# The same questions in each engine's words.
SQL = {
    "duckdb": {
        "many": "SELECT range AS n, repeat('x', 20000) AS wide FROM range(5000)",
        "slow": "SELECT count(*) FROM range(100000000000) a",
        "endless": "SELECT range AS n FROM range(100000000000)",
        "write": "DELETE FROM orders",
        "count": "SELECT count(*) FROM orders",
    },
    "postgres": {
        "many": "SELECT g AS n, repeat('x', 20000) AS wide FROM generate_series(0, 4999) g",
        "slow": "SELECT pg_sleep(10)",
        # two small function scans (each is materialized whole) joined lazily: rows from the start
        "endless": "SELECT a.g * 1000000 + b.g AS n FROM generate_series(1, 1000000) a(g), generate_series(1, 1000000) b(g)",
        "write": "WITH d AS (DELETE FROM audit_log RETURNING id) SELECT * FROM d",
        "count": "SELECT count(*) FROM audit_log",
    },
}


@pytest.fixture(params=["duckdb", "postgres"])
def engine(request: pytest.FixtureRequest, sample_db: Path) -> Iterator[tuple[str, Any]]:
    if request.param == "duckdb":
        database = open_database(load_config(), str(sample_db))
    else:
        env: PgEnv = request.getfixturevalue("pg")
        from tools.databases.postgres import open_postgres

        database = open_postgres(env.dsn("ro"), application_name=env.app)
    yield request.param, database
    database.close()


def _drain(database: Any, sql: str, timeout_s: float = 30.0) -> list[tuple[Any, ...]]:
    stream = database.stream(sql, timeout_s)
    try:
        return [row for chunk in stream.chunks() for row in chunk]
    finally:
        stream.close()


def _still_works(database: Any, sql: str) -> Any:
    outcome = database.execute(sql, Limits(timeout_s=10))
    assert isinstance(outcome, QueryResult), outcome
    return outcome.rows[0][0]


def test_every_row_arrives_whole_beyond_the_row_cap(engine: tuple[str, Any]) -> None:
    name, database = engine
    stream = database.stream(SQL[name]["many"], 30.0)
    try:
        assert [c.name for c in stream.columns] == ["n", "wide"]
        assert stream.columns[1].type.upper() in ("VARCHAR", "TEXT")
        chunks = list(stream.chunks())
    finally:
        stream.close()
    rows = [row for chunk in chunks for row in chunk]
    assert len(chunks) > 1  # streamed, not fetched at once
    assert len(rows) == 5000 > Limits().max_rows
    assert sorted(r[0] for r in rows) == list(range(5000))
    assert {len(r[1]) for r in rows} == {20000}  # never clipped (execute clips at max_cell_bytes)
    assert Limits().max_cell_bytes < 20000


def test_time_limit_stops_the_stream_and_the_database_is_reusable(engine: tuple[str, Any]) -> None:
    name, database = engine
    started = time.perf_counter()
    with pytest.raises(StreamError) as failed:
        _drain(database, SQL[name]["slow"], timeout_s=1.0)
    assert failed.value.kind == "timeout" and "1 s time limit" in failed.value.message
    assert time.perf_counter() - started < 6
    assert _still_works(database, "SELECT 1") == 1


def test_cancel_from_another_thread_stops_a_stream_mid_way(engine: tuple[str, Any]) -> None:
    name, database = engine
    stream = database.stream(SQL[name]["endless"], 60.0)
    seen = 0
    try:
        with pytest.raises(StreamError) as failed:
            for chunk in stream.chunks():
                seen += len(chunk)
                if seen >= 10_000:
                    threading.Thread(target=stream.cancel).start()
    finally:
        stream.close()
    assert failed.value.kind == "interrupted"
    assert 10_000 <= seen < 10_000_000
    assert _still_works(database, "SELECT 2") == 2


def test_interrupting_the_database_stops_its_streams(engine: tuple[str, Any]) -> None:
    name, database = engine
    errors: list[StreamError] = []

    def consume() -> None:
        try:
            _drain(database, SQL[name]["slow"], timeout_s=60.0)
        except StreamError as exc:
            errors.append(exc)

    worker = threading.Thread(target=consume)
    worker.start()
    deadline = time.monotonic() + 10
    while worker.is_alive() and time.monotonic() < deadline and not errors:
        time.sleep(0.3)
        database.interrupt()
    worker.join(10)
    assert not worker.is_alive()
    assert [e.kind for e in errors] == ["interrupted"]
    assert _still_works(database, "SELECT 3") == 3


def test_a_write_cannot_run_through_a_stream(engine: tuple[str, Any]) -> None:
    name, database = engine
    before = _still_works(database, SQL[name]["count"])
    with pytest.raises(StreamError) as failed:
        _drain(database, SQL[name]["write"])
    assert failed.value.kind == "error" and failed.value.message.strip()
    assert _still_works(database, SQL[name]["count"]) == before
