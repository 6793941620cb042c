"""Issue 16, class 7: a query may not build a huge value from constants (the size rule,
tools/guard/sizes.py), on both engines' dialects; sizes that depend on the data, and ordinary
padding and ranges, still pass."""

from __future__ import annotations

import pytest

from tests.backends import ENGINES
from tools.guard.check import check_sql
from tools.guard.sizes import MAX_LIST_ITEMS, MAX_VALUE_CHARS

BIG = MAX_VALUE_CHARS + 1

REFUSED = (
    f"SELECT md5(repeat('x', {BIG}))",
    f"SELECT length(repeat('ab', {BIG // 2 + 1}))",
    "SELECT md5(repeat(repeat('x', 10000), 10000))",  # each size under the cap, the product over it
    f"SELECT lpad('a', {BIG}, 'b')",
    f"SELECT rpad('a', {BIG})",
    f"SELECT upper(repeat('abc', CAST({BIG} AS BIGINT)))",
    f"SELECT repeat('x', ({BIG}))",
    "SELECT repeat('x', 1e9)",
    "SELECT 'a' || repeat('b', 6000000) || repeat('c', 6000000)",
    "SELECT concat('a', repeat('b', 6000000), repeat('c', 6000000))",
    "SELECT replace(replace(repeat('a', 5000000), 'a', 'aaaaaaaaaa'), 'a', 'aaaaaaaaaa')",
    f"SELECT length(x) FROM (SELECT repeat('y', {BIG}) AS x) t",
    # made from constants through a CTE's or a derived table's columns
    "WITH s AS (SELECT repeat('x', 5000000) AS y), t AS (SELECT y || y || y AS x FROM s) SELECT md5(x) FROM t",
    "SELECT md5(z || z || z) FROM (SELECT repeat('ab', 2000000) AS z) q",
    # an aggregate over a constant series
    "SELECT md5(s) FROM (SELECT string_agg(repeat('x', 1000000), '') AS s FROM generate_series(1, 1000) g) q",
)

ALLOWED = (
    "SELECT lpad(CAST(42 AS VARCHAR), 8, '0')",
    "SELECT repeat('*', 40)",
    "SELECT repeat('*', CAST(n / 10 AS INTEGER)) FROM (SELECT 120 AS n) t",  # a bar chart: sized by the data
    "SELECT rpad('total', 20, '.')",
    "SELECT replace('a-b-c', '-', ' / ')",
    f"SELECT repeat('x', {MAX_VALUE_CHARS})",
    "SELECT repeat('x', -5)",
    "SELECT string_agg(repeat('x', 100), '') FROM generate_series(1, 1000) g",
    "WITH RECURSIVE r(p, n) AS (SELECT 'a', 0 UNION ALL SELECT p || '/' || 'b', n + 1 FROM r WHERE n < 5) SELECT p FROM r",
    "WITH s AS (SELECT repeat('-', 80) AS rule) SELECT rule || rule FROM s",
)


@pytest.mark.parametrize("dialect", ENGINES)
@pytest.mark.parametrize("sql", REFUSED)
def test_a_huge_constant_value_is_refused(sql: str, dialect: str) -> None:
    if dialect == "mysql" and "||" in sql:
        pytest.skip("MySQL's || is OR, not concatenation: no value is built (concat(...) is refused instead)")
    verdict = check_sql(sql, None, dialect)
    assert not verdict.ok
    assert [p.code for p in verdict.problems] and all(p.code == "value_too_large" for p in verdict.problems), verdict
    assert "characters" in verdict.problems[0].message and "smaller" in verdict.problems[0].message


@pytest.mark.parametrize("dialect", ENGINES)
@pytest.mark.parametrize("sql", ALLOWED)
def test_ordinary_padding_and_data_sized_values_pass(sql: str, dialect: str) -> None:
    verdict = check_sql(sql, None, dialect)
    assert verdict.ok, verdict.problems


@pytest.mark.parametrize(
    "sql",
    [
        f"SELECT len(range({MAX_LIST_ITEMS + 1}))",
        "SELECT len(range(1000000000))",
        "SELECT len(generate_series(1, 100000000000))",
        "SELECT list_sum(range(0, 300000000, 1))",
    ],
)
def test_a_huge_duckdb_list_from_a_range_is_refused(sql: str) -> None:
    verdict = check_sql(sql, None, "duckdb")
    assert not verdict.ok and verdict.problems[0].code == "value_too_large", verdict
    assert "FROM range" in verdict.problems[0].message


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT count(*) FROM range(100000000000)",  # rows stream: the time limit stops it
        "SELECT len(range(1000))",
        f"SELECT len(range({MAX_LIST_ITEMS}))",
        "SELECT * FROM generate_series(1, 1000000000) t(i) LIMIT 5",
    ],
)
def test_ranges_that_stream_rows_or_stay_small_pass(sql: str) -> None:
    verdict = check_sql(sql, None, "duckdb")
    assert verdict.ok, verdict.problems


def test_postgres_row_generators_in_select_are_rows_not_lists() -> None:
    verdict = check_sql("SELECT generate_series(1, 1000000000) AS i LIMIT 5", None, "postgres")
    assert verdict.ok, verdict.problems
