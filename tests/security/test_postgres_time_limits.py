"""Issue 16, class 1 on PostgreSQL: every call to the server runs under the time limit.

Planning a query folds its constant expressions, so the cross-check (DECLARE) can run a slow
built-in before anyone approved the query; it used to have a fixed 10 s limit of its own. Now the
cross-check, the plan comparison and the catalog read all run under the database's time limit:
the server's statement_timeout, a cancel at the limit, a bounded wait, and the backend idle again
within the limit plus the grace.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.pg_env import PgEnv
from tools.databases.workers import STOP_GRACE_S

SLOW_PLAN = "SELECT length(regexp_replace(repeat('ab', 50000000), 'a', 'xyz', 'g')) AS n"
LIMIT_S = 1.0
SLACK_S = 1.0


@pytest.fixture(scope="module")
def quick_db(pg: PgEnv) -> Iterator[Any]:
    from tools.databases.postgres import SessionSettings, open_postgres

    database = open_postgres(
        pg.dsn("ro"), application_name=pg.app, settings=SessionSettings(statement_timeout_s=LIMIT_S)
    )
    yield database
    database.close()


def _busy_backends(pg: PgEnv) -> int:
    return int(
        pg.scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s AND state = 'active'",
            [pg.app],
        )
    )


def _wait_idle(pg: PgEnv, within_s: float) -> float:
    started = time.monotonic()
    while _busy_backends(pg) and time.monotonic() - started < within_s:
        time.sleep(0.05)
    return time.monotonic() - started


def test_the_cross_check_plans_under_the_time_limit(quick_db: Any, pg: PgEnv) -> None:
    started = time.perf_counter()
    problems = quick_db.cross_check(SLOW_PLAN)
    waited = time.perf_counter() - started
    assert problems and "too long to plan" in problems[0].message, problems
    assert waited < LIMIT_S + STOP_GRACE_S + SLACK_S  # it was 10 s, whatever the limit
    assert _wait_idle(pg, 5.0) < 2.0, "the server kept planning after the cross-check gave up"


def test_the_plan_comparison_runs_under_the_time_limit(quick_db: Any) -> None:
    started = time.perf_counter()
    assert not quick_db.reads_alike(SLOW_PLAN, SLOW_PLAN)  # no plan in time: not proven alike
    assert time.perf_counter() - started < 2 * (LIMIT_S + STOP_GRACE_S) + SLACK_S


def test_an_ordinary_query_still_checks_and_runs(quick_db: Any) -> None:
    from tools.databases.base import Limits, QueryResult

    assert quick_db.cross_check("SELECT 1 AS one") == []
    result = quick_db.execute("SELECT 1 AS one", Limits(timeout_s=5))
    assert isinstance(result, QueryResult) and result.rows == ((1,),)


def test_a_slow_query_leaves_the_server_idle_within_the_grace(quick_db: Any, pg: PgEnv) -> None:
    from tools.databases.base import Limits, QueryError

    started = time.perf_counter()
    result = quick_db.execute(SLOW_PLAN, Limits(timeout_s=LIMIT_S))
    assert isinstance(result, QueryError) and result.kind == "timeout", result
    assert time.perf_counter() - started < LIMIT_S + STOP_GRACE_S + SLACK_S
    assert _wait_idle(pg, 5.0) < 2.0
