"""Issue 16: legitimate analyst SQL the guard refused passes on the database that hides
customers.email and excludes internal_tokens (the attack corpora's configuration), and runs; the
matching attacks are in the attack corpora."""

from __future__ import annotations

import pytest

from tests.security.test_duckdb_corpus import db, paths  # noqa: F401  (fixtures)
from tools.databases.base import Limits, QueryResult
from tools.databases.duckdb import DuckDBDatabase
from tools.guard import check_for

ALLOWED = (
    "SELECT (c).first_name FROM customers c ORDER BY c.customer_id LIMIT 3",
    "SELECT internal_tokens.first_name FROM (SELECT first_name FROM customers) AS internal_tokens LIMIT 3",
    "PIVOT (SELECT segment, country FROM customers) ON segment IN ('consumer') USING count(*) GROUP BY country",
    "UNPIVOT (SELECT customer_id, first_name, last_name FROM customers) ON first_name, last_name INTO NAME k VALUE v",
    "SELECT TRY(CAST(first_name AS INTEGER)) AS n FROM customers LIMIT 3",
    "VALUES (1), (2)",
)


@pytest.mark.parametrize("sql", ALLOWED)
def test_passes_with_hidden_columns_and_excluded_tables(sql: str, db: DuckDBDatabase) -> None:  # noqa: F811
    verdict = check_for(db, sql)
    assert verdict.ok, verdict.problems
    assert verdict.sql is not None
    assert isinstance(db.execute(verdict.sql, Limits(timeout_s=30)), QueryResult)


def test_a_pivot_statement_without_its_values_says_how_to_write_it(db: DuckDBDatabase) -> None:  # noqa: F811
    verdict = check_for(db, "PIVOT orders ON channel USING count(*)")
    assert not verdict.ok and "IN (" in verdict.problems[0].message
