"""A suite's gold SQL runs as a prediction does (issue 16, the eval gold note).

`analyst eval` ran each gold alternative straight on the database, without the guard: a suite
file could run a second statement, `SET VARIABLE`, a temporary table or `setseed`, and on
PostgreSQL a seed (`setseed`) outlived the rolled-back transaction on the pooled connection, so
what a gold did reached the predictions scored after it. Now a gold is checked like a person's
edit and refused as a gold error that says why; and beneath the guard, nothing one query leaves
in a session reaches the next query (DuckDB: a fresh cursor per query; PostgreSQL: the pool
discards the session and sets it again after each query).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agents.models.base import Usage
from agents.outcome import Outcome, Status
from sessions.evaluation import EvalOutcome, score
from sessions.evaluation.suite import SuiteItem
from tests.pg_env import PgEnv
from tests.security.test_postgres_corpus import SESSION_SQL
from tools.databases.base import Limits, QueryResult

LIMITS = Limits(timeout_s=10, max_rows=1000)

DUCKDB_GOLDS = [
    "SET VARIABLE leak = 42; SELECT count(*) AS n FROM customers",
    "SELECT count(*) AS n FROM customers; SET threads = 1",
    "CREATE TEMP TABLE leak AS SELECT 1 AS n",
    "PRAGMA enable_profiling",
    "SET memory_limit = '10GB'",
    "CALL checkpoint()",
    "SELECT setseed(0.5) AS n",
    "SELECT count(*) AS n FROM read_csv('/etc/passwd')",
]
POSTGRES_GOLDS = [
    "SET statement_timeout = 0",
    "SELECT count(*) AS n FROM customers; SET search_path = pg_temp",
    "SELECT set_config('statement_timeout', '1', false) AS n",
    "SELECT set_config('search_path', 'pg_temp, public', false) AS n",
    "SELECT setseed(0.5) AS n",
    "SELECT pg_advisory_lock(1) AS n",
    "RESET ALL",
    "SELECT count(*) AS n FROM pg_read_file('/etc/passwd')",
]


@pytest.fixture(scope="module")
def duck(tmp_path_factory: pytest.TempPathFactory, sample_db_master: Path) -> Iterator[Any]:
    from tools.databases.duckdb import open_duckdb

    root = tmp_path_factory.mktemp("gold-duckdb")
    path = root / "shop.duckdb"
    shutil.copyfile(sample_db_master, path)
    database = open_duckdb(path, root / "cache")
    yield database
    database.close()


@pytest.fixture(scope="module")
def postgres(pg: PgEnv) -> Iterator[Any]:
    from tools.databases.postgres import open_postgres

    database = open_postgres(pg.dsn("ro"), application_name=pg.app)
    yield database
    database.close()


def _answered(database: Any) -> Outcome:
    """A turn whose prediction ran: the customer count, as a gold that counts would compare it."""
    result = database.execute("SELECT count(*) AS n FROM customers", LIMITS)
    assert isinstance(result, QueryResult), result
    return Outcome(
        Status.ANSWERED,
        "How many customers?",
        "42",
        "SELECT count(*) AS n FROM customers",
        result,
        (),
        None,
        Usage(),
        0.0,
    )


def _scored(database: Any, gold: str) -> Any:
    item = SuiteItem(id="q", question="How many customers?", gold=(gold,), db=None)
    return score(item, _answered(database), database, LIMITS, latency_ms=1.0, session_id=None)


@pytest.mark.parametrize("gold", DUCKDB_GOLDS)
def test_a_duckdb_gold_that_writes_or_sets_is_a_gold_error(gold: str, duck: Any) -> None:
    result = _scored(duck, gold)
    assert result.outcome == EvalOutcome.GOLD_ERROR, (gold, result)
    assert result.error and result.error.startswith("gold SQL refused by the read-only guard: "), result.error
    assert _variable(duck) is None


@pytest.mark.parametrize("gold", POSTGRES_GOLDS)
def test_a_postgres_gold_that_writes_or_sets_is_a_gold_error(gold: str, postgres: Any) -> None:
    before = _session(postgres)
    result = _scored(postgres, gold)
    assert result.outcome == EvalOutcome.GOLD_ERROR, (gold, result)
    assert result.error and result.error.startswith("gold SQL refused by the read-only guard: "), result.error
    assert _session(postgres) == before


def test_a_gold_query_still_scores_on_both_engines(duck: Any, pg: PgEnv, postgres: Any) -> None:
    for database in (duck, postgres):
        right = _scored(database, "SELECT count(*) AS n FROM customers")
        assert right.outcome == EvalOutcome.CORRECT, right
        wrong = _scored(database, "SELECT count(*) + 1 AS n FROM customers")
        assert wrong.outcome == EvalOutcome.INCORRECT, wrong


# -- beneath the guard: what one query leaves in a session never reaches the next ----------------


def _variable(database: Any) -> Any:
    result = database.execute("SELECT getvariable('leak') AS v", LIMITS)
    assert isinstance(result, QueryResult), result
    return result.rows[0][0]


def _random_after_seed(database: Any) -> float:
    seeded = database.execute("SELECT setseed(0.5) AS s", LIMITS)
    assert isinstance(seeded, QueryResult), seeded
    result = database.execute("SELECT random() AS r", LIMITS)
    assert isinstance(result, QueryResult), result
    return float(result.rows[0][0])


def test_duckdb_session_state_stays_with_its_query(duck: Any) -> None:
    for sql in ("SET VARIABLE leak = 42", "CREATE TEMP TABLE leak AS SELECT 1 AS n"):
        assert isinstance(duck.execute(sql, LIMITS), QueryResult), sql
    assert _variable(duck) is None
    assert not isinstance(duck.execute("SELECT * FROM leak", LIMITS), QueryResult)
    assert _random_after_seed(duck) != _random_after_seed(duck)  # the seed did not reach the next query


def test_postgres_session_state_stays_with_its_query(postgres: Any) -> None:
    before = _session(postgres)
    for sql in (
        "SELECT set_config('statement_timeout', '1', false) AS a, set_config('search_path', 'pg_temp', false) AS b",
        "SELECT set_config('TimeZone', 'Asia/Tokyo', false) AS a, set_config('lock_timeout', '0', false) AS b",
        "SELECT set_config('analyst.leak', '42', false) AS a",
    ):
        assert isinstance(postgres.execute(sql, LIMITS), QueryResult), sql
        assert _session(postgres) == before, sql
    leak = postgres.execute("SELECT coalesce(current_setting('analyst.leak', true), '') AS v", LIMITS)
    assert isinstance(leak, QueryResult) and leak.rows == (("",),), leak
    assert _random_after_seed(postgres) != _random_after_seed(postgres)  # the seed did not reach the next query


def _session(database: Any) -> tuple[Any, ...]:
    """The settings and roles a query runs under (a result without its timing)."""
    result = database.execute(SESSION_SQL, LIMITS)
    assert isinstance(result, QueryResult), result
    return result.columns, result.rows
