"""Operators, casts and functions the database defines run its code (issue 16, class 3).

On PostgreSQL a user operator returned an excluded table's contents and a user cast its row count.
The guard refuses any SQL that could resolve to an operator, cast or function defined outside the
built-ins, before the server sees the text (planning alone may run a function: constant folding).
Every function here sleeps, so a refusal that comes back fast proves nothing ran it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.pg_env import PgEnv
from tools.databases.base import Limits, QueryResult
from tools.guard import check_for

SECRET = "sk-database-code-91c4"
SLEEP_S = 3.0


@pytest.fixture(scope="module")
def pg_code(pg: PgEnv) -> Iterator[Any]:
    from tools.databases.postgres import open_postgres

    with pg.admin() as conn:
        conn.execute("CREATE TABLE internal_tokens (token text)")
        conn.execute("INSERT INTO internal_tokens VALUES (%s)", [SECRET])
        leak = f"SELECT max(token) FROM internal_tokens, pg_sleep({SLEEP_S})"
        for signature in ("leak_op(text, text)", "leak_like(text, integer)", "leak_call()"):
            conn.execute(
                f"CREATE FUNCTION public.{signature} RETURNS text LANGUAGE sql SECURITY DEFINER AS $$ {leak} $$"
            )
        conn.execute(
            "CREATE FUNCTION public.count_tokens(integer) RETURNS text LANGUAGE sql SECURITY DEFINER AS "
            f"$$ SELECT count(*)::text FROM internal_tokens, pg_sleep({SLEEP_S}) $$"
        )
        conn.execute(
            "CREATE FUNCTION public.slow_check(text) RETURNS boolean LANGUAGE sql AS "
            f"$$ SELECT pg_sleep({SLEEP_S}) IS NOT NULL $$"
        )
        conn.execute(  # a superuser may put a function among the built-ins
            f"CREATE FUNCTION pg_catalog.lower(integer) RETURNS text LANGUAGE sql SECURITY DEFINER AS $$ {leak} $$"
        )
        conn.execute("CREATE OPERATOR public.+ (LEFTARG = text, RIGHTARG = text, FUNCTION = public.leak_op)")
        conn.execute("CREATE OPERATOR public.=== (LEFTARG = text, RIGHTARG = text, FUNCTION = public.leak_op)")
        conn.execute("CREATE OPERATOR public.~~ (LEFTARG = text, RIGHTARG = integer, FUNCTION = public.leak_like)")
        conn.execute("CREATE CAST (integer AS text) WITH FUNCTION public.count_tokens(integer)")
        conn.execute("CREATE DOMAIN checked_text AS text CHECK (public.slow_check(VALUE))")
    database = open_postgres(pg.dsn("ro"), application_name=pg.app, exclude_tables=("internal_tokens",))
    yield database
    database.close()


def _refused_fast(database: Any, sql: str) -> set[str]:
    started = time.monotonic()
    verdict = check_for(database, sql)
    elapsed = time.monotonic() - started
    assert not verdict.ok, sql
    assert elapsed < SLEEP_S - 0.5, (sql, elapsed)  # nothing ran the sleeping function
    return {p.code for p in verdict.problems}


def test_the_catalog_lists_the_databases_operators_and_casts(pg_code: Any) -> None:
    catalog = pg_code.catalog()
    assert {"+", "===", "~~"} <= catalog.user_operators
    assert {"text"} <= catalog.user_cast_targets and not catalog.implicit_user_casts
    assert "checked_text" not in catalog.cast_types
    assert {"leak_op", "lower"} <= catalog.user_functions


def test_a_user_operator_and_cast_really_leak_without_the_guard(pg_code: Any) -> None:
    for sql in (
        "SELECT name + name AS x FROM customers LIMIT 1",
        "SELECT customer_id::text AS x FROM customers LIMIT 1",
    ):
        result = pg_code.execute(sql, Limits(timeout_s=30))
        assert isinstance(result, QueryResult) and result.rows[0][0] in (SECRET, "1"), (sql, result)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT name + name AS x FROM customers",
        "SELECT 'a' + 'b' AS x",  # a constant: planning alone would fold it, running the function
        "SELECT name === name AS x FROM customers",
        "SELECT name FROM customers WHERE name LIKE 5",
        "SELECT name FROM customers WHERE name ~~ 5",
        "SELECT name FROM customers WHERE name OPERATOR(public.+) name = 'x'",
    ],
)
def test_user_operators_are_refused_before_they_run(pg_code: Any, sql: str) -> None:
    assert "database_code" in _refused_fast(pg_code, sql) or "parse_error" in _refused_fast(pg_code, sql)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT customer_id::text AS x FROM customers",
        "SELECT CAST(customer_id AS text) AS x FROM customers",
        "SELECT 1::text AS x",
        "SELECT text(customer_id) AS x FROM customers",
        "SELECT name::checked_text AS x FROM customers",
        "SELECT leak_call() AS x",
        "SELECT lower(customer_id) AS x FROM customers",
        "SELECT public.leak_op(name, name) AS x FROM customers",
    ],
)
def test_user_casts_and_functions_are_refused_before_they_run(pg_code: Any, sql: str) -> None:
    _refused_fast(pg_code, sql)


def test_queries_without_the_databases_code_still_run(pg_code: Any) -> None:
    for sql in (
        "SELECT count(*) AS n FROM orders",
        "SELECT name FROM customers ORDER BY name LIMIT 3",
        "SELECT customer_id * 2 AS x FROM customers WHERE customer_id > 1",
    ):
        verdict = check_for(pg_code, sql)
        assert verdict.ok, (sql, verdict.problems)


def test_an_implicit_user_cast_refuses_every_query(pg: PgEnv, pg_code: Any) -> None:
    from tools.databases.postgres import open_postgres

    with pg.admin() as conn:
        conn.execute(
            "CREATE FUNCTION public.implicit_cast(bigint) RETURNS text LANGUAGE sql AS "
            f"$$ SELECT max(token) FROM internal_tokens, pg_sleep({SLEEP_S}) $$"
        )
        conn.execute("CREATE CAST (bigint AS text) WITH FUNCTION public.implicit_cast(bigint) AS IMPLICIT")
    database = open_postgres(pg.dsn("ro"), application_name=pg.app, exclude_tables=("internal_tokens",))
    try:
        assert database.catalog().implicit_user_casts
        assert "database_code" in _refused_fast(database, "SELECT lower(count(*)) AS x FROM orders")
    finally:
        database.close()
        with pg.admin() as conn:
            conn.execute("DROP CAST (bigint AS text)")
